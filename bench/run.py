"""The performance benchmark: a PostgreSQL corpus, gunicorn from gunicorn.conf.py, wrk.

    bench/run.sh [--articles 100000] [--seconds 15] [--connections 16]

Creates (once) the database ``newsroom_bench`` with the corpus, starts gunicorn on
127.0.0.1:8766 with production settings (DEBUG=0, 4 sync workers unless GUNICORN_WORKERS is
set), warms each page up for 3 s, measures it for --seconds with wrk, and prints requests/s,
p50, p99, errors, SQL queries per request and the ratio to the floor (a constant 3 KB page
through the same middleware, measured in the same run).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DATABASE = "newsroom_bench"
BIND = "127.0.0.1:8766"

PAGES_SCRIPT = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from articles.models import Article, Section, Tag
article = Article.objects.published().filter(language="ru", slug__startswith="corpus-").order_by("-publish_at")[10]
section = Section.objects.order_by("position").first()
tag = Tag.objects.filter(slug__startswith="corpus-topic-").order_by("pk").first()
pages = [
    ("floor", "/bench/floor/"),
    ("front page", "/"),
    ("article", article.get_absolute_url()),
    ("section, page 100", section.get_absolute_url() + "?page=100"),
    ("topic", tag.get_absolute_url()),
    ("search «министр»", "/search/?q=%D0%BC%D0%B8%D0%BD%D0%B8%D1%81%D1%82%D1%80"),
    ("RSS feed", "/feed.rss"),
    ("sitemap index", "/sitemap.xml"),
]
client = Client()
rows = []
for name, url in pages:
    client.get(url)  # the publisher, sections and promo blocks cached, as in steady traffic
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    rows.append([name, url, status, len(queries)])
print(json.dumps(rows))
"""


def run(*command, env, check=True, **kwargs):
    return subprocess.run(command, cwd=ROOT, env=env, check=check, capture_output=True, text=True, **kwargs)


def wrk(url, seconds, connections):
    out = run("wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url, env=os.environ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(label):
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(n) for n in match.groups())
    return rps, latency("50"), latency("99"), errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    var = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "NEWSROOM_VAR_DIR": str(var),
        "NEWSROOM_BENCH_FLOOR": "1",
        "GUNICORN_BIND": BIND,
        "REQUEST_LOG_LEVEL": "WARNING",
    }
    run("createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE, env=env, check=False)
    run(PYTHON, "manage.py", "migrate", "--no-input", "-v0", env=env)
    count = int(
        run(
            PYTHON,
            "manage.py",
            "shell",
            "-v0",
            "-c",
            "from articles.models import Article; print(Article.objects.count())",
            env=env,
        ).stdout
    )
    if count < args.articles:
        started = time.monotonic()
        run(PYTHON, "manage.py", "generate_corpus", "--articles", str(args.articles), env=env, timeout=7200)
        print(f"corpus: {args.articles} articles generated in {time.monotonic() - started:.0f} s")
    run(PYTHON, "manage.py", "collectstatic", "--no-input", "-v0", env=env)
    pages = json.loads(run(PYTHON, "manage.py", "shell", "-v0", "-c", PAGES_SCRIPT, env=env).stdout)

    server = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://{BIND}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        results = []
        for name, path, status, queries in pages:
            url = f"http://{BIND}{path}"
            wrk(url, 3, args.connections)  # warm-up
            results.append((name, status, queries, *wrk(url, args.seconds, args.connections)))
    finally:
        server.terminate()
        try:
            server.wait(timeout=35)
        except subprocess.TimeoutExpired:
            server.kill()

    floor = results[0][3]
    workers = env.get("GUNICORN_WORKERS", "4")
    print(
        f"\n{args.articles} articles, gunicorn {workers} sync workers, wrk 2 threads x {args.connections} connections,"
    )
    print(f"{args.seconds} s per page after a 3 s warm-up\n")
    print(f"{'page':<22}{'status':>7}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'queries':>9}{'x floor':>9}")
    for name, status, queries, rps, p50, p99, errors in results:
        print(f"{name:<22}{status:>7}{rps:>10.0f}{p50:>9.1f}{p99:>9.1f}{errors:>8}{queries:>9}{rps / floor:>9.2f}")


if __name__ == "__main__":
    main()

"""The performance benchmark: a PostgreSQL corpus, gunicorn from gunicorn.conf.py, wrk.

    bench/run.sh [--articles 100000] [--seconds 15] [--connections 16] [--only article]

Creates (once per size) the database ``newsroom_bench_<articles>`` with the corpus
(``manage.py generate_corpus``), starts gunicorn on 127.0.0.1:8766 with production settings
(DEBUG=0, Redis as the shared cache, 4 sync workers unless GUNICORN_WORKERS is set; workers
are not recycled, so their memory after the whole run can be read), warms each page up for
3 s, measures it for --seconds with wrk, and prints requests/s, p50, p99, errors, SQL queries
per request and the ratio to the floor: a constant 3 KB page through the same middleware,
measured in the same run. Latency is measured a second time with one request at a time, where
it is the page's own time rather than time queued behind busy workers.

"Uncached" pages are asked for with a query string the page cache has not seen (or, for
articles, a different article each time out of 20,000), so they measure the database and the
templates; "cache warm" pages are the same address again and again, as in a traffic spike.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
BIND = "127.0.0.1:8766"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
RANDOM_PATHS = Path(__file__).resolve().parent / "random_paths.lua"

# Run inside the project (manage.py shell): the pages to measure, their queries per request on
# a page-cache miss (header data cached, as in steady traffic) and on a hit, and the addresses
# of 20,000 articles for the uncached article run.
PAGES_SCRIPT = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from articles.models import Article, Section, Tag
from distribution.models import ApiKey
from django.db.models import Count
api_key = ApiKey.issue("bench")[1]
articles = Article.objects.published().filter(language="ru", slug__startswith="corpus-")
article = articles.order_by("-publish_at")[10]
section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
tag = Tag.objects.filter(slug__startswith="corpus-topic-").order_by("pk").first()
search = "/search/?q=%D0%BC%D0%B8%D0%BD%D0%B8%D1%81%D1%82%D1%80"  # «министр»
pages = [
    # name, address, how it is asked for: same (cache warm), bust (a new query string each time), articles
    ("floor", "/bench/floor/", "same"),
    ("front page, cache warm", "/", "same"),
    ("front page, uncached", "/", "bust"),
    ("article, uncached", article.get_absolute_url(), "articles"),
    ("article, cache warm", article.get_absolute_url(), "same"),
    ("section page 100, uncached", section.get_absolute_url() + "?page=100", "bust"),
    ("topic, uncached", tag.get_absolute_url(), "bust"),
    ("search «министр», uncached", search, "bust"),
    ("RSS feed, uncached", "/feed.rss", "bust"),
    ("news feed, uncached", "/news/", "bust"),
    ("most read 24 h, uncached", "/popular/", "bust"),
    ("most read 7 days, uncached", "/popular/?period=7d", "bust"),
    ("sitemap index, uncached", "/sitemap.xml", "bust"),
    ("partner API, 100 items", "/api/v1/items?limit=100", "api"),
]
client = Client()
client.get(articles.order_by("-publish_at")[11].get_absolute_url())  # header data and schedule cached
rows = []
for n, (name, url, mode) in enumerate(pages):
    if mode == "same":
        client.get(url)  # stored: what follows is a hit
        target = url
    elif mode == "articles":
        target = articles.order_by("-publish_at")[12 + n].get_absolute_url()
    else:
        target = url + ("&" if "?" in url else "?") + f"warm={n}"
    headers = {"Authorization": "Bearer " + api_key} if mode == "api" else {}
    if mode == "api":
        client.get(url, headers=headers)  # the key's use recorded
        target = url
    with CaptureQueriesContext(connection) as queries:
        status = client.get(target, headers=headers).status_code
    rows.append([name, url, mode, status, len(queries)])
paths = [a.get_absolute_url() for a in articles.order_by("-publish_at")[100:20100].only("slug", "language")]
print(json.dumps({"pages": rows, "articles": paths, "api_key": api_key}))
"""


def run(*command, env, check=True, **kwargs):
    return subprocess.run(command, cwd=ROOT, env=env, check=check, capture_output=True, text=True, **kwargs)


def wrk(url, seconds, connections, *script_args, headers=()):
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script_args:
        command += ["-s", str(RANDOM_PATHS), url, "--", *script_args]
    else:
        command.append(url)
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))

    def latency(label):
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
        print(f"  {url}: {match.group(0)}", file=sys.stderr)
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(n) for n in match.groups())
        print(f"  {url}: {match.group(0)}", file=sys.stderr)
    return rps, latency("50"), latency("99"), errors, total


def worker_rss_mb(master_pid: int) -> list[float]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", help="measure only the pages whose name contains this (and the floor)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    database = f"newsroom_bench_{args.articles}"
    var = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": REDIS_URL,
        "NEWSROOM_VAR_DIR": str(var),
        "NEWSROOM_BENCH_FLOOR": "1",
        "GUNICORN_BIND": BIND,
        "GUNICORN_MAX_REQUESTS": "0",  # no recycling: memory is read after the whole run
        "REQUEST_LOG_LEVEL": "WARNING",
        "API_RATE_LIMIT_PER_MINUTE": "1000000000",  # the bench's one key asks far more than a partner
    }
    run("createdb", "-h", "127.0.0.1", "-U", "postgres", database, env=env, check=False)
    run(PYTHON, "manage.py", "migrate", "--no-input", "-v0", env=env)
    count_script = "from articles.models import Article; print(Article.objects.count())"
    count = int(run(PYTHON, "manage.py", "shell", "-v0", "-c", count_script, env=env).stdout)
    if count < args.articles:
        started = time.monotonic()
        run(PYTHON, "manage.py", "generate_corpus", "--articles", str(args.articles), env=env, timeout=7200)
        print(f"corpus: {args.articles} articles generated in {time.monotonic() - started:.0f} s")
        # What autovacuum does soon after a bulk load on a live server: the visibility map lets
        # the topic and related-article lookups answer from their indexes alone.
        started = time.monotonic()
        run("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-qc", "VACUUM (ANALYZE)", env=env)
        print(f"corpus: VACUUM (ANALYZE) in {time.monotonic() - started:.0f} s")
    run(PYTHON, "manage.py", "collectstatic", "--no-input", "-v0", env=env)
    run("redis-cli", "-u", REDIS_URL, "flushdb", env=env)
    found = json.loads(run(PYTHON, "manage.py", "shell", "-v0", "-c", PAGES_SCRIPT, env=env).stdout)
    paths_file = var / "article-paths.txt"
    paths_file.write_text("\n".join(found["articles"]) + "\n")

    host, port = BIND.rsplit(":", 1)
    with socket.socket() as probe:
        if probe.connect_ex((host, int(port))) == 0:  # wrk would measure that server instead
            sys.exit(f"something already listens on {BIND}: stop it first (an earlier gunicorn?)")
    server = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    served = 0
    workers = int(env.get("GUNICORN_WORKERS", "4"))
    try:
        for _ in range(100):
            if server.poll() is not None:
                sys.exit(f"gunicorn exited with status {server.returncode} before answering")
            try:
                urllib.request.urlopen(f"http://{BIND}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        results = []
        for name, path, mode, status, queries in found["pages"]:
            if args.only and name != "floor" and args.only not in name:
                continue
            url = f"http://{BIND}{path}"
            script = {"same": (), "api": (), "bust": ("bust", path), "articles": ("paths", str(paths_file))}[mode]
            headers = [f"Authorization: Bearer {found['api_key']}"] if mode == "api" else []
            served += wrk(url, 3, args.connections, *script, headers=headers)[4]  # warm-up
            rps, p50, p99, errors, total = wrk(url, args.seconds, args.connections, *script, headers=headers)
            # Latency one request at a time: the page's own time, not time in a queue. The
            # requests the loaded run left in the workers' hands are finished first: measured
            # straight after it, the first requests of this run waited behind them, and with
            # 150 requests in a run of a slow page those few were its p99.
            time.sleep(2)
            _rps, alone50, alone99, alone_errors, alone_total = wrk(url, args.seconds, 1, *script, headers=headers)
            served += total + alone_total
            results.append((name, status, queries, rps, p50, p99, errors + alone_errors, alone50, alone99))
        rss = worker_rss_mb(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=35)
        except subprocess.TimeoutExpired:
            server.kill()

    floor = results[0][3]
    print(f"\n{args.articles} articles, gunicorn {workers} sync workers; wrk 2 threads, after a 3 s warm-up:")
    print(f"  req/s, p50, p99: {args.connections} connections for {args.seconds} s (the workers saturated)")
    print(f"  alone p50, p99: one connection, one request at a time, for {args.seconds} s\n")
    print(
        f"{'page':<30}{'status':>7}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}{'queries':>8}"
        f"{'x floor':>8}{'alone p50':>10}{'alone p99':>10}"
    )
    for name, status, queries, rps, p50, p99, errors, alone50, alone99 in results:
        print(
            f"{name:<30}{status:>7}{rps:>8.0f}{p50:>8.1f}{p99:>8.1f}{errors:>7}{queries:>8}"
            f"{rps / floor:>8.2f}{alone50:>10.1f}{alone99:>10.1f}"
        )
    print(
        f"\nworker memory after {served} requests ({served // len(rss)} per worker on average): "
        + ", ".join(f"{size:.0f}" for size in rss)
        + " MB RSS"
    )


if __name__ == "__main__":
    main()

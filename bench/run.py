"""The performance benchmark: a PostgreSQL corpus, gunicorn from gunicorn.conf.py, nginx from
deploy/nginx.conf, wrk.

    bench/run.sh [--articles 100000] [--seconds 15] [--connections 16] [--only article]

Creates (once per size) the database ``newsroom_bench_<articles>`` with the corpus
(``manage.py generate_corpus``), starts gunicorn on 127.0.0.1:8766 with production settings
(DEBUG=0, Redis as the shared cache, 4 sync workers unless GUNICORN_WORKERS is set; workers
are not recycled, so their memory after the whole run can be read), and beside it, with the
same gunicorn.conf.py, the yardstick: a bare Django project (bench/bare: startproject's
middleware, one view returning a constant 3 KB page) on 127.0.0.1:8767. nginx runs
deploy/nginx.conf on 127.0.0.1:8768 in front of the project (bench/nginx.sh).

Each page is warmed up for 3 s and measured for --seconds with wrk: requests/s, p50, p99,
errors, SQL queries per request and the ratio to the bare Django view measured in the same
run. Latency is measured a second time with one request at a time, where it is the page's own
time rather than time queued behind busy workers. While wrk loads the article through nginx,
500 concurrent readers each load it and send its view beacon, and the article's count must
rise by exactly 500. The run ends with the issue's targets, each as a ratio.

"Uncached" pages are asked for with a query string the page cache has not seen (articles: a
random one of 20,000, with such a query string), so they measure the database and the
templates; "cache warm" pages are the same address again and again, as in a traffic spike.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
BIND = "127.0.0.1:8766"
BARE_BIND = "127.0.0.1:8767"
NGINX_PORT = 8768
READERS = 500
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
BEACON = re.compile(rb'data-url="(/views/[0-9]+)"')

# The floors readers' speed must not fall below (docs/performance.md): row, the row it is
# measured against, the least ratio.
TARGETS = [
    ("floor", "bare Django view", 0.75),
    ("front page, cache warm", "floor", 0.8),
    ("article, cache warm", "floor", 0.8),
    ("article, uncached", "bare Django view", 0.06),
    ("view beacon", "bare Django view", 0.8),
    ("article via nginx", "nginx, static file", 0.5),
]

# Counts an article's views: what the database holds after everything waiting in Redis is written.
COUNT_SCRIPT = """
import os
from readership import buffer as views_buffer
from articles.models import ArticleViews
views_buffer.flush(views_buffer.redis_client())
views = ArticleViews.objects.filter(article_id=int(os.environ["BENCH_ARTICLE"]))
print(views.values_list("count", flat=True).first() or 0)
"""
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
    ("view beacon", f"/views/{article.pk}", "beacon"),
]
client = Client()
client.get(articles.order_by("-publish_at")[11].get_absolute_url())  # header data and schedule cached
rows = []
for n, (name, url, mode) in enumerate(pages):
    if mode == "same":
        client.get(url)  # stored: what follows is a hit
        target = url
    elif mode == "beacon":
        rows.append([name, url, mode, client.post(url + "?t=0123456789abcdef").status_code, 0])
        continue
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
found = {"pages": rows, "articles": paths, "api_key": api_key, "article": [article.pk, article.get_absolute_url()]}
print(json.dumps(found))
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


def start_gunicorn(env, bind, *app):
    host, port = bind.rsplit(":", 1)
    with socket.socket() as probe:
        if probe.connect_ex((host, int(port))) == 0:  # wrk would measure that server instead
            sys.exit(f"something already listens on {bind}: stop it first (an earlier gunicorn?)")
    server = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py", *app],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": bind},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(server, f"http://{bind}/bench/floor/")
    return server


def wait_for(process, url):
    for _ in range(150):
        if process.poll() is not None:
            sys.exit(f"{process.args[0]} exited with status {process.returncode} before answering")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{url} did not answer")


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=35)
    except subprocess.TimeoutExpired:
        process.kill()


def readers(port: int, path: str, count: int) -> tuple[int, int]:
    """``count`` readers at once, each loading the page through nginx and sending its beacon as
    the page's script does; returns how many pages and beacons were answered as they should."""
    barrier = threading.Barrier(count)

    def read(_n):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        connection.request("GET", path, headers={"User-Agent": BROWSER})
        page = connection.getresponse()
        body = page.read()
        beacon = BEACON.search(body)
        if page.status != 200 or beacon is None:
            return False, False
        token = secrets.token_hex(16)
        connection.request("POST", f"{beacon[1].decode()}?t={token}", headers={"User-Agent": BROWSER})
        answer = connection.getresponse()
        answer.read()
        connection.close()
        return True, answer.status == 204

    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(read, range(count)))
    return sum(page for page, _ in results), sum(beacon for _, beacon in results)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", help="measure only the pages whose name contains this (and the yardsticks)")
    args = parser.parse_args()
    for program in ("wrk", "nginx"):
        if not shutil.which(program):
            sys.exit(f"{program} is not installed: apt-get install {program}")

    database = f"newsroom_bench_{args.articles}"
    var = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    var.chmod(0o755)  # nginx reads static files from it
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": REDIS_URL,
        "NEWSROOM_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "bench.floor.settings",  # the project, and its floor at /bench/floor/
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
    article_id, article_path = found["article"]
    bare_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.bare.settings"}

    def wanted(name):
        return not args.only or args.only in name

    pages = [("bare Django view", "/bench/floor/", "bare", 200, 0)] + found["pages"]
    nginx_rows = [("nginx, static file", "/static/bench-article.html", "nginx", 200, 0)]
    nginx_rows.append(("article via nginx", article_path, "nginx", 200, 0))
    yardsticks = ("bare Django view", "floor", "nginx, static file")
    pages += nginx_rows if wanted("nginx") or wanted("article via nginx") else []
    pages = [page for page in pages if page[0] in yardsticks or wanted(page[0])]

    bare = start_gunicorn(bare_env, BARE_BIND, "bench.bare.wsgi:application")
    server = start_gunicorn(env, BIND)
    nginx = None
    served = 0
    workers = int(env.get("GUNICORN_WORKERS", "4"))
    counted = None
    try:
        if any(mode == "nginx" for _name, _path, mode, *_ in pages):
            page = urllib.request.urlopen(f"http://{BIND}{article_path}").read()
            (var / "static" / "bench-article.html").write_bytes(page)  # the same article, as a file
            nginx = subprocess.Popen(
                ["bench/nginx.sh", str(NGINX_PORT), BIND],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            wait_for(nginx, f"http://127.0.0.1:{NGINX_PORT}/static/bench-article.html")
        results = []
        for name, path, mode, status, queries in pages:
            base = {"bare": f"http://{BARE_BIND}", "nginx": f"http://127.0.0.1:{NGINX_PORT}"}.get(
                mode, f"http://{BIND}"
            )
            url = base + path
            script = {"bust": ("bust", path), "articles": ("paths", str(paths_file)), "beacon": ("beacon", path)}
            script = script.get(mode, ())
            headers = [f"Authorization: Bearer {found['api_key']}"] if mode == "api" else []
            served += wrk(url, 3, args.connections, *script, headers=headers)[4]  # warm-up
            if name == "article via nginx":  # the readers arrive while wrk loads the page
                before = article_views(env, article_id)
                with ThreadPoolExecutor(max_workers=1) as pool:
                    crowd = pool.submit(readers, NGINX_PORT, path, READERS)
                    rps, p50, p99, errors, total = wrk(url, args.seconds, args.connections, *script, headers=headers)
                    pages_read, beacons = crowd.result()
                counted = (pages_read, beacons, article_views(env, article_id) - before)
            else:
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
        if nginx is not None:
            os.killpg(nginx.pid, signal.SIGTERM)
            nginx.wait(timeout=30)
        stop(server)
        stop(bare)

    yardstick = {name: rps for name, _status, _queries, rps, *_ in results}
    bare_rps = yardstick["bare Django view"]
    print(f"\n{args.articles} articles, gunicorn {workers} sync workers; wrk 2 threads, after a 3 s warm-up:")
    print(f"  req/s, p50, p99: {args.connections} connections for {args.seconds} s (the workers saturated)")
    print(f"  alone p50, p99: one connection, one request at a time, for {args.seconds} s")
    print("  x bare: requests/s as a share of the bare Django view's (bench/bare) in this run\n")
    print(
        f"{'page':<30}{'status':>7}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}{'queries':>8}"
        f"{'x bare':>8}{'alone p50':>10}{'alone p99':>10}"
    )
    for name, status, queries, rps, p50, p99, errors, alone50, alone99 in results:
        print(
            f"{name:<30}{status:>7}{rps:>8.0f}{p50:>8.1f}{p99:>8.1f}{errors:>7}{queries:>8}"
            f"{rps / bare_rps:>8.2f}{alone50:>10.1f}{alone99:>10.1f}"
        )
    print(
        f"\nworker memory after {served} requests ({served // len(rss)} per worker on average): "
        + ", ".join(f"{size:.0f}" for size in rss)
        + " MB RSS"
    )
    print("\ntargets (docs/performance.md):")
    for name, against, least in TARGETS:
        if name in yardstick and against in yardstick:
            ratio = yardstick[name] / yardstick[against]
            verdict = "met" if ratio >= least else "NOT MET"
            print(f"  {name + ' / ' + against:<48}{ratio:>6.2f}  (at least {least}) {verdict}")
    if counted is not None:
        pages_read, beacons, rise = counted
        verdict = "met" if pages_read == beacons == rise == READERS else "NOT MET"
        print(
            f"  {READERS} readers during the nginx run: {pages_read} pages, {beacons} beacons answered;"
            f" the count rose by {rise} (exactly {READERS}) {verdict}"
        )


def article_views(env, article_id: int) -> int:
    """The article's views, everything waiting in Redis written first."""
    out = run(PYTHON, "manage.py", "shell", "-v0", "-c", COUNT_SCRIPT, env={**env, "BENCH_ARTICLE": str(article_id)})
    return int(out.stdout)


if __name__ == "__main__":
    main()

"""Live coverage's benchmark: a live blog of 2,000 entries against an ordinary article, and a
thousand readers polling a blog through nginx while entries are posted.

    .venv/bin/python bench/live.py [--entries 2000] [--requests 40] [--readers 1000] [--poll-seconds 90]

Production settings on PostgreSQL (``newsroom_bench_live``: migrated, the demo content, and two
live blogs added when missing: one of ``--entries`` entries, one of 20), Redis as the shared
cache, gunicorn from gunicorn.conf.py, and nginx from deploy/nginx.conf (bench/nginx.sh).

1. Uncached pages, straight from gunicorn, one request at a time after three warm-ups, each
   address made unique (``?bust=N``) so neither cache answers: the demo's ordinary article, the
   20-entry blog and the 2,000-entry blog. Median, p95 (ms) and the ratio to the article
   (target: the 2,000-entry blog within 2x the ordinary article).
2. ``--readers`` readers poll the 20-entry blog's update address through nginx every
   ``LIVE_POLL_SECONDS`` (10 s), each from a random moment, as static/js/live-blog.js does (the
   shared ``?since=`` each answer names: the newest entry's time, rounded down to 10 s), for
   ``--poll-seconds``, while an entry is posted every 20 s (``live.services.entry_post``, as the
   admin's Post does). Counted: poll requests, those nginx passed to gunicorn (``X-Cache`` MISS,
   EXPIRED, UPDATING...), and the poll answers Django rendered from the database (the poll's
   query in PostgreSQL's log, with ``log_statement = all`` set on the benchmark's database for
   the run), per 10-second bucket; and for each entry, how long after Post the last reader had
   it (target: every reader within 20 s).
"""

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import PYTHON, REDIS_URL, run, start_gunicorn, stop, wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIND = "127.0.0.1:8772"
NGINX_PORT = 8773
DATABASE = "newsroom_bench_live"
BIG_TITLE = "Бенчмарк: большой онлайн"
SMALL_TITLE = "Бенчмарк: онлайн на 20 записей"
POST_EVERY_SECONDS = 20
BUCKET_SECONDS = 10


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def make_blogs(entries: int) -> dict:
    """The two blogs (made when missing) and the ordinary article compared with them."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from articles.models import Article
    from live.models import Entry

    editor = get_user_model().objects.get(username="editor")
    ordinary = Article.objects.published().filter(language="ru", photo__isnull=False, coverage_start_at=None)
    ordinary = ordinary.order_by("-publish_at").first()
    paragraph = (
        "<p>Делегации обсудили транзит через Каспий, цифровые платформы и энергетику; "
        "министр назвал переговоры «конструктивными», а стороны договорились продолжить работу.</p>"
    )
    blogs = {}
    for title, count in ((BIG_TITLE, entries), (SMALL_TITLE, 20)):
        blog = Article.objects.filter(title=title).first()
        start = timezone.now() - dt.timedelta(days=2)
        if blog is None:
            blog = Article.objects.create(
                title=title,
                lead="Следим за событием в реальном времени, передает DKNews.kz",
                body=ordinary.body,
                section=ordinary.section,
                photo=ordinary.photo,
                status=Article.Status.PUBLISHED,
                publish_at=start,
                coverage_start_at=start,
                created_by=editor,
            )
        have = blog.live_entries.count()
        step = dt.timedelta(days=2) / (count + 1)
        Entry.objects.bulk_create(
            Entry(
                article=blog,
                headline=f"Запись {n}" if n % 5 == 0 else "",
                body=paragraph * (1 + n % 3),
                published_at=start + step * (n + 1),
                key_event=n % 100 == 0,
                created_by=editor,
            )
            for n in range(have, count)
        )
        blogs[title] = blog
    return {"article": ordinary, "big": blogs[BIG_TITLE], "small": blogs[SMALL_TITLE], "editor": editor}


def timed(url: str, requests: int) -> list[float]:
    for n in range(3):
        urllib.request.urlopen(f"{url}?bust=warm{n}-{secrets.token_hex(4)}").read()
    times = []
    for n in range(requests):
        started = time.perf_counter()
        with urllib.request.urlopen(f"{url}?bust={n}-{secrets.token_hex(4)}") as answer:
            answer.read()
        times.append((time.perf_counter() - started) * 1000)
    return times


def psql(sql: str, env) -> str:
    return run("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-tAc", sql, env=env).stdout.strip()


def server_log() -> Path:
    """PostgreSQL's log (Debian's cluster writes statements there with log_statement = all)."""
    return sorted(Path("/var/log/postgresql").glob("postgresql-*-main.log"))[-1]


# The poll's own query (live.pages.changes_since): one per answer Django renders.
POLL_QUERY = re.compile(r'@newsroom_bench_live .*"live_entry"\."updated_at" >=')
STATEMENT = re.compile(r"@newsroom_bench_live LOG:  (statement|execute [^:]*): ")


async def get(host: str, port: int, path: str, connection: dict) -> tuple[int, dict, bytes]:
    """One HTTP/1.1 GET on the reader's kept-alive connection (opened when missing)."""
    if "writer" not in connection:
        connection["reader"], connection["writer"] = await asyncio.open_connection(host, port)
    writer, reader = connection["writer"], connection["reader"]
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: identity\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, body


def since_of(moment: float) -> int:
    """``website.liveblog.poll_since``: a moment rounded down to the poll's 10-second step."""
    return int(moment // BUCKET_SECONDS) * BUCKET_SECONDS


def answer_of(body: bytes) -> tuple[set[int], int]:
    """The entry ids a poll answer holds, and the ``since`` to ask with next."""
    data = json.loads(body)
    return {int(entry["id"]) for entry in data["entries"]}, int(data["since"])


async def readers(count: int, seconds: float, poll_path: str, first_since: float, interval: int, seen_at: dict):
    stats = {"requests": 0, "passed": 0, "errors": 0}
    deadline = time.monotonic() + seconds

    async def reader(n: int):
        connection: dict = {}
        since = since_of(first_since)
        have: set[int] = set()
        await asyncio.sleep(random.random() * interval)
        while time.monotonic() < deadline:
            try:
                status, headers, body = await get("127.0.0.1", NGINX_PORT, poll_path(since), connection)
            except (OSError, asyncio.IncompleteReadError):
                stats["errors"] += 1
                connection.clear()
                await asyncio.sleep(interval)
                continue
            stats["requests"] += 1
            if headers.get("x-cache", "MISS") not in ("HIT", "STALE"):
                stats["passed"] += 1
            if status == 200:
                ids, next_since = answer_of(body)
                now = time.time()
                for entry_id in ids - have:
                    seen_at.setdefault(entry_id, []).append(now)
                have |= ids
                since = max(since, next_since)
            else:
                stats["errors"] += 1
            await asyncio.sleep(interval)
        if "writer" in connection:
            connection["writer"].close()

    await asyncio.gather(*(reader(n) for n in range(count)))
    return stats


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--poll-seconds", type=int, default=90)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="newsroom-bench-live-"))
    var.chmod(0o755)  # nginx reads static files from it
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "NEWSROOM_VAR_DIR": str(var),
        "REQUEST_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    run("createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE, env=env, check=False)
    run(PYTHON, "manage.py", "migrate", "--no-input", "-v0", env=env)
    run(PYTHON, "manage.py", "load_demo", env=env)
    run(PYTHON, "manage.py", "collectstatic", "--no-input", "-v0", env=env)
    run("redis-cli", "-u", REDIS_URL, "flushdb", env=env)
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    from live import services

    found = make_blogs(args.entries)
    run("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-qc", "VACUUM (ANALYZE)", env=env)
    # Every statement of this database's new connections goes to the server's log: counted below.
    psql(f"ALTER DATABASE {DATABASE} SET log_statement = 'all'", env)
    connections.close_all()  # this process's next connection (the posting) is logged too
    server = start_gunicorn(env, BIND, "newsroom.wsgi")
    nginx = None
    try:
        print(f"Uncached pages (gunicorn, DEBUG=0, PostgreSQL; {args.requests} requests each, ms):")
        base = f"http://{BIND}"
        article_times = timed(base + found["article"].get_absolute_url(), args.requests)
        rows = [("ordinary article", article_times)]
        rows.append(("live blog, 20 entries", timed(base + found["small"].get_absolute_url(), args.requests)))
        big = f"live blog, {args.entries} entries"
        rows.append((big, timed(base + found["big"].get_absolute_url(), args.requests)))
        reference = statistics.median(article_times)
        print(f"  {'page':32} {'median':>7} {'p95':>7} {'ratio':>6}")
        for name, times in rows:
            median = statistics.median(times)
            print(f"  {name:32} {median:7.1f} {percentile(times, 0.95):7.1f} {median / reference:6.2f}")

        nginx = subprocess.Popen(["bench/nginx.sh", str(NGINX_PORT), BIND], cwd=ROOT, env=env, start_new_session=True)
        wait_for(nginx, f"http://127.0.0.1:{NGINX_PORT}/static/robots.txt")
        blog = found["small"]
        slug_path = blog.get_absolute_url()

        def poll_path(since: int) -> str:
            return f"{slug_path}live/?since={since}"

        newest = blog.live_entries.order_by("-published_at").values_list("published_at", flat=True).first()
        posted: dict[int, float] = {}
        seen_at: dict[int, list[float]] = {}
        stop_posting = threading.Event()

        def poster():
            n = 0
            while not stop_posting.wait(POST_EVERY_SECONDS):
                n += 1
                entry = services.entry_post(article=blog, by=found["editor"], body=f"<p>Новая запись {n}</p>")
                posted[entry.pk] = time.time()

        log = server_log()
        log_offset = log.stat().st_size
        thread = threading.Thread(target=poster, daemon=True)
        thread.start()
        started = time.monotonic()
        stats = asyncio.run(
            readers(args.readers, args.poll_seconds, poll_path, newest.timestamp(), settings.LIVE_POLL_SECONDS, seen_at)
        )
        window = time.monotonic() - started
        stop_posting.set()
        thread.join()
        with log.open("rb") as lines:
            lines.seek(log_offset)
            logged = lines.read().decode(errors="replace").splitlines()
        renders = sum(1 for line in logged if POLL_QUERY.search(line))
        statements = sum(1 for line in logged if STATEMENT.search(line))
        buckets = window / BUCKET_SECONDS
        print(
            f"\n{args.readers} readers polling every {settings.LIVE_POLL_SECONDS} s through nginx for {window:.0f} s,"
            f" an entry posted every {POST_EVERY_SECONDS} s:"
        )
        print(f"  poll requests: {stats['requests']} ({stats['errors']} errors)")
        print(f"  passed by nginx to gunicorn: {stats['passed']} ({stats['passed'] / buckets:.1f} per 10-s bucket)")
        print(f"  poll answers Django rendered from PostgreSQL: {renders} ({renders / buckets:.2f} per 10-s bucket)")
        print(f"  SQL statements, posting included: {statements} ({statements / buckets:.1f} per bucket)")
        delays = []
        measured = {pk: at for pk, at in posted.items() if at < time.time() - 2 * settings.LIVE_POLL_SECONDS - 5}
        for entry_id, at in sorted(measured.items()):
            readers_seen = seen_at.get(entry_id, [])
            if len(readers_seen) < args.readers:
                print(f"  entry {entry_id}: only {len(readers_seen)} readers had it by the end")
                continue
            delays.append(max(readers_seen) - at)
        if delays:
            print(
                f"  from Post to the last of {args.readers} readers: median {statistics.median(delays):.1f} s,"
                f" max {max(delays):.1f} s ({len(delays)} entries)"
            )
    finally:
        if nginx is not None:
            os.killpg(nginx.pid, 15)
            nginx.wait(timeout=30)
        stop(server)
        psql(f"ALTER DATABASE {DATABASE} RESET log_statement", env)


if __name__ == "__main__":
    main()

"""500 readers open one article at once, then nobody reads: how long until the database holds
all 500 views? (With Redis the views wait there; the worker writes them, readers or not.)

    .venv/bin/python bench/views_after_silence.py [--views 500] [--flush-seconds 5]

Production settings: PostgreSQL (a fresh database ``newsroom_bench_views``, the demo content),
Redis, gunicorn with 4 sync workers from gunicorn.conf.py, and ``manage.py worker``. Three
rounds: with the worker running; with the worker stopped (the views must wait in Redis, none
lost); then the worker started again (they must arrive). Prints the delays.
"""

import argparse
import concurrent.futures
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "newsroom_bench_views"
BIND = "127.0.0.1:8767"
ARTICLE = "/news/ministr-kultury-i-sporta-vstretilsya-s-poslom-azerbaydzhana/"


def environment(flush_seconds: int) -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "CACHE_KEY_PREFIX": f"bench-views-{secrets.token_hex(4)}",
        "VIEW_COUNT_FLUSH_SECONDS": str(flush_seconds),
        "GUNICORN_BIND": BIND,
        "GUNICORN_WORKERS": "4",
        "REQUEST_LOG_LEVEL": "WARNING",
        "GUNICORN_LOGLEVEL": "warning",
        "WORKER_LOG_LEVEL": "WARNING",
    }


def database_count(article_id: int) -> int:
    with psycopg.connect(f"{SERVER}/{DATABASE}") as db:
        row = db.execute("SELECT count FROM articles_article_views WHERE article_id = %s", [article_id]).fetchone()
    return row[0] if row else 0


def burst(views: int) -> float:
    """``views`` readers at once (50 at a time); the moment the last answer arrived."""

    def read(_):
        with urllib.request.urlopen(f"http://{BIND}{ARTICLE}", timeout=60) as response:
            assert response.status == 200
            response.read()

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        list(pool.map(read, range(views)))
    return time.monotonic()


def wait_for(article_id: int, expected: int, since: float, timeout: float) -> float | None:
    deadline = since + timeout
    while time.monotonic() < deadline:
        if database_count(article_id) == expected:
            return time.monotonic() - since
        time.sleep(0.05)
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--views", type=int, default=500)
    parser.add_argument("--flush-seconds", type=int, default=5)
    args = parser.parse_args()
    env = environment(args.flush_seconds)

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        db.execute(f"CREATE DATABASE {DATABASE}")
    for command in (["migrate", "--no-input", "-v0"], ["load_demo"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    with psycopg.connect(f"{SERVER}/{DATABASE}") as db:
        slug = ARTICLE.split("/")[2]
        article_id = db.execute("SELECT id FROM articles_article WHERE slug = %s", [slug]).fetchone()[0]

    web = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    worker = subprocess.Popen([PYTHON, "manage.py", "worker"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://{BIND}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(2)  # the worker is up
        print(f"{args.views} views at once, then silence (flush interval {args.flush_seconds} s):")

        before = database_count(article_id)
        done = burst(args.views)
        delay = wait_for(article_id, before + args.views, done, timeout=30)
        print(f"  worker running: all {args.views} in the database {delay:.2f} s after the last answer")

        worker.terminate()
        worker.wait()
        before = database_count(article_id)
        done = burst(args.views)
        time.sleep(args.flush_seconds * 3)
        waiting = database_count(article_id) - before
        print(f"  worker stopped: {waiting} of {args.views} in the database after {args.flush_seconds * 3} s")
        worker = subprocess.Popen([PYTHON, "manage.py", "worker"], cwd=ROOT, env=env)
        started = time.monotonic()
        delay = wait_for(article_id, before + args.views, started, timeout=30)
        print(f"  worker started again: all {args.views} in the database {delay:.2f} s after its start")
    finally:
        for process in (web, worker):
            process.terminate()
            process.wait()


if __name__ == "__main__":
    sys.exit(main())

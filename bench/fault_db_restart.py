"""Restart PostgreSQL under steady traffic against a real gunicorn and report what readers saw.

    bench/fault_db_restart.sh [--seconds 20] [--restart-at 6] [--threads 8] [--redis redis://127.0.0.1:6379/13]

It creates the database ``newsroom_fault`` (dropped first), loads the demo, starts gunicorn
from the repo's gunicorn.conf.py on 127.0.0.1:8765 with production settings (DEBUG=0), sends
steady traffic to the front page and an article page, restarts the local PostgreSQL cluster in
the middle, and prints: requests sent, answers by status, whether every error during the
restart was the site's 503 notice (no stack trace), seconds from "PostgreSQL is back" to the
first good answer, and views lost (200 answers on the article page minus the count's growth).
With ``--redis`` the page cache and the view-count buffer are in Redis (as in production):
views counted while the database is down wait there, and are flushed before the count is read.

It restarts the machine's PostgreSQL: run it by hand, never in CI. Traffic goes to 127.0.0.1.
"""

import argparse
import collections
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DATABASE = "newsroom_fault"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
BIND = "127.0.0.1:8765"
ARTICLE = "/news/v-astane-zapustili-novyy-marshrut-elektrobusov/"
NOTICE = "Сайт ненадолго недоступен"


def sh(*command, env=None, check=True):
    return subprocess.run(command, cwd=ROOT, env=env, check=check, capture_output=True, text=True)


def view_count(env) -> int:
    code = f"from articles.models import Article; print(Article.objects.get(slug='{ARTICLE.split('/')[2]}').view_count)"
    if env.get("REDIS_URL"):  # first what waits in Redis
        code = "from readership import buffer; buffer.flush(buffer.redis_client()); " + code
    return int(sh(str(PYTHON), "manage.py", "shell", "-v0", "-c", code, env=env).stdout.strip())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--restart-at", type=float, default=6)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--redis", help="a Redis URL for the cache (its database is emptied)")
    args = parser.parse_args()

    cluster = sorted(os.listdir("/etc/postgresql"))[0]
    var = Path(tempfile.mkdtemp(prefix="newsroom-fault-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": DATABASE_URL,
        "NEWSROOM_VAR_DIR": str(var),
        "GUNICORN_BIND": BIND,
        "GUNICORN_WORKERS": "4",
        "REQUEST_LOG_LEVEL": "WARNING",
    }
    if args.redis:
        env["REDIS_URL"] = args.redis
        sh("redis-cli", "-u", args.redis, "flushdb")
    sh("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE)
    sh("createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE)
    for command in (["migrate", "--no-input", "-v0"], ["load_demo"], ["collectstatic", "--no-input", "-v0"]):
        sh(str(PYTHON), "manage.py", *command, env=env)

    server = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://{BIND}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        start_count = view_count(env)
        results = []  # (time, path, status, is_notice)
        lock, stop = threading.Lock(), threading.Event()
        started = time.monotonic()

        def reader(number):
            path = ARTICLE if number % 2 else "/"
            while not stop.is_set():
                sent = time.monotonic() - started
                try:
                    with urllib.request.urlopen(f"http://{BIND}{path}", timeout=10) as response:
                        status, body = response.status, ""
                except urllib.error.HTTPError as error:
                    status, body = error.code, error.read().decode("utf-8", "replace")
                except OSError:
                    status, body = 0, ""  # connection refused/reset: no HTTP answer at all
                with lock:
                    results.append((sent, path, status, NOTICE in body and "Traceback" not in body))

        threads = [threading.Thread(target=reader, args=(n,)) for n in range(args.threads)]
        for thread in threads:
            thread.start()
        time.sleep(args.restart_at)
        restart_began = time.monotonic() - started
        sh("pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart")
        while sh("pg_isready", "-h", "127.0.0.1", "-q", check=False).returncode != 0:
            time.sleep(0.05)
        back = time.monotonic() - started
        time.sleep(max(0.0, args.seconds - back))
        stop.set()
        for thread in threads:
            thread.join()
        end_count = view_count(env)
    finally:
        server.terminate()
        server.wait(timeout=30)

    statuses = collections.Counter(status for _, _, status, _ in results)
    errors = [(sent, status, notice) for sent, _, status, notice in results if status != 200]
    bad_errors = [e for e in errors if not (e[1] == 503 and e[2])]
    first_good_after = min((sent for sent, _, status, _ in results if status == 200 and sent >= back), default=None)
    acknowledged_views = sum(1 for _, path, status, _ in results if path == ARTICLE and status == 200)
    print(f"requests sent:             {len(results)} in {args.seconds:.0f} s with {args.threads} readers")
    print(f"answers by status:         {dict(sorted(statuses.items()))}")
    print(f"PostgreSQL restart:        began at {restart_began:.2f} s, accepting again at {back:.2f} s")
    print(f"errors during the restart: {len(errors)}, of which not the site's 503 notice: {len(bad_errors)}")
    if first_good_after is not None:
        print(f"recovered:                 {first_good_after - back:.2f} s after PostgreSQL was back")
    growth = end_count - start_count
    lost = max(0, acknowledged_views - growth)
    print(
        f"views acknowledged (200):  {acknowledged_views}; the count grew by {growth}; acknowledged views lost: {lost}"
    )
    if growth > acknowledged_views:
        print(f"                           ({growth - acknowledged_views} counted whose page then failed mid-restart)")
    sh("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE, check=False)
    return 1 if bad_errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())

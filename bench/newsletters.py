"""One issue to 100,000 readers: how long until the last mail is out, how many mails a second, and
how much memory the worker holds (it must stay flat, not grow with the list).

    .venv/bin/python bench/newsletters.py [--readers 100000] [--articles 8] [--rate N] [--database NAME]

Production settings on PostgreSQL (a fresh database, ``newsroom_bench_newsletters`` unless
``--database`` names another: dropped and made again by each run), ``manage.py worker`` as
production runs it (NEWSLETTER_* at their defaults; ``--rate`` overrides
NEWSLETTER_RATE_PER_MINUTE to see the machine's own speed), and a local SMTP sink (aiosmtpd) in
a process of its own, which counts what it takes. The worker's resident memory (VmRSS) is read
every second. Targets: every mail out in under 10 minutes, the worker under 200 MB.
Run by hand, never in CI.
"""

import argparse
import multiprocessing
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python")
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "newsroom_bench_newsletters"


def sink(port: int, count, size) -> None:
    """The SMTP server: takes every message and counts it (its own process, its own GIL)."""
    import asyncio

    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            with count.get_lock():
                count.value += 1
            size.value = len(envelope.original_content)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    asyncio.run(asyncio.Event().wait())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def prepare(readers: int, articles: int) -> int:
    """The readers, the issue (scheduled now) and its articles; the issue's id."""
    from django.utils import timezone

    from newsletters.models import Issue, Newsletter, Subscriber, Subscription
    from newsletters.services import set_articles
    from tests.factories import ArticleFactory, PublisherFactory

    PublisherFactory()
    newsletter = Newsletter.objects.create(
        name="Главное за день", slug="bench", schedule=Newsletter.Schedule.MANUAL, fill=Newsletter.Fill.EDITOR
    )
    now = timezone.now()
    for start in range(0, readers, 10_000):
        subscribers = Subscriber.objects.bulk_create(
            Subscriber(email=f"reader{n:06d}@example.kz", confirmed_at=now)
            for n in range(start, min(start + 10_000, readers))
        )
        Subscription.objects.bulk_create(
            Subscription(subscriber=subscriber, newsletter=newsletter, confirmed_at=now) for subscriber in subscribers
        )
    issue = Issue.objects.create(newsletter=newsletter, subject="Главное за день", preheader="Главная новость дня")
    lead = "Лид новости: две-три строки о главном, как их пишет редакция, передает DKNews.kz. " * 2
    set_articles(issue, [ArticleFactory(title=f"Новость дня номер {n}", lead=lead) for n in range(articles)])
    return issue.pk


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--readers", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=8)
    parser.add_argument("--rate", type=int, help="NEWSLETTER_RATE_PER_MINUTE (default: the production default)")
    parser.add_argument("--database", default=DATABASE, help="PostgreSQL database to drop and make again")
    args = parser.parse_args()

    from tests.mailserver import free_port

    port = free_port()
    count, size = multiprocessing.Value("i", 0), multiprocessing.Value("i", 0)
    server = multiprocessing.Process(target=sink, args=(port, count, size), daemon=True)
    server.start()

    var = Path(tempfile.mkdtemp(prefix="newsroom-bench-newsletters-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"{SERVER}/{args.database}",
        "NEWSROOM_VAR_DIR": str(var),
        "SITE_URL": "https://dknews.kz",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
    }
    if args.rate:
        env["NEWSLETTER_RATE_PER_MINUTE"] = str(args.rate)
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        name = sql.Identifier(args.database)
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
        db.execute(sql.SQL("CREATE DATABASE {}").format(name))
    subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from newsletters.models import Delivery, Issue
    from newsletters.services import issue_schedule

    began = time.monotonic()
    issue_id = prepare(args.readers, args.articles)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"{args.readers:,} readers and the issue in {time.monotonic() - began:.0f} s")

    log = (var / "worker.log").open("w")
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "worker", "--worker-id", "bench"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    samples: list[tuple[float, int, float]] = []  # (seconds, mails taken, MB)
    try:
        time.sleep(3)  # the worker's start (Django, the periodic jobs' rows)
        issue_schedule(issue=Issue.objects.get(pk=issue_id))
        started = time.monotonic()
        while True:
            time.sleep(1)
            if worker.poll() is not None:
                raise SystemExit(f"the worker stopped: see {log.name}")
            samples.append((time.monotonic() - started, count.value, rss_mb(worker.pid)))
            if count.value >= args.readers or time.monotonic() - started > 1800:
                break
        elapsed = time.monotonic() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        server.terminate()
    states = dict(
        Delivery.objects.filter(issue_id=issue_id).values_list("state").annotate(n=django.db.models.Count("pk"))
    )
    print(
        f"NEWSLETTER_RATE_PER_MINUTE={settings.NEWSLETTER_RATE_PER_MINUTE} "
        f"SEND_SECONDS={settings.NEWSLETTER_SEND_SECONDS} POLL_SECONDS={settings.NEWSLETTER_POLL_SECONDS}"
    )
    print(f"mails taken by the server: {count.value:,} ({size.value:,} bytes each); deliveries: {states}")
    print(f"all out in {elapsed:.0f} s ({elapsed / 60:.1f} min): {count.value / elapsed:.0f} mails/s on average")
    peak = max(samples, key=lambda sample: sample[2])
    print(f"worker VmRSS: peak {peak[2]:.0f} MB at {peak[0]:.0f} s; along the send:")
    for fraction in (0.1, 0.25, 0.5, 0.75, 1.0):
        seconds, taken, megabytes = samples[min(int(len(samples) * fraction), len(samples) - 1)]
        print(f"  {seconds:6.0f} s  {taken:>8,} mails  {megabytes:6.0f} MB")
    print(f"worker log: {log.name}")


if __name__ == "__main__":
    main()

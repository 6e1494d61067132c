"""Articles scheduled 20 s ahead: how long after its second does each reach the Telegram channel?
Then a burst (many articles at the same second: when is the last one out?), an update (edit), a
withdrawal (delete), and a worker killed while Telegram is slow to answer.

    .venv/bin/python bench/telegram_delivery.py [--articles 5] [--burst 50] [--poll-seconds 5] [--database NAME]

Production settings: PostgreSQL (a fresh database with the demo content:
``newsroom_bench_telegram`` unless ``--database`` names another), ``manage.py worker`` as
production runs it (TELEGRAM_POLL_SECONDS as given, default the production default), and the
test suite's fake Bot API (tests/distribution/fake_telegram.py) in place of Telegram. Prints
each delay; the target is under 30 s.
"""

import argparse
import datetime as dt
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python")
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "newsroom_bench_telegram"  # dropped and made again by each run

from tests.distribution.fake_telegram import CHAT, TOKEN, FakeBotAPI  # noqa: E402


def environment(fake: FakeBotAPI, poll_seconds: int, database: str) -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{SERVER}/{database}",
        "TELEGRAM_API_BASE": fake.base,
        "TELEGRAM_POLL_SECONDS": str(poll_seconds),
        "SITE_URL": "https://dknews.kz",
        "WORKER_LOG_LEVEL": "WARNING",
    }


def wait(condition, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise SystemExit(f"gave up after {timeout} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=5)
    parser.add_argument("--burst", type=int, default=50, help="articles published at the same second")
    parser.add_argument("--poll-seconds", type=int, default=5)
    parser.add_argument("--database", default=DATABASE, help="PostgreSQL database to drop and make again")
    args = parser.parse_args()
    fake = FakeBotAPI().start()
    env = environment(fake, args.poll_seconds, args.database)

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        name = sql.Identifier(args.database)
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
        db.execute(sql.SQL("CREATE DATABASE {}").format(name))
    for command in (["migrate", "--no-input", "-v0"], ["load_demo"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from articles.models import Article, Section
    from articles.services import article_note_significant_update, article_withdraw
    from distribution.models import TelegramChannel, TelegramPost

    TelegramChannel.objects.create(name="Bench", chat_id=CHAT, bot_token=TOKEN)
    section = Section.objects.first()
    editor = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create(
        username="bench-editor", is_superuser=True, is_staff=True
    )
    worker = subprocess.Popen([PYTHON, "manage.py", "worker"], cwd=ROOT, env=env)
    try:
        time.sleep(3)  # the worker is up
        start = timezone.now() + dt.timedelta(seconds=20)
        articles = [
            Article.objects.create(
                title=f"Запланированная новость {n}",
                lead="Лид, передает DKNews.kz",
                body="<p>Текст.</p>",
                section=section,
                status=Article.Status.PUBLISHED,
                publish_at=start + dt.timedelta(seconds=n * 3),
            )
            for n in range(args.articles)
        ]
        print(f"{args.articles} articles scheduled 20 s ahead, 3 s apart; worker polling every {args.poll_seconds} s:")
        delays = []
        for article in articles:
            call = wait(
                lambda a=article: next((c for c in fake.sent("sendMessage") if a.title in c.fields["text"]), None)
            )
            delays.append(call.at - article.publish_at.timestamp())
            print(f"  {article.title}: in the channel {delays[-1]:.2f} s after its second")
        print(f"  max {max(delays):.2f} s, median {statistics.median(delays):.2f} s (target: under 30 s)")
        posts = len(fake.sent("sendMessage"))
        print(f"  messages sent: {posts} for {args.articles} articles")

        second = timezone.now() + dt.timedelta(seconds=10)
        burst = [
            Article.objects.create(
                title=f"Новость залпом {n}",
                lead="Лид",
                body="<p>Текст.</p>",
                section=section,
                status=Article.Status.PUBLISHED,
                publish_at=second,
            )  # fmt: skip
            for n in range(args.burst)
        ]
        wait(lambda: sum("Новость залпом" in c.fields["text"] for c in fake.sent("sendMessage")) >= len(burst))
        times = sorted(c.at for c in fake.sent("sendMessage") if "Новость залпом" in c.fields["text"])
        first, last = times[0] - second.timestamp(), times[-1] - second.timestamp()
        print(
            f"  {args.burst} articles at one second: in the channel {first:.2f} s (first) to {last:.2f} s (last) later"
        )

        article = articles[0]
        changed = timezone.now()
        article_note_significant_update(article=article, at=changed)
        call = wait(lambda: fake.sent("editMessageText"))
        print(f"  significant update: message edited {call[0].at - changed.timestamp():.2f} s later")
        withdrawn = time.time()
        article_withdraw(article=article, by=editor)
        call = wait(lambda: fake.sent("deleteMessage"))
        print(f"  withdrawal: message deleted {call[0].at - withdrawn:.2f} s later")

        fake.then("sendMessage", ("slow", 60))
        doomed = Article.objects.create(
            title="Новость, на которой обработчик упадёт", lead="Лид", body="<p>Текст.</p>", section=section,
            status=Article.Status.PUBLISHED, publish_at=timezone.now(),
        )  # fmt: skip
        wait(lambda: any(doomed.title in c.fields["text"] for c in fake.sent("sendMessage")))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        killed = time.monotonic()
        worker = subprocess.Popen([PYTHON, "manage.py", "worker"], cwd=ROOT, env=env)
        post = wait(lambda: TelegramPost.objects.filter(article=doomed, state="unknown").first(), timeout=120)
        print(f"  worker killed mid-send: post marked {post.state} {time.monotonic() - killed:.1f} s later")
        time.sleep(args.poll_seconds * 2)
        copies = sum(doomed.title in c.fields["text"] for c in fake.sent("sendMessage"))
        print(f"  ... and sent {copies} time(s) in all (never twice by itself)")
    finally:
        worker.terminate()
        worker.wait()
        fake.stop()


if __name__ == "__main__":
    sys.exit(main())

"""Telegram posts driven by the real ``manage.py worker`` process (its periodic job plans, the
tasks it queues send) against the local fake Bot API:
a scheduled article goes out once, at its second and not before; an update edits the message, a
withdrawal deletes it; a worker killed while Telegram has not answered leaves the post
"unknown", and no second worker sends it again. (How soon after its second a post goes out is
measured by bench/telegram_delivery.py, not here.)"""

import datetime as dt
import signal

import pytest
from django.utils import timezone

from articles.services import article_note_significant_update, article_withdraw
from distribution.models import TelegramChannel, TelegramPost
from tests.conftest import wait_for
from tests.distribution.fake_telegram import CHAT, TOKEN, FakeBotAPI
from tests.factories import ArticleFactory, PublisherFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fake():
    server = FakeBotAPI().start()
    yield server
    server.stop()


def worker_env(fake, **extra):
    """The worker's environment: the fake Bot API; how often it is polled (TELEGRAM_POLL_SECONDS,
    5) and SITE_URL (the publisher's domain) left at their defaults unless ``extra`` sets them."""
    return {"TELEGRAM_API_BASE": fake.base, **extra}


def job_runs(worker) -> int:
    return worker.text().count("periodic distribution.tasks.deliver_telegram:")


def test_the_worker_posts_a_scheduled_article_once_at_its_second_then_edits_and_deletes_it(fake, workers):
    PublisherFactory(domain="DKNews.kz")  # SITE_URL unset: links go to https://dknews.kz
    TelegramChannel.objects.create(name="DKNews", chat_id=CHAT, bot_token=TOKEN)
    editor = UserFactory(username="editor", is_superuser=True)
    worker = workers(**worker_env(fake))
    publish_at = timezone.now() + dt.timedelta(seconds=3)
    article = ArticleFactory(title="Запланированная новость", publish_at=publish_at)

    wait_for(lambda: fake.sent("sendMessage"), what="the post")
    (post_call,) = fake.sent("sendMessage")
    assert post_call.at >= publish_at.timestamp()  # not before its second
    assert "<b>Запланированная новость</b>" in post_call.fields["text"]
    assert f'href="https://dknews.kz{article.get_absolute_url()}"' in post_call.fields["text"]
    post = TelegramPost.objects.get(article=article)
    wait_for(lambda: TelegramPost.objects.get(pk=post.pk).state == "sent", what="the sent state")

    article_note_significant_update(article=article, at=timezone.now())
    wait_for(lambda: fake.sent("editMessageText"), what="the edit")
    article_withdraw(article=article, by=editor)
    wait_for(lambda: fake.sent("deleteMessage"), what="the deletion")
    assert fake.messages == {}
    runs = job_runs(worker)
    wait_for(lambda: job_runs(worker) >= runs + 2, what="two more runs of the job")
    assert len(fake.sent("sendMessage")) == 1 and len(fake.sent("editMessageText")) == 1
    assert "AAHfakeToken" not in worker.text()
    assert worker.stop() == 0


def test_a_worker_killed_while_telegram_has_not_answered_leaves_the_post_unknown_not_a_duplicate(fake, workers):
    TelegramChannel.objects.create(name="DKNews", chat_id=CHAT, bot_token=TOKEN)
    fake.then("sendMessage", ("slow", 20))  # Telegram takes the post and is slow to say so
    env = {"SITE_URL": "https://dknews.kz", "TELEGRAM_POLL_SECONDS": "1"}  # the sibling above leaves both unset
    first = workers("first", **worker_env(fake, TELEGRAM_TIMEOUT_SECONDS="60", **env))
    article = ArticleFactory()
    wait_for(lambda: fake.sent("sendMessage"), what="the request")
    first.stop(signal.SIGKILL)
    assert TelegramPost.objects.get(article=article).state == "sending"

    # Another worker takes over; a request cannot take longer than 2 x 1 + 5 s.
    second = workers("second", **worker_env(fake, TELEGRAM_TIMEOUT_SECONDS="1", **env))
    wait_for(lambda: TelegramPost.objects.get(article=article).state == "unknown", what="the unknown state")
    runs = job_runs(second)
    wait_for(lambda: job_runs(second) >= runs + 2, what="two more runs of the job")
    assert len(fake.sent("sendMessage")) == 1  # never sent twice by itself
    assert "left unknown by a worker that stopped while sending" in second.text()
    assert second.stop() == 0

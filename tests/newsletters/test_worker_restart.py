"""The issue's "done when": killing the worker (``manage.py worker``, a real process) in the
middle of a send and starting it again delivers every remaining mail once. A slow local SMTP
server records what it takes; the first worker is killed with SIGKILL while it sends; a second
worker takes over. At most one mail (the one in flight at the kill) is left "unknown"; every
other reader gets the issue exactly once. (How fast 100,000 mails go: bench/newsletters.py.)"""

import asyncio
import signal
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from newsletters.models import Delivery, Issue, Newsletter, Subscriber, Subscription
from newsletters.services import issue_schedule, set_articles
from tests.conftest import wait_for
from tests.factories import ArticleFactory
from tests.mailserver import Mailbox, free_port

pytestmark = pytest.mark.django_db(transaction=True)
State = Delivery.State
READERS = 200


class SlowMailbox(Mailbox):
    """Records each message, then takes 20 ms to say so: a kill often falls between the
    server's taking a message and the worker's recording it."""

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(0.02)
        return answer


@pytest.fixture
def slow_smtp():
    mailbox = SlowMailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    mailbox.port = port
    yield mailbox
    controller.stop()


def worker_env(smtp) -> dict:
    """A run sends for 2 s; a claim is stale after 2 + 10 x 1 (EMAIL_TIMEOUT) + 1 s."""
    return {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "1",
        "SITE_URL": "https://dknews.kz",
        "NEWSLETTER_POLL_SECONDS": "1",
        "NEWSLETTER_SEND_SECONDS": "2",
        "NEWSLETTER_STALE_MARGIN_SECONDS": "1",
    }


def readers(newsletter, count: int) -> None:
    now = timezone.now()
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n:04d}@example.kz", confirmed_at=now) for n in range(count)
    )
    Subscription.objects.bulk_create(
        Subscription(subscriber=subscriber, newsletter=newsletter, confirmed_at=now) for subscriber in subscribers
    )


def open_deliveries() -> int:
    return Delivery.objects.filter(state__in=[State.PENDING, State.SENDING]).count()


def test_killing_the_worker_mid_send_and_starting_it_again_delivers_every_remaining_mail_once(slow_smtp, workers):
    newsletter = Newsletter.objects.create(
        name="Главное за день", slug="daily", schedule=Newsletter.Schedule.MANUAL, fill=Newsletter.Fill.EDITOR
    )
    readers(newsletter, READERS)
    issue = Issue.objects.create(newsletter=newsletter, subject="Главное за день")
    set_articles(issue, [ArticleFactory(title=f"Новость {n}") for n in range(3)])
    issue_schedule(issue=issue)

    first = workers("first", **worker_env(slow_smtp))
    wait_for(lambda: len(slow_smtp.messages) >= 40, what="the first mails")
    first.stop(signal.SIGKILL)
    assert len(slow_smtp.messages) < READERS  # killed in the middle of the send

    second = workers("second", **worker_env(slow_smtp))
    wait_for(lambda: open_deliveries() == 0, timeout=60, what="every delivery to be sent")
    wait_for(lambda: Issue.objects.get(pk=issue.pk).state == Issue.State.SENT, what="the issue to be sent")
    assert second.stop() == 0

    received = Counter(message["To"] for message in slow_smtp.messages)
    assert max(received.values()) == 1  # nobody got the issue twice
    final = Counter(Delivery.objects.values_list("state", flat=True))
    assert final[State.SENT] + final[State.UNKNOWN] == READERS and final[State.UNKNOWN] <= 1
    sent = Delivery.objects.filter(state=State.SENT).values_list("subscriber__email", flat=True)
    assert all(received[address] == 1 for address in sent)
    assert len(received) in (final[State.SENT], final[State.SENT] + final[State.UNKNOWN])

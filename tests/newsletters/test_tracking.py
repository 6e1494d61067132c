"""The mail provider's webhook (django-anymail, here Postmark's format) fills the suppression list:
a hard bounce and a complaint are suppressed, the provider's unsubscribe also ends every
subscription; a delay changes nothing; a wrong secret is refused, and without
ANYMAIL_WEBHOOK_SECRET (the default) nobody gets in."""

import base64
import json

import pytest

from newsletters.models import Subscriber, Suppression
from tests.factories import NewsletterFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
SECRET = "postmark:Вебхук-s3cret"


@pytest.fixture
def webhook(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}  # as ANYMAIL_WEBHOOK_SECRET sets it


def post(client, event: dict, secret: str = SECRET):
    auth = base64.b64encode(secret.encode()).decode()
    return client.post(
        "/anymail/postmark/tracking/",
        data=json.dumps(event),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )


def bounce(email: str, kind: str) -> dict:
    return {
        "RecordType": "Bounce",
        "Type": kind,
        "ID": 4323372036854775807,
        "Email": email,
        "BouncedAt": "2026-12-04T08:01:00Z",
        "Description": "The server was unable to deliver your message",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    }


def test_a_hard_bounce_and_a_complaint_are_suppressed_a_delay_is_not(client, webhook):
    assert post(client, bounce("gone@example.kz", "HardBounce")).status_code == 200
    assert post(client, bounce("later@example.kz", "Transient")).status_code == 200  # delayed, not refused
    complaint = {"RecordType": "SpamComplaint", "Type": "SpamComplaint", "Email": "angry@example.kz"}
    assert post(client, complaint | {"BouncedAt": "2026-12-04T08:02:00Z"}).status_code == 200
    assert dict(Suppression.objects.values_list("email", "reason")) == {
        "gone@example.kz": Suppression.Reason.BOUNCE,
        "angry@example.kz": Suppression.Reason.COMPLAINT,
    }


def test_the_providers_unsubscribe_ends_every_subscription(client, webhook):
    reader = SubscriberFactory(email="leaving@example.kz", newsletters=[NewsletterFactory(), NewsletterFactory()])
    event = {
        "RecordType": "SubscriptionChange",
        "Recipient": "leaving@example.kz",
        "SuppressSending": True,
        "SuppressionReason": "ManualSuppression",
        "ChangedAt": "2026-12-04T08:03:00Z",
    }
    assert post(client, event).status_code == 200
    assert Suppression.objects.get().reason == Suppression.Reason.REQUEST
    assert not any(subscription.active for subscription in Subscriber.objects.get(pk=reader.pk).subscriptions.all())


def test_a_wrong_secret_is_refused_and_changes_nothing(client, webhook):
    assert post(client, bounce("gone@example.kz", "HardBounce"), secret="postmark:guess").status_code == 400
    assert not Suppression.objects.exists()


def test_without_a_webhook_secret_nobody_gets_in(client, settings):
    assert settings.ANYMAIL["WEBHOOK_SECRET"].startswith("off:")  # ANYMAIL_WEBHOOK_SECRET unset: the default
    for guess in (SECRET, "off:", ":"):
        assert post(client, bounce("gone@example.kz", "HardBounce"), secret=guess).status_code == 400
    assert not Suppression.objects.exists()

"""The mails' unsubscribe link (newsletters:unsubscribe): a mail program's one-click POST (RFC
8058) ends that newsletter alone, at once, without a login or a CSRF token; a GET changes
nothing; a forged token or an unknown newsletter is a 404, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from newsletters.models import Subscription
from tests.factories import NewsletterFactory, PublisherFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def reader():
    return SubscriberFactory(newsletters=[NewsletterFactory(name="Morning"), NewsletterFactory(name="Weekly")])


def link(subscriber, newsletter_id, language="en"):
    with translation.override(language):
        return reverse("newsletters:unsubscribe", args=[subscriber.token, newsletter_id])


def one_click(url):
    client = Client(enforce_csrf_checks=True)  # as a mail program: no cookies, no token
    return client.post(url, ONE_CLICK, content_type="application/x-www-form-urlencoded")


def test_one_click_ends_that_newsletter_alone(reader):
    morning, weekly = reader.subscriptions.order_by("newsletter__name")
    response = one_click(link(reader, morning.newsletter_id))
    assert response.status_code == 200
    assert "You are unsubscribed from «Morning»." in response.content.decode()
    morning.refresh_from_db(), weekly.refresh_from_db()
    assert not morning.active and weekly.active
    assert "no-store" in response["Cache-Control"]


def test_one_click_twice_is_still_200(reader):
    url = link(reader, reader.subscriptions.first().newsletter_id)
    assert one_click(url).status_code == 200 and one_click(url).status_code == 200


def test_the_pages_own_button_unsubscribes_too(client, reader):
    subscription = reader.subscriptions.first()
    url = link(reader, subscription.newsletter_id)
    html = client.get(url).content.decode()
    assert f'action="{url}"' in html and 'name="List-Unsubscribe" value="One-Click"' in html
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert client.post(url, "whatever", content_type="text/plain").status_code == 200
    subscription.refresh_from_db()
    assert not subscription.active


def test_a_get_never_unsubscribes(client, reader):
    url = link(reader, reader.subscriptions.first().newsletter_id)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and "Stop getting «" in html
    with translation.override("en"):
        assert reverse("newsletters:preferences", args=[reader.token]) in html
    assert all(subscription.active for subscription in Subscription.objects.all())


@pytest.mark.parametrize(
    ("token", "newsletter"),
    [("forged", None), ("", 10**6), ("good", 10**6), ("good", 2**70), ("ж" * 300, None)],
)
def test_a_forged_token_or_an_unknown_newsletter_is_a_404(reader, token, newsletter):
    newsletter = newsletter or reader.subscriptions.first().newsletter_id
    url = f"/en/newsletters/unsubscribe/{reader.token if token == 'good' else token}/{newsletter}/"
    assert one_click(url).status_code == 404 and Client().get(url).status_code == 404
    assert all(subscription.active for subscription in Subscription.objects.all())


def test_unsubscribe_has_a_query_budget(client, reader, django_assert_max_num_queries):
    PublisherFactory()
    url = link(reader, reader.subscriptions.first().newsletter_id, language="ru")
    client.get(url)
    with django_assert_max_num_queries(4):  # the reader, the newsletter, the banner
        client.get(url)
    with django_assert_max_num_queries(5):  # and the update
        assert one_click(url).status_code == 200

"""Signing up for newsletters as a reader does (newsletters/views.py): the forms, double opt-in,
the same answer for every address, the honeypot, the per-IP limit, bad addresses and links."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from newsletters.models import Subscriber, Subscription, Suppression
from newsletters.services import confirmation_code
from newsletters.tasks import send_newsletters
from tests.conftest import ROOT
from tests.factories import ArticleFactory, NewsletterFactory, PublisherFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

SIGNUP_EN = "/en/newsletters/"


@pytest.fixture
def daily():
    return NewsletterFactory(name="Morning", language="en")


def signup(client, email, url=SIGNUP_EN, **data):
    return client.post(url, {"email": email, "all": "1", "website": "", **data})


def test_the_footer_form_is_on_every_page_and_posts_to_the_signup(client):
    html = client.get("/en/").content.decode()
    assert f'action="{SIGNUP_EN}"' in html and 'name="website"' in html and 'autocomplete="email"' in html


def test_the_article_page_has_the_signup_box_after_the_body(client):
    html = client.get(ArticleFactory().get_absolute_url()).content.decode()
    assert 'id="article-signup-email"' in html and html.index('class="body"') < html.index("article-signup-email")


def test_a_signup_asks_for_confirmation_and_sends_nothing_else(client, daily):
    response = signup(client, "reader@example.kz")
    assert response.status_code == 200
    assert "We sent a link to confirm reader@example.kz. It works for 3 days." in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.confirmed_at is None and subscriber.confirm_state == Subscriber.ConfirmState.PENDING
    assert subscriber.language == "en" and subscriber.signup_ip == "127.0.0.1"
    assert list(Subscription.objects.values_list("newsletter", "confirmed_at")) == [(daily.pk, None)]
    assert response["Cache-Control"].startswith("max-age=0") and "private" in response["Cache-Control"]


def test_the_full_form_offers_the_pages_language_newsletters_only(client, daily):
    NewsletterFactory(name="Таңғы", language="kk")
    NewsletterFactory(name="Closed", language="en", active=False)
    html = client.get(SIGNUP_EN).content.decode()
    assert "Morning" in html and "Таңғы" not in html and "Closed" not in html
    assert "Таңғы" in client.get("/kk/newsletters/").content.decode()


def test_the_full_form_takes_the_ticked_newsletters(client, daily):
    weekly = NewsletterFactory(name="Weekly", language="en")
    response = client.post(SIGNUP_EN, {"email": "a@example.kz", "newsletters": [weekly.pk]})
    assert response.status_code == 200
    assert list(Subscription.objects.values_list("newsletter", flat=True)) == [weekly.pk]


def test_the_full_form_without_a_ticked_newsletter_says_so_and_keeps_the_address(client, daily):
    response = client.post(SIGNUP_EN, {"email": "a@example.kz"})
    html = response.content.decode()
    assert "Choose at least one newsletter." in html and 'value="a@example.kz"' in html
    assert not Subscriber.objects.exists()


def test_the_answer_is_the_same_for_new_waiting_confirmed_and_suppressed_addresses(client, daily, settings):
    settings.NEWSLETTER_CONFIRM_INTERVAL_SECONDS = 600
    SubscriberFactory(email="known@example.kz", newsletters=[daily])
    SubscriberFactory(email="waiting@example.kz", confirmed=False)
    Suppression.objects.create(email="bounced@example.kz", reason=Suppression.Reason.BOUNCE)
    bodies = set()
    emails = ["new@example.kz", "known@example.kz", "waiting@example.kz", "waiting@example.kz", "bounced@example.kz"]
    for email in emails:
        response = signup(client, email)
        assert response.status_code == 200
        bodies.add(response.content.decode().replace(email, "ADDRESS"))
    assert len(bodies) == 1


def test_a_second_signup_while_the_first_waits_sends_no_second_mail(client, daily):
    signup(client, "reader@example.kz")
    first = Subscriber.objects.get().confirm_requested_at
    response = signup(client, "READER@example.kz")
    assert response.status_code == 200 and "ask for a new link in 10 minutes" in response.content.decode()
    assert Subscriber.objects.get().confirm_requested_at == first


def test_a_filled_honeypot_answers_as_a_signup_and_does_nothing(client, daily):
    response = signup(client, "stranger@example.kz", website="http://spam.example")
    assert response.status_code == 200
    assert "We sent a link to confirm stranger@example.kz" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_the_honeypot_is_hidden_from_people_and_keyboards(client):
    html = client.get(SIGNUP_EN).content.decode()
    hidden = re.search(r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>', html, re.S)[1]
    assert 'name="website"' in hidden and 'tabindex="-1"' in hidden and 'autocomplete="off"' in hidden


def test_over_the_hours_limit_an_ip_gets_a_429_that_keeps_the_address(client, daily, settings):
    settings.NEWSLETTER_SIGNUPS_PER_IP_HOUR = 2
    for n in range(2):
        assert signup(client, f"r{n}@example.kz").status_code == 200
    response = signup(client, "third@example.kz")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many signups from your network" in html and 'value="third@example.kz"' in html
    assert not Subscriber.objects.filter(email="third@example.kz").exists()
    assert signup(client, "other@example.kz", REMOTE_ADDR="10.0.0.9").status_code == 429  # data, not the IP
    assert client.post(SIGNUP_EN, {"email": "x@example.kz", "all": "1"}, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_the_ip_limit_starts_again_the_next_hour(client, daily, settings):
    settings.NEWSLETTER_SIGNUPS_PER_IP_HOUR = 1
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert signup(client, "a@example.kz").status_code == 200
        assert signup(client, "b@example.kz").status_code == 429
        clock.shift(dt.timedelta(hours=1))
        assert signup(client, "b@example.kz").status_code == 200


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not an address", "This does not look like an email address."),
        ("a@b", "This does not look like an email address."),
        ("", "Enter your email address."),
        ("a" * 250 + "@example.kz", "An email address has at most 254 characters; this one has 261."),
    ],
)
def test_a_bad_address_gets_a_clear_message_and_is_kept(client, daily, email, message):
    response = signup(client, email)
    html = response.content.decode()
    assert response.status_code == 200 and message in html and f'value="{email}"' in html
    assert not Subscriber.objects.exists()


def test_an_idn_address_is_accepted(client, daily):
    response = signup(client, "user@пример.қаз")
    assert "We sent a link to confirm user@пример.қаз" in response.content.decode()
    assert Subscriber.objects.get().email == "user@пример.қаз"


def test_without_newsletters_in_the_language_the_page_says_so_and_keeps_the_address(client):
    NewsletterFactory(language="ru")
    response = signup(client, "a@example.kz")
    html = response.content.decode()
    assert response.status_code == 200 and "There are no newsletters in this language yet." in html
    assert 'value="a@example.kz"' in html and not Subscriber.objects.exists()


def test_the_confirmation_link_turns_the_wish_into_a_subscription(client, daily):
    signup(client, "reader@example.kz")
    subscriber = Subscriber.objects.get()
    with translation.override("en"):
        url = reverse("newsletters:confirm", args=[confirmation_code(subscriber)])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and "Subscription confirmed" in html and "Morning" in html
    with translation.override("en"):
        assert reverse("newsletters:preferences", args=[subscriber.token]) in html
    assert Subscription.objects.get().active


def test_an_expired_link_is_a_400_with_a_clear_message_and_a_form(client, daily):
    with time_machine.travel(timezone.now() - dt.timedelta(days=3, minutes=1), tick=False):
        signup(client, "reader@example.kz")
        code = confirmation_code(Subscriber.objects.get())
    response = client.get(f"/en/newsletters/confirm/{code}/")
    html = response.content.decode()
    assert response.status_code == 400 and "This confirmation link has expired." in html and 'name="email"' in html
    assert not Subscription.objects.get().active


def test_a_forged_link_is_a_400_with_a_clear_message(client, daily):
    signup(client, "reader@example.kz")
    code = confirmation_code(Subscriber.objects.get())
    for forged in [code[:-2] + "xx", "nonsense", "a" * 2000]:
        response = client.get(f"/en/newsletters/confirm/{forged}/")
        assert response.status_code == 400 and "This confirmation link is not valid." in response.content.decode()
    assert not Subscription.objects.get().active


def test_a_link_whose_address_was_forgotten_is_a_400(client, daily):
    signup(client, "reader@example.kz")
    code = confirmation_code(Subscriber.objects.get())
    Subscriber.objects.all().delete()
    assert client.get(f"/en/newsletters/confirm/{code}/").status_code == 400


def test_an_unconfirmed_address_is_forgotten_after_7_days(client, daily):
    with time_machine.travel(timezone.now() - dt.timedelta(days=7, minutes=1), tick=False):
        signup(client, "reader@example.kz")
    send_newsletters()
    assert not Subscriber.objects.exists()


@pytest.mark.skipif(
    (ROOT / "templates/newsletters/email/confirm.txt").read_text().strip() == "x",
    reason="the confirmation mail's templates are still stubs (written on the nl-send branch)",
)
def test_signup_mail_link_confirm_end_to_end(client, daily, smtp):
    PublisherFactory()
    signup(client, "reader@пример.қаз")
    assert smtp.messages == []  # nothing before the worker
    send_newsletters()
    (mail,) = smtp.messages
    text = mail.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https://dknews\.kz(/\S*/confirm/\S+/)", text)[1]
    response = client.get(link)
    assert response.status_code == 200
    assert Subscription.objects.get().active and Subscriber.objects.get().confirmed_at is not None


@pytest.mark.parametrize("url", [SIGNUP_EN, "/kk/newsletters/"])
def test_the_signup_pages_have_a_query_budget(client, daily, url, django_assert_max_num_queries):
    PublisherFactory()
    client.get(url)  # the frame's cached reads
    with django_assert_max_num_queries(2):  # the newsletters, the breaking-news banner
        client.get(url)
    # the newsletters, the address, its wish (a savepoint each), suppression, the outbox, the banner
    with django_assert_max_num_queries(16):
        signup(client, "reader@example.kz", url=url)


def test_the_confirm_page_has_a_query_budget(client, daily, django_assert_max_num_queries):
    PublisherFactory()
    signup(client, "reader@example.kz")
    code = confirmation_code(Subscriber.objects.get())
    with django_assert_max_num_queries(10):
        assert client.get(f"/en/newsletters/confirm/{code}/").status_code == 200


def test_a_newsletter_number_past_the_databases_integers_gets_a_message_not_a_500(client, daily):
    response = client.post(SIGNUP_EN, {"email": "reader@example.kz", "newsletters": [str(2**64)], "website": ""})
    assert response.status_code == 200 and 'class="field-error"' in response.content.decode()
    assert not Subscriber.objects.exists()

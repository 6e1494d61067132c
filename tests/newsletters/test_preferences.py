"""The preferences page (newsletters:preferences), reached from a mail's link without a
password: which newsletters, the mails' language, or leave everything."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from newsletters.models import Subscriber
from tests.factories import NewsletterFactory, PublisherFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def morning():
    return NewsletterFactory(name="Morning", language="en")


@pytest.fixture
def reader(morning):
    return SubscriberFactory(newsletters=[morning], language="ru")


def page(subscriber):
    with translation.override("en"):
        return reverse("newsletters:preferences", args=[subscriber.token])


def on(subscriber):
    return sorted(s.newsletter.name for s in subscriber.subscriptions.select_related("newsletter") if s.active)


def test_the_page_shows_every_active_newsletter_and_the_readers_choices(client, reader, morning):
    NewsletterFactory(name="Таңғы", language="kk")
    NewsletterFactory(name="Closed", active=False)
    html = client.get(page(reader)).content.decode()
    assert "Morning" in html and "Таңғы" in html and "Closed" not in html
    assert f'value="{morning.pk}" checked' in html and '<option value="ru" selected>' in html
    assert "no-store" in client.get(page(reader))["Cache-Control"]


def test_saving_changes_newsletters_and_language(client, reader, morning):
    kazakh = NewsletterFactory(name="Таңғы", language="kk")
    response = client.post(page(reader), {"newsletters": [kazakh.pk], "language": "kk"})
    assert response.status_code == 200 and "Your choices are saved." in response.content.decode()
    assert f'value="{kazakh.pk}" checked' in response.content.decode()
    reader.refresh_from_db()
    assert on(reader) == ["Таңғы"] and reader.language == "kk"


def test_leave_everything(client, reader):
    response = client.post(page(reader), {"newsletters": [], "language": "ru", "leave": "1"})
    assert "You have left every newsletter." in response.content.decode()
    reader.refresh_from_db()
    assert on(reader) == [] and reader.left_at is not None


def test_a_bad_language_gets_a_message_and_keeps_the_choices(client, reader, morning):
    response = client.post(page(reader), {"newsletters": [morning.pk], "language": "xx"})
    html = response.content.decode()
    assert response.status_code == 200 and "Choose one of the languages offered." in html
    assert f'value="{morning.pk}" checked' in html
    reader.refresh_from_db()
    assert reader.language == "ru"


def test_an_unknown_newsletter_gets_a_message_not_a_500(client, reader):
    response = client.post(page(reader), {"newsletters": ["999999", "x"], "language": "en"})
    assert response.status_code == 200 and 'class="field-error"' in response.content.decode()


def test_a_newsletter_number_past_the_databases_integers_gets_a_message_not_a_500(client, reader, morning):
    for number in (str(2**64), str(-(2**64))):
        response = client.post(page(reader), {"newsletters": [number], "language": "en"})
        assert response.status_code == 200 and 'class="field-error"' in response.content.decode()
    assert on(reader) == ["Morning"]


def test_an_unknown_token_is_a_404(client, reader):
    assert client.get("/en/newsletters/preferences/forged/").status_code == 404
    assert client.post("/en/newsletters/preferences/forged/", {"language": "en"}).status_code == 404


def test_the_form_is_csrf_protected(reader, morning):
    client = Client(enforce_csrf_checks=True)
    assert client.post(page(reader), {"newsletters": [], "language": "en"}).status_code == 403
    html = client.get(page(reader)).content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post(page(reader), {"csrfmiddlewaretoken": token, "newsletters": [], "language": "en"})
    assert response.status_code == 200
    assert Subscriber.objects.get().language == "en"


def test_preferences_have_a_query_budget(client, reader, morning, django_assert_max_num_queries):
    PublisherFactory()
    client.get(page(reader))
    with django_assert_max_num_queries(4):  # the reader, the newsletters, their choices, the banner
        client.get(page(reader))
    with django_assert_max_num_queries(20):
        client.post(page(reader), {"newsletters": [morning.pk], "language": "kk"})

"""The readers' newsletter pages are valid HTML by the Nu Html Checker (as tests/test_html_validity.py
checks the other public pages; skipped the same way when vnu.jar or Java is missing)."""

from django.urls import reverse
from django.utils import translation

from newsletters.services import confirmation_code
from tests.factories import NewsletterFactory, PublisherFactory, SubscriberFactory
from tests.test_html_validity import pytestmark as validity_marks
from tests.test_html_validity import vnu_errors

pytestmark = validity_marks


def test_newsletter_pages_are_valid_html(client, tmp_path):
    PublisherFactory()
    morning = NewsletterFactory(name="Morning", language="en", description="The day's news")
    NewsletterFactory(name="Таңғы", language="kk")
    reader = SubscriberFactory(newsletters=[morning], confirmed=False)
    with translation.override("en"):
        unsubscribe = reverse("newsletters:unsubscribe", args=[reader.token, morning.pk])
        preferences = reverse("newsletters:preferences", args=[reader.token])
        confirm = reverse("newsletters:confirm", args=[confirmation_code(reader)])
    answers = {
        "signup": client.get("/en/newsletters/"),
        "signup-kk": client.get("/kk/newsletters/"),
        "signup-errors": client.post("/en/newsletters/", {"email": "not an address"}),
        "signup-none": client.post("/newsletters/", {"email": "a@example.kz", "all": "1"}),
        "sent": client.post("/en/newsletters/", {"email": "a@example.kz", "all": "1"}),
        "confirm-bad": client.get("/en/newsletters/confirm/forged/"),
        "confirmed": client.get(confirm),
        "unsubscribe": client.get(unsubscribe),
        "unsubscribed": client.post(unsubscribe),
        "preferences": client.get(preferences),
        "preferences-errors": client.post(preferences, {"language": "xx"}),
    }
    files = []
    for name, response in answers.items():
        assert response.status_code in {200, 400}, name
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    assert vnu_errors(files) == []

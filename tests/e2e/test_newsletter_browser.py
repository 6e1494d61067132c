"""A reader and the morning digest in Chromium, on production static files (gunicorn, DEBUG=0):
they sign up from the article page's box, confirm from the mail a real SMTP server received,
get «Главное за день» at 08:00 with the article in it, and leave with the mail's one-click
unsubscribe (RFC 8058). The worker's job runs in the test's process, on the clock's 08:00.
Screenshots at 1280 and 375 px (tests/e2e/screenshots/newsletter-*.png)."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.translation import gettext

from articles.models import Article
from newsletters.models import Newsletter, Subscriber, Subscription
from newsletters.tasks import send_newsletters
from tests.e2e.conftest import open_page, screenshot
from tests.factories import ArticleFactory, PublisherFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ADDRESS = "reader@example.kz"


def russian(message: str) -> str:
    with translation.override("ru"):
        return gettext(message)


def next_eight_o_clock() -> dt.datetime:
    """The next 08:00 in newsroom time, as the digest's schedule reads it."""
    now = timezone.localtime()
    eight = now.replace(hour=8, minute=0, second=0, microsecond=0)
    return eight if eight > now else eight + dt.timedelta(days=1)


def link_in(message, start: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(re.escape(start) + r"\S+", text)
    assert found, text
    return found.group(0)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_reader_subscribes_confirms_gets_the_digest_and_leaves_with_one_click(
    browser, site_server, smtp, settings, width
):
    settings.SITE_URL = site_server.url  # the mails' links lead to this test's server,
    settings.SECRET_KEY = site_server.secret_key  # which reads the links the job signs here
    PublisherFactory()
    digest = Newsletter.objects.create(name="Главное за день", slug="glavnoe", language="ru", send_time=dt.time(8, 0))
    article = ArticleFactory(
        title="Парламент принял бюджет на 2027 год",
        importance=Article.Importance.MAIN,
        publish_at=timezone.now() - dt.timedelta(hours=1),
    )
    pages = open_page(browser, viewport={"width": width, "height": 900})
    page = next(pages)

    # Signing up from the article's box: the same answer for any address, nothing sent yet.
    page.goto(site_server.url + article.get_absolute_url())
    page.fill("#article-signup-email", ADDRESS)
    with page.expect_navigation():
        page.click(".newsletter-box button[type=submit]")
    assert page.locator("h1").inner_text() == russian("Check your inbox")
    assert ADDRESS in page.locator("#content").inner_text()
    screenshot(page, f"newsletter-sent-{width}")
    subscriber = Subscriber.objects.get(email=ADDRESS)
    assert subscriber.confirmed_at is None and smtp.messages == []

    # The worker sends the confirmation mail; its link confirms.
    send_newsletters()
    assert len(smtp.messages) == 1
    confirmation = smtp.messages[0]
    assert confirmation["To"] == ADDRESS
    page.goto(link_in(confirmation, f"{site_server.url}/newsletters/confirm/"))
    assert page.locator("h1").inner_text() == russian("Subscription confirmed")
    assert "Главное за день" in page.locator("#content").inner_text()
    screenshot(page, f"newsletter-confirmed-{width}")
    assert Subscription.objects.get(subscriber=subscriber, newsletter=digest).active

    # At 08:00 the digest builds itself from the main story and goes out once.
    with time_machine.travel(next_eight_o_clock() + dt.timedelta(minutes=1), tick=True):
        send_newsletters()
        send_newsletters()
    digests = smtp.messages[1:]
    assert len(digests) == 1
    mail = digests[0]
    assert mail["Subject"].startswith("Главное за день")
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "Парламент принял бюджет на 2027 год" in html
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(\S+)>", mail["List-Unsubscribe"]).group(1)
    assert unsubscribe.startswith(f"{site_server.url}/newsletters/unsubscribe/{subscriber.token}/")

    # The mail's page, as a reader sees it in the browser.
    preview = page.context.new_page()
    preview.set_content(html)
    screenshot(preview, f"newsletter-digest-{width}")
    preview.close()

    # The link opened in a browser asks first; the mail program's one-click POST leaves at once.
    page.goto(unsubscribe)
    assert Subscription.objects.get(subscriber=subscriber, newsletter=digest).active
    response = page.request.post(
        unsubscribe,
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 200
    assert not Subscription.objects.get(subscriber=subscriber, newsletter=digest).active
    next(pages, None)  # closes the browser's context and checks that no CSP violation happened

"""Live coverage's desk in Chromium, on production static files (gunicorn, DEBUG=0): an editor
starts the coverage and posts with the article's editor, marks a key event and pins it, a
journalist posts beside them, an empty entry is refused with the headline kept, the box's text
survives a reload, and the editor ends the coverage; the page fits a phone's width.

Screenshots go to /tmp/live-desk-*.png (looked at by whoever changes the desk's layout)."""

import time

import pytest

from articles.models import Article
from live.models import Entry
from tests.e2e.conftest import log_in, open_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SLUG = "v-astane-zapustili-novyy-marshrut-elektrobusov"  # a demo article that is not a live blog
EDITOR = ".live-box [contenteditable=true]"


def shot(page, name: str) -> None:
    page.screenshot(path=f"/tmp/live-desk-{name}.png", full_page=True)


def wait_for(condition, *, seconds=10):
    """Poll ``condition`` (a database read) until it holds or the deadline passes."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def desk(page, server, article) -> None:
    page.goto(f"{server.url}/admin/articles/article/{article.pk}/change/")
    page.wait_for_selector("#live")


def write(page, text: str, headline: str = "") -> None:
    if headline:
        page.fill("#id_live-headline", headline)
    page.locator(EDITOR).click()
    page.keyboard.type(text)


@pytest.fixture
def phone(browser):
    yield from open_page(browser, viewport={"width": 375, "height": 800})


def test_an_editor_and_a_journalist_run_a_live_blog(browser, page, phone, site_server, demo_site):
    article = Article.objects.get(slug=SLUG)
    log_in(page, site_server, "editor", "editor-demo-pass")
    desk(page, site_server, article)
    shot(page, "start-1280")
    page.click("#live button[name=action][value=start]")
    page.locator(EDITOR).wait_for()
    article.refresh_from_db()
    assert article.live_state == Article.LiveState.LIVE

    # The editor posts with the rich-text editor: the entry goes on top, the box empties.
    write(page, "Акимат открыл маршрут: первый рейс отправился в 7:00.", headline="Первый рейс")
    page.click(".live-box button[type=submit]")
    page.locator(".live-entry", has_text="Первый рейс").wait_for()
    assert page.input_value("#id_live-headline") == ""
    assert page.locator(EDITOR).inner_text().strip() == ""
    posted = Entry.objects.get(article=article)
    assert posted.headline == "Первый рейс" and "первый рейс отправился" in posted.body

    # Key event and pin: small forms on the row.
    row = page.locator(f"#entry-{posted.pk}")
    row.locator("input[name=key_event] + button").click()
    page.locator(f"#entry-{posted.pk} input[name=key_event] + button[aria-pressed=true]").wait_for()
    page.locator(f"#entry-{posted.pk} input[name=pinned] + button").click()
    page.locator(f"#entry-{posted.pk} input[name=pinned] + button[aria-pressed=true]").wait_for()
    posted.refresh_from_db()
    assert posted.key_event and posted.pinned

    # An empty entry is refused beside the box, and the headline typed stays.
    page.locator(EDITOR).wait_for()
    page.fill("#id_live-headline", "Заголовок, который нельзя потерять")
    page.click(".live-box button[type=submit]")
    page.locator(".live-box__field-errors[data-for=body] .errorlist").wait_for()
    assert page.input_value("#id_live-headline") == "Заголовок, который нельзя потерять"
    assert Entry.objects.filter(article=article).count() == 1
    shot(page, "error-1280")

    # What is typed survives a reload (the copy in this browser), then posts.
    page.locator(EDITOR).click()
    page.keyboard.type("Текст, набранный до перезагрузки.")
    page.wait_for_timeout(2500)  # the box is copied every two seconds
    page.reload()
    page.locator(".live-box__restored").wait_for()
    page.wait_for_function(
        "document.querySelector('.live-box [contenteditable=true]')?.innerText.includes('до перезагрузки')"
    )
    assert page.input_value("#id_live-headline") == "Заголовок, который нельзя потерять"
    page.click(".live-box button[type=submit]")
    page.locator(".live-entry", has_text="Заголовок, который нельзя потерять").wait_for()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.includes(':live:')).length") == 0

    # A journalist posts on a phone: no curation fields, the entry appears, nothing overflows.
    log_in(phone, site_server, "journalist", "journalist-demo-pass")
    desk(phone, site_server, article)
    assert phone.locator("#id_live-pinned").count() == 0
    assert phone.locator("#live button[value=end]").count() == 0
    write(phone, "Пассажиры хвалят новые электробусы: тихо и тепло.")
    phone.click(".live-box button[type=submit]")
    phone.locator(".live-entry", has_text="Пассажиры хвалят").wait_for()
    wait_for(lambda: Entry.objects.filter(article=article, created_by__username="journalist").exists())
    shot(phone, "journalist-375")
    assert phone.evaluate("document.querySelector('#live').scrollWidth") <= 375

    desk(page, site_server, article)
    shot(page, "live-1280")

    # The editor ends the coverage: the box goes, Reopen is offered.
    page.click("#live button[name=action][value=end]")
    page.locator("#live button[name=action][value=reopen]").wait_for()
    assert page.locator(".live-box").count() == 0
    article.refresh_from_db()
    assert article.live_state == Article.LiveState.ENDED
    shot(page, "ended-1280")

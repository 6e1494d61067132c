"""A reader of a live blog in Chromium, at 1280 and 375 px: entries posted, edited and deleted
while the page is open reach it without a reload (static/js/live-blog.js: «N new entries», then
the entries at the top), «Show more» appends older entries in place, the end of the coverage
stops the polling. The page is checked with axe-core and for sideways scrolling; screenshots go
to /tmp/live-reader-*.png.

The server polls every second (LIVE_POLL_SECONDS=1). Its page cache lives in its own memory, which
the test's writes cannot reach (in production the writes and the pages share Redis, and
pages_changed() forgets the answers at once), so it keeps pages 2 s (PAGE_CACHE_SECONDS=2).
"""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from live import pages as live_pages
from live import services
from live.models import Entry
from tests.e2e.conftest import open_page
from tests.factories import ArticleFactory, PersonFactory, PublisherFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Axe()
WAIT_MS = 20_000  # the deadline for what the poll brings: well past a second's polling
KAZAKH = "Ә Ғ Қ Ң Ө Ұ Ү Һ І: Алматыда сайлау учаскелері ашылды"
MARKUP = "<b>не тег</b> & </script><script>alert(1)</script>"


@pytest.fixture
def fast_poll(monkeypatch):
    """The server's environment (tests/e2e/conftest.py copies this process's)."""
    monkeypatch.setenv("LIVE_POLL_SECONDS", "1")
    monkeypatch.setenv("PAGE_CACHE_SECONDS", "2")


@pytest.fixture(params=[(1280, 900), (375, 800)], ids=["desktop", "phone"])
def reader(request, browser):
    width, height = request.param
    for page in open_page(browser, viewport={"width": width, "height": height}):
        page.width_name = "desktop" if width > 400 else "phone"
        yield page


@pytest.fixture
def blog_with_entries(transactional_db):
    PublisherFactory()
    editor = UserFactory(username="live-e2e", is_superuser=True)
    person = PersonFactory(name="Әлия Жақсыбекова", slug="aliya", user=editor)
    start = timezone.now() - dt.timedelta(hours=3)
    blog = ArticleFactory(
        title="Выборы в маслихат: онлайн",
        slug="vybory-online",
        lead="Следим за голосованием весь день.",
        body="<p>Участки открыты с 7:00 до 20:00.</p>",
        coverage_start_at=start,
        publish_at=start,
    )
    older = timezone.now() - dt.timedelta(hours=2)
    Entry.objects.bulk_create(
        Entry(article=blog, body=f"<p>Ранняя запись {n}</p>", published_at=older + dt.timedelta(minutes=n))
        for n in range(live_pages.PAGE_SIZE)
    )

    def post(body, minutes_ago=0, **fields):
        at = timezone.now() - dt.timedelta(minutes=minutes_ago)
        return services.entry_post(article=blog, by=editor, body=body, published_at=at, **fields)

    post("<p>Главное: явка к полудню 31 %.</p>", minutes_ago=50, pinned=True, headline="Закреплено")
    post(f"<p>{KAZAKH}</p>", minutes_ago=40, key_event=True, headline="Открытие участков")
    post("<p>" + "Очень длинный текст записи без единого перевода строки. " * 30 + "</p>", minutes_ago=30)
    post("<p>Голосуем 🗳️🇰🇿 — очереди небольшие 👍🏽</p>", minutes_ago=20)
    post(f"<p>{MARKUP.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</p>", headline=MARKUP)
    return blog, editor, person, post


def check(page, name, *, full_page=True):
    """Accessible (axe-core), no sideways scrolling, and a screenshot to look at."""
    results = AXE.run(page)
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert serious == [], f"{name}: {serious}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name} scrolls sideways"
    page.screenshot(path=f"/tmp/live-reader-{name}.png", full_page=full_page)


def test_a_reader_sees_new_entries_without_reloading(fast_poll, reader, site_server, blog_with_entries):
    blog, editor, person, post = blog_with_entries
    page = reader
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(site_server.url + blog.get_absolute_url())
    assert page.locator(".live-status .live-label").is_visible()
    entries = page.locator("#live-entries > .live-entry")
    assert entries.count() == live_pages.PAGE_SIZE
    assert page.locator(".live-entry-headline", has_text="</script><script>alert(1)</script>").count() == 1
    assert page.locator(".live-key-events a", has_text="Открытие участков").count() == 1
    check(page, f"{page.width_name}-top", full_page=False)
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)

    # A new entry, posted while the page is open: the button says so, the text waits behind it.
    new = post("<p>Новая запись: на участке №12 закончились бюллетени.</p>", headline="Срочно")
    button = page.locator(".live-new")
    button.wait_for(state="visible", timeout=WAIT_MS)
    assert re.fullmatch(r"1 \S.*", button.inner_text()), button.inner_text()
    assert page.locator(f"#entry-{new.pk}").count() == 0
    check(page, f"{page.width_name}-button", full_page=False)
    button.click()
    shown = page.locator(f"#entry-{new.pk}")
    assert shown.is_visible() and "закончились бюллетени" in shown.inner_text()
    assert page.locator("#live-entries > .live-entry").first.get_attribute("id") == f"entry-{new.pk}"
    assert button.is_hidden()

    # An edit replaces the entry in place; a deletion takes it away.
    new.body = "<p>Исправлено: бюллетени подвезли.</p>"
    services.entry_edit(entry=new, by=editor, changed={"body"})
    page.locator(f"#entry-{new.pk}", has_text="бюллетени подвезли").wait_for(timeout=WAIT_MS)
    doomed = Entry.objects.filter(article=blog, headline=MARKUP).get()
    doomed_id = doomed.pk
    assert page.locator(f"#entry-{doomed_id}").count() == 1
    services.entry_delete(entry=doomed, by=editor)
    page.locator(f"#entry-{doomed_id}").wait_for(state="detached", timeout=WAIT_MS)

    # «Show more» appends the older entries here.
    before = page.locator(".live-entry").count()
    page.click("a[data-live-more]")
    # A function, not a string: the page's CSP forbids eval, which a string predicate needs.
    page.wait_for_function(
        "(before) => document.querySelectorAll('.live-entry').length > before", arg=before, timeout=WAIT_MS
    )
    assert page.locator("a[data-live-more]").count() == 0  # the blog holds no more
    assert page.locator(f"#entry-{doomed_id}").count() == 0
    check(page, f"{page.width_name}-page")

    # The coverage ends: the status line says so, and the page stops asking.
    services.coverage_end(article=blog, by=editor)
    page.locator('.live-status[data-live-state="ended"]').wait_for(timeout=WAIT_MS)
    assert page.locator(".live-status time").count() == 1 and page.locator(".live-status .live-label").count() == 0
    assert navigations == []  # all of it without a reload
    assert dialogs == []  # the markup typed as text never ran


def test_teasers_carry_the_live_label_in_light_and_dark(fast_poll, reader, site_server, blog_with_entries):
    page = reader
    page.goto(site_server.url + "/")
    label = page.locator(".live-label").first
    assert label.is_visible() and page.locator(".live-label").count() == 1  # an article appears once
    check(page, f"{page.width_name}-front", full_page=False)
    page.emulate_media(color_scheme="dark")
    page.goto(site_server.url + blog_with_entries[0].get_absolute_url())
    check(page, f"{page.width_name}-dark", full_page=False)

"""The editor shapes the front page in Chromium, against gunicorn with the production settings:
an older article made the main story leads on the next load; a breaking-news banner stands on
every page and leaves by itself at its time; readers' views move the most-read order and a
crawler's do not."""

import datetime as dt
import secrets

import pytest
from django.utils import timezone

from articles.models import Article
from tests.conftest import wait_for
from tests.e2e.conftest import log_in, open_page, screenshot
from tests.e2e.test_public_browser import check_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture
def quick_most_read(monkeypatch):
    """The server ranks the most read every second (not every minute), so the test can watch
    the order move; set before ``site_server`` starts."""
    monkeypatch.setenv("MOST_READ_CACHE_SECONDS", "1")


def set_local_time(page, field: str, moment: dt.datetime) -> None:
    local = timezone.localtime(moment)
    page.fill(f"#id_{field}_0", local.strftime("%d.%m.%Y"))
    page.fill(f"#id_{field}_1", local.strftime("%H:%M:%S"))


def load(page, url: str) -> None:
    """Open ``url`` as a reader pressing reload: a list may stay in the browser's own cache for
    PAGE_MAX_AGE (30 s) when followed by a link, never past the next scheduled change."""
    page.goto(url)
    page.reload()


def lead_title(page) -> str:
    return page.locator(".lead-story h2").inner_text()


def test_an_editor_makes_an_older_article_the_main_story_and_flags_breaking_news(browser, page, site_server, demo_site):
    reader_pages = open_page(browser, viewport={"width": 375, "height": 800})
    reader = next(reader_pages)
    reader.goto(site_server.url + "/")
    assert lead_title(reader) == "Правительство утвердило план по снижению инфляции до 7% к концу следующего года"

    older = Article.objects.get(slug="v-atyrau-obsudili-modernizatsiyu-neftepererabotki")
    log_in(page, site_server, "editor", "editor-demo-pass")
    page.goto(f"{site_server.url}/admin/articles/article/{older.pk}/change/")
    page.select_option("#id_importance", "main")
    set_local_time(page, "pinned_until", timezone.now() + dt.timedelta(hours=2))
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    older.refresh_from_db()
    assert (older.importance, older.pinned_until > timezone.now()) == ("main", True), older.pinned_until

    load(reader, site_server.url + "/")
    assert lead_title(reader) == "В Атырау обсудили модернизацию нефтепереработки"
    check_page(reader, "front-page-new-main-story-phone")  # axe, no sideways scroll, a screenshot
    for path, name in [("/news/", "news-feed-phone"), ("/popular/", "most-read-phone")]:
        load(reader, site_server.url + path)
        check_page(reader, name)

    breaking = Article.objects.get(slug="v-astane-zapustili-novyy-marshrut-elektrobusov")
    until = timezone.now() + dt.timedelta(seconds=12)
    page.goto(f"{site_server.url}/admin/articles/article/{breaking.pk}/change/")
    set_local_time(page, "breaking_until", until)
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    pages = ["/", breaking.get_absolute_url(), "/section/ekonomika/", "/news/", "/popular/"]
    for path in pages:
        load(reader, site_server.url + path)
        banner = reader.locator(".breaking")
        assert banner.inner_text().startswith("СРОЧНО") or banner.inner_text().startswith("Срочно"), path
        assert "В Астане запустили новый маршрут электробусов" in banner.inner_text(), path
    check_page(reader, "breaking-news-banner-phone")
    reader.goto(site_server.url + "/kk/")
    assert reader.locator(".breaking").count() == 0  # a Russian story: the Russian site's banner

    # No edit, no job: the banner goes at its time. Each page is asked again until it has gone,
    # and it must not go before.
    for path in pages:

        def gone(path=path) -> bool:
            load(reader, site_server.url + path)
            return reader.locator(".breaking").count() == 0

        wait_for(gone, timeout=60, what=f"the banner to leave {path}")
        assert timezone.now() >= until.replace(microsecond=0), path  # as typed, to the second
    next(reader_pages, None)


def test_readers_move_the_most_read_order_and_a_crawler_does_not(browser, quick_most_read, site_server, demo_site):
    quiet = Article.objects.get(slug="v-astane-zapustili-novyy-marshrut-elektrobusov")  # no views in the demo
    crawled = Article.objects.get(slug="kazakhstanskie-shakhmatistki-vyigrali-chempionat-azii")  # 156 views
    readers = open_page(browser, viewport={"width": 1280, "height": 900})
    reader = next(readers)
    crawlers = open_page(browser, user_agent=GOOGLEBOT)
    crawler = next(crawlers)

    reader.goto(site_server.url + "/popular/")
    before = reader.locator(".popular-list h2").all_inner_texts()
    assert crawled.title in before and quiet.title not in before

    for _ in range(3):  # a crawler reads like a browser, its script sending the beacon...
        crawler.goto(site_server.url + crawled.get_absolute_url())
    beacon = f"{site_server.url}/views/{crawled.pk}"
    for _ in range(500):  # ...and a lot: never views
        crawler.request.get(site_server.url + crawled.get_absolute_url())
        crawler.request.post(f"{beacon}?t={secrets.token_hex(16)}")
    beacon = f"{site_server.url}/views/{quiet.pk}"
    for _ in range(500):  # readers: a browser's user agent, each page load's beacon
        reader.request.get(site_server.url + quiet.get_absolute_url())
        assert reader.request.post(f"{beacon}?t={secrets.token_hex(16)}").status == 204

    def ranked_again() -> bool:  # MOST_READ_CACHE_SECONDS=1: the list is ranked again within a second
        reader.goto(site_server.url + "/popular/?period=24h")
        return reader.locator(".popular-list h2").first.inner_text() == quiet.title  # above the demo's 412

    wait_for(ranked_again, what="the most-read list to rank the reader's article first")
    assert "500 просмотров" in reader.locator(".popular-list li").first.inner_text()
    assert "156 просмотров" in reader.locator(".popular-list li", has_text=crawled.title).inner_text()
    screenshot(reader, "most-read")
    next(readers, None)
    next(crawlers, None)

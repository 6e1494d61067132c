"""A reader on a phone: front page, an article, a topic, a person, a country, search, Kazakh.

Every page visited is checked with axe-core (no serious or critical violations) and for
horizontal scrolling at 375 px.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from articles.models import Article
from tests.conftest import wait_for
from tests.e2e.conftest import open_page, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Axe()


def check_page(page, name):
    """Accessible (axe-core), no horizontal scroll, and a screenshot to look at."""
    results = AXE.run(page)
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert serious == [], f"{name}: {serious}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name} scrolls sideways"
    screenshot(page, name)


def follow(page, selector):
    """Click the link ``selector`` and wait for the page it opens: a click returns before the
    navigation it starts, and reading the page at once may read the previous one."""
    with page.expect_navigation():
        page.click(selector)


@pytest.fixture
def phone(browser):
    yield from open_page(browser, viewport={"width": 375, "height": 800}, device_scale_factor=2)


def test_reader_reads_follows_links_searches_and_switches_to_kazakh(phone, site_server, demo_site):
    page = phone
    page.goto(site_server.url + "/")
    assert "Свидетельство о постановке на учёт СМИ № 10484-АА" in page.locator("footer").inner_text()
    check_page(page, "front-page-phone")

    follow(page, "text=Министр культуры и спорта встретился с послом Азербайджана")
    assert page.locator("h1").inner_text() == "Министр культуры и спорта встретился с послом Азербайджана"
    assert "передает DKNews.kz" in page.locator(".lead").inner_text()
    assert "0 просмотров" in page.locator(".article .views").inner_text()  # none before this one
    # This reading is counted by the page's beacon, which the browser sends as the page loads.
    read = Article.objects.get(title="Министр культуры и спорта встретился с послом Азербайджана")
    wait_for(lambda: Article.objects.get(pk=read.pk).view_count == 1, timeout=10, what="the beacon's view")
    check_page(page, "article-phone")

    follow(page, ".tags >> text=Дипломатия")
    assert page.locator("h1").inner_text() == "Тема: Дипломатия"
    check_page(page, "topic-phone")

    page.go_back()
    follow(page, ".people >> text=Рашад Гулиев")
    assert page.locator("h1").inner_text() == "Рашад Гулиев"
    check_page(page, "person-phone")

    page.go_back()
    follow(page, ".countries >> text=Азербайджан")
    assert page.locator("h1").inner_text() == "Азербайджан"
    assert page.locator(".teaser h2", has_text="Министр культуры").count() == 1
    check_page(page, "country-phone")

    page.fill("#search-q", "театральные постановки")
    with page.expect_navigation():
        page.press("#search-q", "Enter")
    assert page.locator("h1").inner_text() == "Поиск: «театральные постановки»"
    assert page.locator(".teaser h2", has_text="Министр культуры и спорта встретился").count() == 1
    assert page.locator(".snippet mark").count() >= 1
    check_page(page, "search-phone")

    follow(page, ".languages >> text=Қазақ")
    assert page.url.startswith(site_server.url + "/kk/")
    page.goto(site_server.url + "/kk/")
    assert page.locator("html").get_attribute("lang") == "kk"
    front = page.locator("#content").inner_text()
    assert "Алматыда жаңа кітапхана ашылды" in front and "Министр культуры" not in front
    assert "жаңалықтар таспасы" in front.lower()  # the news feed, in Kazakh
    check_page(page, "front-page-kazakh-phone")

    follow(page, "text=Алматыда жаңа кітапхана ашылды")
    assert page.locator("h1").inner_text() == "Алматыда жаңа кітапхана ашылды"
    # The date in Kazakh, from the moment the demo stored (the server's clock is not ours to freeze).
    kazakh = Article.objects.get(title="Алматыда жаңа кітапхана ашылды")
    with translation.override("kk"):
        published = date_format(timezone.localtime(kazakh.publish_at), "j E Y, H:i")
    assert published in page.locator(".article .meta").first.inner_text()
    check_page(page, "article-kazakh-phone")


def test_english_version_links_back_to_the_russian_original(phone, site_server, demo_site):
    page = phone
    page.goto(site_server.url + "/en/")
    follow(page, "text=Kazakhstan and Azerbaijan agree to expand cultural exchange")
    alternates = page.locator('link[rel=alternate][hreflang="ru"]')
    assert alternates.count() == 1
    follow(page, ".translations >> text=Русский")
    assert page.locator("h1").inner_text() == "Министр культуры и спорта встретился с послом Азербайджана"


def test_phone_loads_the_640_wide_webp_rendition_of_the_lead_image(browser, site_server, demo_site):
    context = browser.new_context(locale="ru-RU", viewport={"width": 375, "height": 800}, device_scale_factor=1)
    page = context.new_page()
    page.goto(site_server.url + "/")
    follow(page, "text=Министр культуры и спорта встретился с послом Азербайджана")
    image = page.locator(".lead-image img")
    image.wait_for()
    # A function, not a string: the page's CSP forbids eval, which a string predicate needs.
    image.evaluate("img => img.complete || new Promise((done) => img.addEventListener('load', done))")
    current = image.evaluate("img => img.currentSrc")
    assert current.endswith("-640.webp"), current
    assert image.evaluate("img => img.naturalWidth") > 0  # it loaded (density-corrected width)
    assert page.evaluate("url => fetch(url).then(r => r.headers.get('content-type'))", current) == "image/webp"
    box = image.bounding_box()
    assert box["width"] <= 375 and abs(box["width"] / box["height"] - 1200 / 675) < 0.02  # no distortion
    page.goto(site_server.url + "/")
    thumbnail = page.locator(".card img").first.evaluate("img => img.currentSrc")
    assert thumbnail.rsplit("-", 1)[-1] == "t320.webp", thumbnail  # 96 css px: the smallest 3:2 crop
    context.close()

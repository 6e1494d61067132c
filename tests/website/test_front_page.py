"""The front page editors shape: the main story, the top block, the breaking-news banner, the
news feed and the most read; who may place an article; schedules and the page cache."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import override

from articles.models import Article
from articles.services import article_publish, next_scheduled_change
from readership import buffer as views_buffer
from tests.articles.test_workflow import form_data
from tests.factories import ArticleFactory, PhotoFactory, PublisherFactory, SectionFactory, UserFactory
from tests.website.test_public_pages import FRONT_QUERIES, LIST_QUERIES, POPULAR_QUERIES
from website.frontpage import FEED_SIZE, TOP_BLOCK_SIZE

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)  # 11:00 in Almaty
MAIN, TOP, NORMAL = Article.Importance.MAIN, Article.Importance.TOP, Article.Importance.NORMAL


@pytest.fixture
def publisher():
    return PublisherFactory()


def staff_client(username: str, group: str) -> Client:
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor():
    return staff_client("redaktor", "Editor")


@pytest.fixture
def journalist():
    return staff_client("zhurnalist", "Journalist")


def news(title: str, hours_ago: float, **fields) -> Article:
    return ArticleFactory(title=title, publish_at=NOW - dt.timedelta(hours=hours_ago), **fields)


def front(client) -> dict:
    """The front page's blocks as a reader sees them: headlines in each."""
    html = client.get("/").content.decode()

    def titles(pattern):
        block = re.search(pattern, html, re.S)
        return re.findall(r'<a (?:class="feed-title" )?href="/news/[^"]+/">([^<]+)</a>', block[0]) if block else []

    return {
        "lead": titles(r'<article class="lead-story">.*?</article>'),
        "top": titles(r'<section class="top-block".*?</section>'),
        "feed": titles(r'<ol class="feed-list">.*?</ol>'),
        "most_read": titles(r'<section class="most-read".*?</section>'),
        "html": html,
    }


# -- The main story and the top block --------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_newest_main_story_leads_and_an_older_one_drops_into_the_top_block(client, publisher):
    news("Старая главная", 5, importance=MAIN)
    news("Новая главная", 3, importance=MAIN, photo=PhotoFactory())
    news("Верхняя", 4, importance=TOP)
    news("Обычная свежая", 1)
    page = front(client)
    assert page["lead"] == ["Новая главная"]
    assert page["top"] == ["Верхняя", "Старая главная"]  # newest first
    assert page["feed"] == ["Обычная свежая"]
    assert 'fetchpriority="high"' in page["html"] and 'loading="lazy"' not in page["html"].split("lead-story")[1][:800]


@time_machine.travel(NOW, tick=False)
def test_a_pinned_main_story_leads_until_its_time_then_goes_back_to_the_feed(client, publisher, settings):
    settings.PAGE_CACHE_SECONDS = 3600  # only the schedule can end the cached front page
    news("Закреплённая", 6, importance=MAIN, pinned_until=NOW + dt.timedelta(minutes=30))
    news("Свежая главная", 1, importance=MAIN)
    assert front(client)["lead"] == ["Закреплённая"]
    assert next_scheduled_change() == NOW + dt.timedelta(minutes=30)
    with time_machine.travel(NOW + dt.timedelta(minutes=30, seconds=1), tick=False):
        page = front(client)  # the cached page ended at the pin's time
    assert page["lead"] == ["Свежая главная"]
    assert "Закреплённая" in page["feed"] and "Закреплённая" not in page["top"]


@time_machine.travel(NOW, tick=False)
def test_without_a_main_story_the_newest_top_one_leads(client, publisher):
    news("Верхняя старая", 3, importance=TOP)
    news("Верхняя новая", 2, importance=TOP)
    news("Обычная", 1)
    page = front(client)
    assert page["lead"] == ["Верхняя новая"] and page["top"] == ["Верхняя старая"]


@time_machine.travel(NOW, tick=False)
def test_a_scheduled_main_story_leads_from_its_publication_second(client, publisher, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    news("Нынешняя главная", 2, importance=MAIN)
    news("Запланированная главная", -0.25, importance=MAIN)  # in 15 minutes
    assert front(client)["lead"] == ["Нынешняя главная"]
    with time_machine.travel(NOW + dt.timedelta(minutes=15), tick=False):
        page = front(client)
    assert page["lead"] == ["Запланированная главная"] and page["top"] == ["Нынешняя главная"]


@time_machine.travel(NOW, tick=False)
def test_an_importance_set_on_a_draft_is_kept_and_counts_once_published(client, publisher):
    draft = news("Черновик главной", 0.5, importance=MAIN, status=Article.Status.DRAFT)
    news("Обычная", 1)
    assert "Черновик главной" not in front(client)["html"]
    article_publish(article=draft, by=UserFactory(username="boss", is_superuser=True))
    assert front(client)["lead"] == ["Черновик главной"]


@time_machine.travel(NOW, tick=False)
def test_no_article_is_shown_twice_on_the_front_page(client, publisher):
    sections = [SectionFactory(name=f"Раздел {n}") for n in range(3)]
    articles = [
        news(f"Новость {n}", n / 2, section=sections[n % 3], importance=[MAIN, TOP, NORMAL, NORMAL][n % 4])
        for n in range(40)
    ]
    views_buffer.write({article.pk: 100 - n for n, article in enumerate(articles)})
    html = client.get("/").content.decode()
    main = html.split('<main id="content">')[1].split("</main>")[0]
    shown = re.findall(r'href="(/news/[^"]+/)"', main)
    assert len(shown) == len(set(shown))
    page = front(client)
    assert len(page["top"]) == TOP_BLOCK_SIZE and len(page["feed"]) == FEED_SIZE and len(page["most_read"]) == 5
    assert main.count('class="section-block"') == 3  # the rest, section by section


def test_an_editors_change_of_place_shows_on_the_front_page_at_once(client, publisher, editor):
    news("Главная", 2, importance=MAIN)
    older = news("Станет главной", 6)
    assert front(client)["lead"] == ["Главная"]
    url = reverse("admin:articles_article_change", args=[older.pk])
    tomorrow = timezone.localtime() + dt.timedelta(days=1)  # pinned: it leads though "Главная" is newer
    pinned = {"pinned_until_0": tomorrow.strftime("%d.%m.%Y"), "pinned_until_1": tomorrow.strftime("%H:%M:%S")}
    response = editor.post(url, form_data(editor, url, importance=MAIN, **pinned))
    assert response.status_code == 302
    assert front(client)["lead"] == ["Станет главной"]  # the cached page was forgotten
    assert older.history.first().importance == MAIN  # a revision
    change = LogEntry.objects.filter(object_id=str(older.pk)).first().change_message  # an admin log entry
    assert "Place on the front page" in change and "Keep the place until" in change


# -- Who may place an article -----------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [("importance", "main"), ("pinned_until_0", "30.11.2026"), ("breaking_until_0", "30.11.2026")],
)
def test_a_journalist_cannot_place_an_article_even_with_a_forged_form(journalist, field, value, publisher):
    data = {"title": "Моя новость", "slug": "", "lead": "", "body": "<p>Текст</p>", "language": "ru"}
    data.update({"status": "draft", field: value})
    response = journalist.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "Только редактор может ставить статью на главную страницу" in response.content.decode()
    assert not Article.objects.filter(title="Моя новость").exists()
    form = journalist.get(reverse("admin:articles_article_add")).content.decode()
    assert 'name="importance"' not in form and 'name="breaking_until_0"' not in form


def test_an_editor_sees_the_front_page_fields_with_what_a_past_time_means(editor):
    html = editor.get(reverse("admin:articles_article_add")).content.decode()
    assert 'name="importance"' in html and 'name="pinned_until_0"' in html and 'name="breaking_until_0"' in html
    assert "Время в прошлом ни на что не влияет." in html


# -- The breaking-news banner -------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_banner_stands_on_every_page_of_its_language_and_goes_by_itself(client, publisher, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    section = SectionFactory(slug="politika")
    breaking = news("Землетрясение в Алматы", 0.1, section=section, breaking_until=NOW + dt.timedelta(minutes=2))
    other = news("Другая новость", 1, section=section)
    ArticleFactory(language="kk", title="Қазақша жаңалық", publish_at=NOW - dt.timedelta(hours=1))
    pages = ["/", other.get_absolute_url(), section.get_absolute_url(), "/search/?q=новость", "/news/", "/popular/"]
    for page in pages:
        html = client.get(page).content.decode()
        assert 'class="breaking"' in html and "Срочно" in html, page
        assert f'<a href="{breaking.get_absolute_url()}">Землетрясение в Алматы</a>' in html, page
    assert 'class="breaking"' not in client.get("/kk/").content.decode()  # the Russian site's news
    with time_machine.travel(NOW + dt.timedelta(minutes=2, seconds=1), tick=False):
        for page in pages:
            assert 'class="breaking"' not in client.get(page).content.decode(), page


@time_machine.travel(NOW, tick=False)
def test_a_breaking_time_in_the_past_is_accepted_and_shows_nothing(client, publisher):
    news("Вчерашняя срочная", 20, breaking_until=NOW - dt.timedelta(hours=1))
    assert 'class="breaking"' not in client.get("/").content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_scheduled_breaking_story_shows_its_banner_from_its_publication(client, publisher, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    news("Скоро срочная", -0.1, breaking_until=NOW + dt.timedelta(hours=1))
    assert 'class="breaking"' not in client.get("/").content.decode()
    with time_machine.travel(NOW + dt.timedelta(minutes=6, seconds=1), tick=False):
        assert "Скоро срочная" in client.get("/").content.decode().split('class="breaking"')[1][:500]


# -- The news feed --------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_news_feed_pages_by_keyset_with_no_gap_and_no_repeat(client, publisher):
    same_moment = NOW - dt.timedelta(hours=30)
    for n in range(45):
        ArticleFactory(title=f"Лента {n:02d}", publish_at=NOW - dt.timedelta(minutes=10 * n))
    for n in range(20):  # a burst at one second: the id breaks the tie
        ArticleFactory(title=f"Пачка {n:02d}", publish_at=same_moment)
    seen, url = [], "/news/"
    while url:
        html = client.get(url).content.decode()
        seen += re.findall(r'class="feed-title" href="[^"]+">([^<]+)<', html)
        more = re.search(r'<a rel="next" href="(\?before=[0-9]+-[0-9]+)"', html)
        url = f"/news/{more[1]}" if more else None
    assert len(seen) == 65 and len(set(seen)) == 65
    assert seen[:2] == ["Лента 00", "Лента 01"]


@time_machine.travel(NOW, tick=False)
def test_the_feed_writes_todays_times_alone_and_older_ones_with_their_date(client, publisher):
    news("Утренняя", 1)  # 10:00 in Almaty
    news("Вчерашняя", 20)  # 29 November, 15:00
    html = client.get("/news/").content.decode()
    assert re.search(r'<time datetime="[^"]+">10:00</time> <a class="feed-title"[^>]*>Утренняя', html)
    assert re.search(r'<time datetime="[^"]+">29 ноября, 15:00</time> <a class="feed-title"[^>]*>Вчерашняя', html)


def test_at_the_newsrooms_midnight_the_cached_feed_dates_last_years_news(client, publisher, time_machine):
    # 23:59:40 on New Year's Eve in Almaty; 25 s later (within PAGE_CACHE_SECONDS) Almaty is in
    # the new year, and UTC still on the 31st.
    eve = dt.datetime(2026, 12, 31, 18, 59, 40, tzinfo=dt.UTC)
    time_machine.move_to(eve, tick=False)
    late = ArticleFactory(title="Поздняя", publish_at=eve - dt.timedelta(minutes=5))
    local = timezone.localtime(late.publish_at)

    def shown(expected):
        feed_line = rf'<time datetime="[^"]+">{re.escape(expected)}</time> <a class="feed-title"[^>]*>Поздняя'
        return re.search(feed_line, client.get("/news/").content.decode())

    assert shown(date_format(local, "H:i"))  # today's: the time alone
    time_machine.move_to(eve + dt.timedelta(seconds=25), tick=False)
    assert timezone.now().date() == late.publish_at.date() and timezone.localdate().year == local.year + 1
    with override("ru"):
        last_year = date_format(local, "j E Y, H:i")
    assert shown(last_year)  # the page cached before midnight was not kept


@pytest.mark.parametrize("cursor", ["abc", "1-", "-5", "1000000-1", "1" * 40 + "-1", "0-0"])
def test_a_bad_or_exhausted_cursor_is_a_404_not_a_500(client, publisher, cursor):
    ArticleFactory()
    assert client.get("/news/", {"before": cursor}).status_code == 404


def test_the_news_feed_has_its_budget_on_any_page(client, publisher, django_assert_max_num_queries):
    for n in range(70):
        ArticleFactory(publish_at=NOW - dt.timedelta(minutes=n))
    first = client.get("/news/").content.decode()
    cursor = re.search(r'href="\?before=([0-9-]+)"', first)[1]
    cache.clear()
    with django_assert_max_num_queries(LIST_QUERIES):
        assert client.get("/news/", {"before": cursor}).status_code == 200


def test_the_old_paginated_front_page_moves_to_the_news_feed(client, publisher):
    response = client.get("/?page=3")
    assert response.status_code == 301 and response["Location"] == "/news/"


# -- Budgets ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 60])
def test_the_front_page_has_a_fixed_query_budget(client, publisher, django_assert_max_num_queries, size):
    sections = [SectionFactory() for _ in range(4)]
    articles = [
        ArticleFactory(section=sections[n % 4], importance=[MAIN, TOP, NORMAL][n % 3], photo=PhotoFactory())
        for n in range(size)
    ]
    views_buffer.write({article.pk: 1 for article in articles})
    with django_assert_max_num_queries(FRONT_QUERIES):
        assert client.get("/").status_code == 200
    cache.clear()
    with django_assert_max_num_queries(POPULAR_QUERIES):
        assert client.get("/popular/").status_code == 200

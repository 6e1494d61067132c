"""Most read: readers' views per hour (written with the totals), the 24-hour and 7-day lists,
and who counts as a reader (not crawlers, link previews, prefetches or HEAD requests)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, ArticleViewsByDay, ArticleViewsByHour
from readership import buffer as views_buffer
from readership.most_read import most_read
from readership.readers import is_crawler
from readership.tasks import prune_views_by_hour
from tests.factories import ArticleFactory, PublisherFactory
from tests.readership.test_view_buffer import redis_cache  # noqa: F401 (a fixture)
from tests.reading import beacon_url, read, send_beacon

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 6, 20, tzinfo=dt.UTC)

# Real user agents (2025-2026): people's browsers, then programs.
BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.107 "
    "Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 "
    "YaBrowser/24.10.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:132.0) Gecko/20100101 Firefox/132.0",
]
PROGRAMS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) "
    "Chrome/116.0.1938.76 Safari/537.36",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 (compatible; YandexMetrika/2.0; +http://yandex.com/bots yabs01)",
    "TelegramBot (like TwitterBot)",
    "WhatsApp/2.23.20.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Baiduspider+(+http://www.baidu.com/search/spider.htm)",
    "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    "Twitterbot/1.0",
    "Mozilla/5.0 (compatible; Applebot/0.1; +http://www.apple.com/go/applebot)",
    "Mediapartners-Google",
]


@pytest.fixture
def publisher():
    return PublisherFactory()


def main(html: str) -> str:
    return html.split('<main id="content">')[1].split("</main>")[0]


def hourly() -> dict:
    return {(row.article_id, row.hour): row.count for row in ArticleViewsByHour.objects.all()}


@pytest.mark.parametrize("agent", BROWSERS)
def test_browsers_are_readers(agent):
    assert not is_crawler(agent)


@pytest.mark.parametrize("agent", PROGRAMS)
def test_crawlers_and_link_previews_are_not(agent):
    assert is_crawler(agent)


def test_views_are_written_per_hour_and_day_beside_the_totals_in_one_upsert(publisher):
    first, second = ArticleFactory(), ArticleFactory(language="kk")
    with time_machine.travel(NOW, tick=False):
        with CaptureQueriesContext(connection) as queries:
            views_buffer.write({first.pk: 3, second.pk: 1})
        views_buffer.write({first.pk: 2})
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        views_buffer.write({first.pk: 4})
    hour = NOW.replace(minute=0)
    assert hourly() == {
        (first.pk, hour): 5,
        (second.pk, hour): 1,
        (first.pk, hour + dt.timedelta(hours=1)): 4,
    }
    assert ArticleViewsByHour.objects.get(article=second).language == "kk"
    assert Article.objects.get(pk=first.pk).view_count == 9  # the total, exact as before
    day = NOW.astimezone(dt.UTC).replace(hour=0, minute=0)
    assert {(row.article_id, row.day): row.count for row in ArticleViewsByDay.objects.all()} == {
        (first.pk, day): 9,
        (second.pk, day): 1,
    }
    if connection.vendor == "postgresql":
        assert len(queries) == 1
    else:  # the ORM: the languages; per article and bucket an update, and a create where none was; a savepoint
        assert len(queries) == 1 + 2 * 3 * 2 + 2


def test_the_redis_flush_writes_the_hour_too(client, publisher, redis_cache, settings):  # noqa: F811
    settings.VIEW_COUNT_FLUSH_SECONDS = 60
    article = ArticleFactory()
    for _ in range(4):
        read(client, article.get_absolute_url())
    views_buffer.flush(redis_cache)
    assert sum(hourly().values()) == 4 and Article.objects.get(pk=article.pk).view_count == 4


def test_the_most_read_lists_rank_the_period_and_only_published_articles(client, publisher):
    with time_machine.travel(NOW, tick=False):
        popular = ArticleFactory(title="Читают сегодня")
        yesterday = ArticleFactory(title="Читали на неделе", publish_at=NOW - dt.timedelta(days=3))
        withdrawn = ArticleFactory(title="Снятая")
        english = ArticleFactory(title="English news", language="en")
        ArticleFactory(title="Никто не читал")
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        views_buffer.write({yesterday.pk: 500})
    with time_machine.travel(NOW, tick=False):
        views_buffer.write({popular.pk: 40, yesterday.pk: 10, withdrawn.pk: 900, english.pk: 80})
        Article.objects.filter(pk=withdrawn.pk).update(status=Article.Status.WITHDRAWN)
        day = client.get("/popular/").content.decode()
        week = client.get("/popular/?period=7d").content.decode()
        for bad in ("1y", "", "<script>", "24h' OR 1=1"):  # the 24-hour list, never an error
            answer = client.get("/popular/", {"period": bad})
            assert answer.status_code == 200 and main(answer.content.decode()) == main(day)
        assert [a.title for a in most_read("en")] == ["English news"]
    assert day.index("Читают сегодня") < day.index("Читали на неделе")
    assert week.index("Читали на неделе") < week.index("Читают сегодня")
    assert "510 просмотров" in week and "40 просмотров" in day
    for page in (day, week):
        assert "Снятая" not in page and "English news" not in page and "Никто не читал" not in page


def test_a_most_read_list_is_ranked_once_a_minute_not_per_page(client, publisher, django_assert_max_num_queries):
    article = ArticleFactory()
    views_buffer.write({article.pk: 7})
    client.get("/popular/")
    other = ArticleFactory()
    client.get(other.get_absolute_url())  # its own page shows the most read: from the same ranking
    with CaptureQueriesContext(connection) as queries:
        client.get(ArticleFactory().get_absolute_url())
    assert not [q for q in queries if "articles_article_views_by_hour" in q["sql"] and "SUM" in q["sql"].upper()]


def test_crawlers_prefetches_and_head_requests_are_not_counted_readers_are(client, publisher):
    article = ArticleFactory()
    url = article.get_absolute_url()
    for agent in PROGRAMS:  # those that run scripts send the beacon too
        for _ in range(2):  # the first renders the page, the second comes from the page cache
            assert read(client, url, headers={"User-Agent": agent}).status_code == 200
    # A prefetch runs no script; a beacon that says it is one is not counted either.
    beacon = beacon_url(client.get(url, headers={"User-Agent": BROWSERS[0], "Sec-Purpose": "prefetch"}))
    send_beacon(client, beacon, headers={"User-Agent": BROWSERS[0], "Sec-Purpose": "prefetch;prerender"})
    send_beacon(client, beacon, headers={"User-Agent": BROWSERS[0], "Purpose": "prefetch"})
    client.head(url, headers={"User-Agent": BROWSERS[0]})
    assert Article.objects.get(pk=article.pk).view_count == 0
    for agent in BROWSERS:
        read(client, url, headers={"User-Agent": agent})
    assert Article.objects.get(pk=article.pk).view_count == len(BROWSERS)
    assert sum(hourly().values()) == len(BROWSERS)


def test_crawlers_are_not_counted_with_redis_either(client, publisher, redis_cache, settings):  # noqa: F811
    settings.VIEW_COUNT_FLUSH_SECONDS = 60
    article = ArticleFactory()
    for agent in PROGRAMS[:3] + BROWSERS[:2] + PROGRAMS[3:6]:
        read(client, article.get_absolute_url(), headers={"User-Agent": agent})
    views_buffer.flush(redis_cache)
    assert Article.objects.get(pk=article.pk).view_count == 2


def test_old_hours_and_days_are_pruned_and_totals_kept(publisher, settings):
    article = ArticleFactory()
    with time_machine.travel(NOW - dt.timedelta(days=settings.MOST_READ_KEEP_DAYS, hours=1), tick=False):
        views_buffer.write({article.pk: 5})  # too old for either list
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        views_buffer.write({article.pk: 3})  # the week still counts its day, no list its hour
    with time_machine.travel(NOW, tick=False):
        views_buffer.write({article.pk: 2})
        assert "2 hourly rows older than 2 days and 1 daily rows" in prune_views_by_hour()
    assert list(hourly().values()) == [2] and Article.objects.get(pk=article.pk).view_count == 10
    assert sorted(ArticleViewsByDay.objects.values_list("count", flat=True)) == [2, 3]

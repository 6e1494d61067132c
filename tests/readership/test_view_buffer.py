"""View counts buffered in Redis (readership/buffer.py), with the real Redis of this machine."""

import uuid

import pytest
from django.core.cache import cache
from django.db import connection

from articles.models import ArticleViews, ArticleViewsByDay, ArticleViewsByHour
from readership import buffer as views_buffer
from tests.conftest import wait_for
from tests.factories import ArticleFactory, PublisherFactory
from tests.reading import beacon_url, read, send_beacon

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/14"


def wait_for_the_flush_interval(client) -> None:
    """Until the flush lock expires in Redis: the next beacon then takes it and writes."""
    wait_for(lambda: not client.exists(cache.make_key(views_buffer.LOCK_KEY)), what="the flush lock to expire")


@pytest.fixture
def redis_cache(settings):
    """Django's RedisCache as the cache, under a key prefix of this test's own."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    client = views_buffer.redis_client()
    assert client is not None
    yield client
    keys = client.keys(f"{prefix}:*")
    if keys:
        client.delete(*keys)


def test_readers_views_wait_in_redis_and_reach_the_database_in_one_flush(
    client, redis_cache, settings, django_assert_num_queries
):
    settings.VIEW_COUNT_FLUSH_SECONDS = 60
    PublisherFactory()
    article = ArticleFactory()
    read(client, article.get_absolute_url())  # renders; its beacon counts (and takes the flush lock)
    page = client.get(article.get_absolute_url())
    with django_assert_num_queries(0):  # a cached article page and a beacon: no database work at all
        assert page.status_code == 200
        assert send_beacon(client, beacon_url(page)).status_code == 204
    read(client, article.get_absolute_url())
    article.refresh_from_db()
    assert article.view_count == 1  # the first view was flushed when the lock was taken

    assert views_buffer.flush(redis_cache) == 2
    article.refresh_from_db()
    assert article.view_count == 3
    assert views_buffer.flush(redis_cache) == 0


def test_a_view_after_the_interval_flushes_what_waited(client, redis_cache, settings):
    settings.VIEW_COUNT_FLUSH_SECONDS = 1
    PublisherFactory()
    first, second = ArticleFactory(), ArticleFactory()
    for article in (first, second, second):
        read(client, article.get_absolute_url())
    wait_for_the_flush_interval(redis_cache)
    read(client, first.get_absolute_url())
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.view_count, second.view_count) == (2, 2)


def test_without_redis_each_view_is_written_at_once_and_a_page_load_counts_once(client):
    PublisherFactory()
    article = ArticleFactory()
    assert views_buffer.redis_client() is None
    page = client.get(article.get_absolute_url())
    article.refresh_from_db()
    assert article.view_count == 0  # serving the page counts nothing: its beacon does
    for _ in range(3):  # the same page load's beacon, sent again
        send_beacon(client, beacon_url(page), token="0123456789abcdef")
    article.refresh_from_db()
    assert article.view_count == 1


@pytest.fixture
def round_trips(monkeypatch):
    """How many times the code below sends something to Redis (a pipeline is one)."""
    from redis.connection import AbstractConnection

    sent = []
    original = AbstractConnection.send_packed_command

    def send(self, command, *args, **kwargs):
        sent.append(command)
        return original(self, command, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", send)
    return sent


def test_a_beacon_is_one_round_trip_to_redis_and_a_page_load_counts_once(client, redis_cache, settings, round_trips):
    settings.VIEW_COUNT_FLUSH_SECONDS = 60
    PublisherFactory()
    article = ArticleFactory()
    page = read(client, article.get_absolute_url())  # counted (and the lock taken: nothing flushes below)
    beacon = beacon_url(page)
    round_trips.clear()
    for token in ("a" * 32, "b" * 32, "c" * 32, "c" * 32):  # the last: the same page load again
        assert send_beacon(client, beacon, token).status_code == 204
    assert len(round_trips) == 4
    assert client.head(article.get_absolute_url()).status_code == 200  # no beacon: not counted
    assert views_buffer.flush(redis_cache) == 3
    article.refresh_from_db()
    assert article.view_count == 4


def test_with_the_default_interval_views_wait_five_seconds_at_most(client, redis_cache, settings):
    """VIEW_COUNT_FLUSH_SECONDS left at its default (5): the siblings around set it."""
    assert settings.VIEW_COUNT_FLUSH_SECONDS == 5
    PublisherFactory()
    article = ArticleFactory()
    read(client, article.get_absolute_url())  # takes the lock, writes 1
    read(client, article.get_absolute_url())  # waits in Redis
    assert (article.view_count, views_buffer.pending([article.pk])) == (1, {article.pk: 1})
    assert 0 < redis_cache.ttl(cache.make_key(views_buffer.LOCK_KEY)) <= 5
    wait_for_the_flush_interval(redis_cache)
    read(client, article.get_absolute_url())  # takes the lock: writes the two waiting
    assert article.view_count == 3 and views_buffer.pending([article.pk]) == {}


def test_the_beacon_that_takes_the_lock_flushes_the_views(client, redis_cache, settings):
    settings.VIEW_COUNT_FLUSH_SECONDS = 1
    PublisherFactory()
    article = ArticleFactory()
    read(client, article.get_absolute_url())  # takes the lock, writes 1
    read(client, article.get_absolute_url())  # waits in Redis
    wait_for_the_flush_interval(redis_cache)
    read(client, article.get_absolute_url())  # takes the lock: writes the two waiting
    article.refresh_from_db()
    assert article.view_count == 3


def test_a_flush_skips_deleted_articles_and_applies_views_taken_back(redis_cache, settings):
    settings.VIEW_COUNT_FLUSH_SECONDS = 60
    PublisherFactory()
    kept, deleted = ArticleFactory(), ArticleFactory()
    views_buffer.write({kept.pk: 2})
    # What readers left in Redis: a view taken back (its page was stale) and views of an
    # article deleted since.
    pending = cache.make_and_validate_key(views_buffer.PENDING_KEY)
    redis_cache.hset(pending, mapping={str(kept.pk): -1, str(deleted.pk): 5})
    deleted.delete()
    assert views_buffer.flush(redis_cache) == 4
    assert kept.view_count == 1
    assert views_buffer.flush(redis_cache) == 0  # nothing left waiting: the flush did not fail


def test_the_admin_shows_the_views_once_flushed_and_staff_are_not_counted(client, admin_client, redis_cache, settings):
    """Editors see the database's figure, at most a flush interval behind (the worker flushes
    every VIEW_COUNT_FLUSH_SECONDS whether or not readers come); readers see it too, behind by
    that and their page's age."""
    settings.VIEW_COUNT_FLUSH_SECONDS = 60
    settings.PAGE_CACHE_SECONDS = 0  # every view renders the page
    PublisherFactory()
    article = ArticleFactory()
    url = article.get_absolute_url()
    assert "0 просмотров" in read(client, url).content.decode()  # its beacon flushed at once: it took the lock
    assert "1 просмотр" in read(client, url).content.decode()  # one in the database, this one waiting
    read(client, url)
    assert "1</td>" in admin_client.get("/admin/articles/article/").content.decode()
    assert views_buffer.flush(redis_cache) == 2  # what the worker's job does
    listing = admin_client.get("/admin/articles/article/").content.decode()
    assert '<td class="field-views">3</td>' in listing
    change = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert '<div class="readonly">3</div>' in change
    assert beacon_url(admin_client.get(url)) is None  # staff's readings are not counted


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the hand-written upsert is PostgreSQL's")
def test_the_hand_written_upsert_counts_as_the_orm_does():
    """The same views written twice, once by each path, into articles with and without earlier
    views: every total, hour and day ends up counted twice over."""
    PublisherFactory()
    seen, new, kazakh = ArticleFactory(), ArticleFactory(), ArticleFactory(language="kk")
    views_buffer.write({seen.pk: 5}, hand_written=False)
    before = counts()
    batch = {seen.pk: 3, new.pk: 1, kazakh.pk: 2, 999_999: 4}  # and an article deleted meanwhile
    views_buffer.write(batch, hand_written=True)
    by_hand = counts()
    views_buffer.write(batch, hand_written=False)
    by_orm = counts()
    for table in by_orm:
        added_by_hand = {key: value - before[table].get(key, 0) for key, value in by_hand[table].items()}
        added_by_orm = {key: value - by_hand[table].get(key, 0) for key, value in by_orm[table].items()}
        assert added_by_hand == added_by_orm, table
    assert by_orm["totals"][(seen.pk,)] == 11 and by_orm["hours"][(kazakh.pk, "kk")] == 4


def counts() -> dict:
    return {
        "totals": {(row.article_id,): row.count for row in ArticleViews.objects.all()},
        "hours": {(row.article_id, row.language): row.count for row in ArticleViewsByHour.objects.all()},
        "days": {(row.article_id, row.language): row.count for row in ArticleViewsByDay.objects.all()},
    }

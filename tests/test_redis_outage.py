"""Redis down: the site runs without its cache (newsroom.cache.RedisCache), nothing is lost."""

import logging

import pytest
from django.core.cache import cache

from newsroom.pagecache import pages_changed
from readership import buffer as views_buffer
from tests.factories import ArticleFactory, PublisherFactory
from tests.reading import read

pytestmark = pytest.mark.django_db

NOBODY_LISTENS = "redis://127.0.0.1:1/0"  # port 1: the connection is refused at once


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {"BACKEND": "newsroom.cache.RedisCache", "LOCATION": NOBODY_LISTENS}}
    assert views_buffer.redis_client() is not None  # the site believes it has Redis


def test_readers_get_pages_from_the_database_and_every_view_is_counted(client, redis_down, caplog):
    PublisherFactory()
    article = ArticleFactory(title="Без кэша")
    with caplog.at_level(logging.WARNING, logger="newsroom.errors"):
        for _ in range(3):
            page = read(client, article.get_absolute_url())
            assert page.status_code == 200 and "Без кэша" in page.content.decode()
        assert client.get("/").status_code == 200
        assert client.get("/feed.rss").status_code == 200
    article.refresh_from_db()
    assert article.view_count == 3  # written to the database, since Redis could not take them
    warnings = [record for record in caplog.records if "Redis unreachable" in record.getMessage()]
    assert len(warnings) == 1  # once, then Redis is left alone for a few seconds


def test_edits_still_save_when_their_cache_cannot_be_forgotten(redis_down):
    pages_changed()  # what every admin save and publication calls
    cache.delete_many(["agencies:publisher:v1"])
    assert cache.get("anything", "fallback") == "fallback"
    assert cache.add("key", 1) is False

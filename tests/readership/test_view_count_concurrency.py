"""500 concurrent readers against a live server, each loading the page and sending its view
beacon: the count goes up by exactly 500 (one upsert per beacon, without Redis)."""

import concurrent.futures
import secrets
import urllib.request

import pytest
from django.db import connection

from articles.models import Article
from tests.factories import ArticleFactory, PublisherFactory
from tests.reading import BEACON

READERS = 500
PARALLEL = 40


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="500 concurrent writers need a server database (SQLite takes one writer at a time)",
)
@pytest.mark.django_db(transaction=True)
def test_500_concurrent_readers_raise_the_count_by_exactly_500(live_server):
    PublisherFactory()
    article = ArticleFactory(title="Срочная новость")
    url = live_server.url + article.get_absolute_url()

    def read(_):
        with urllib.request.urlopen(url, timeout=60) as response:
            beacon = BEACON.search(response.read().decode())[1]
        token = secrets.token_hex(16)
        sent = urllib.request.Request(f"{live_server.url}{beacon}?t={token}", method="POST")
        with urllib.request.urlopen(sent, timeout=60) as response:
            return response.status

    with concurrent.futures.ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        statuses = list(pool.map(read, range(READERS)))

    assert statuses == [204] * READERS
    assert Article.objects.get(pk=article.pk).view_count == READERS

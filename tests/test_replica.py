"""Public reads go to the replica when DATABASE_REPLICA_URL is set; everything else to the primary.

The replica here is a second alias pointing at the same test database (committed rows, so the
tests are transactional)."""

import json
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.services import article_withdraw
from newsroom.routers import POSITION_KEY, REPLICA
from tests.conftest import subprocess_env
from tests.factories import ArticleFactory, PublisherFactory, UserFactory
from tests.mailserver import free_port
from tests.reading import beacon_url, send_beacon


@pytest.fixture
def replica(transactional_db, settings):
    """The replica alias as settings would declare it, connected to the test database."""
    default = connections["default"]
    settings.DATABASES = {**settings.DATABASES, REPLICA: dict(default.settings_dict)}
    connections[REPLICA] = type(default)(dict(default.settings_dict), alias=REPLICA)
    yield
    connections[REPLICA].close()
    del connections[REPLICA]


def queries_on_each(request):
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections[REPLICA]) as copy:
        response = request()
    return response, [q["sql"] for q in primary], [q["sql"] for q in copy]


def test_readers_pages_read_from_the_replica_and_count_views_on_the_primary(replica):
    PublisherFactory()
    article = ArticleFactory(title="Новость с реплики")
    reader = Client()

    response, primary, copy = queries_on_each(lambda: reader.get("/"))
    assert "Новость с реплики" in response.content.decode()
    assert any("articles_article" in sql for sql in copy)
    assert not any("articles_article" in sql and "JOIN" in sql for sql in primary)

    response, primary, copy = queries_on_each(lambda: reader.get(article.get_absolute_url()))
    assert response.status_code == 200
    assert any(sql.startswith("SELECT") and "articles_article" in sql for sql in copy)
    _answer, primary, copy = queries_on_each(lambda: send_beacon(reader, beacon_url(response)))
    counted = [sql for sql in primary if "INSERT INTO articles_article_views " in sql.replace('"', "")]  # a view
    assert counted and not copy


def test_staff_read_from_the_primary(replica):
    PublisherFactory()
    article = ArticleFactory()
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    response, _primary, copy = queries_on_each(lambda: staff.get(article.get_absolute_url()))
    assert response.status_code == 200 and copy == []
    response, _primary, copy = queries_on_each(lambda: staff.get("/admin/articles/article/"))
    assert response.status_code == 200 and copy == []


def test_database_replica_url_adds_the_replica_alias(tmp_path):
    script = "from django.conf import settings; import json; print(json.dumps(settings.DATABASES['replica']['NAME']))"
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", script],
        cwd=settings.BASE_DIR,
        env=subprocess_env(DEBUG="1", DATABASE_REPLICA_URL=f"sqlite:///{tmp_path / 'replica.sqlite3'}"),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out) == str(tmp_path / "replica.sqlite3")


needs_postgresql = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="WAL positions are PostgreSQL's"
)


@needs_postgresql
def test_a_committed_change_records_the_primarys_wal_position_for_readers_to_wait_for(replica):
    PublisherFactory()
    article = ArticleFactory()
    cache.delete(POSITION_KEY)
    article_withdraw(article=article, by=UserFactory(is_staff=True, is_superuser=True))
    assert re.fullmatch(r"[0-9A-F]+/[0-9A-F]+", cache.get(POSITION_KEY))
    # The mirror here is no standby: nothing to replay, so readers read it.
    _response, _primary, copy = queries_on_each(lambda: Client().get("/"))
    assert copy


@needs_postgresql
def test_a_replica_that_cannot_say_it_replayed_a_withdrawal_is_not_read(replica, settings):
    """A withdrawn article never comes back from a replica that lags: here one that does not
    answer at all, so its replay cannot be known and the primary is read."""
    PublisherFactory()
    article = ArticleFactory(title="Отозванная новость")
    gone = dict(connections["default"].settings_dict) | {"PORT": str(free_port())}  # nothing listens
    settings.DATABASES = {**settings.DATABASES, REPLICA: gone}
    connections[REPLICA].close()
    connections[REPLICA] = type(connections["default"])(gone, alias=REPLICA)
    article_withdraw(article=article, by=UserFactory(is_staff=True, is_superuser=True))
    response = Client().get(article.get_absolute_url())
    assert response.status_code == 410
    assert "Отозванная новость" not in Client().get("/").content.decode()

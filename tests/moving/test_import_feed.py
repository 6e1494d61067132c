"""import_feed: an RSS feed (tests/moving/data/feed.rss) through the real command: articles
credited to a source, idempotent by guid, the site's own old links redirected."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from moving.models import LegacyRedirect
from tests.factories import AgencyFactory, PublisherFactory

pytestmark = pytest.mark.django_db
FEED = Path(__file__).parent / "data" / "feed.rss"


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_feed", *map(str, args), stdout=out)
    return out.getvalue()


def test_a_feed_becomes_published_articles_once(client):
    PublisherFactory(domain="DKNews.kz")
    kazinform = AgencyFactory(short_name="Казинформ", slug="kazinform")
    report = run(FEED, "--source", "kazinform")
    assert "posts: 2 (created 2" in report

    senate = Article.objects.get(title="Сенат одобрил поправки в закон о масс-медиа")
    assert senate.status == "published" and senate.source == kazinform
    assert senate.publish_at == dt.datetime(2019, 10, 7, 3, 30, tzinfo=dt.UTC)
    assert senate.lead == "Сенат одобрил поправки, передает DKNews.kz."
    assert senate.body == "<p>Закон вступит в силу через десять дней.</p>"
    assert Article.objects.filter(title="Новость партнёра & «кавычки»").exists()

    # The site's own old link redirects; the partner's link is not ours.
    response = client.get("/old/2019/senat-odobril.html")
    assert response.status_code == 301 and response["Location"] == senate.get_absolute_url()
    assert LegacyRedirect.objects.count() == 1

    again = run(FEED, "--source", "kazinform")
    assert "created 0, updated 0, unchanged 2" in again
    assert Article.objects.count() == 2


def test_not_a_feed_and_an_unknown_source_are_refused(tmp_path):
    bad = tmp_path / "bad.rss"
    bad.write_text("<html><body>not a feed</body></html>")
    with pytest.raises(CommandError, match="nothing could be imported"):
        run(bad)
    with pytest.raises(CommandError, match="no such agency"):
        run(FEED, "--source", "nobody")
    assert not Article.objects.exists()

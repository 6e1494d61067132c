"""The benchmark corpus generator (manage.py generate_corpus): COPY on PostgreSQL (in this
process: one worker), bulk inserts on SQLite."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_generate_corpus_writes_published_articles_with_their_links_and_tops_up_on_a_second_run():
    call_command("generate_corpus", articles=25, workers=1, stdout=io.StringIO())
    corpus = Article.objects.filter(slug__startswith="corpus-")
    assert corpus.count() == 25 and Article.objects.published().filter(slug__startswith="corpus-").count() == 25
    article = corpus.order_by("pk").first()
    assert article.tags.count() == 3 and article.people.count() == 2
    assert article.authors.count() == 1 and article.countries.count() == 1
    assert article.section is not None and article.body.startswith("<p>")

    call_command("generate_corpus", articles=30, workers=1, stdout=io.StringIO())
    assert corpus.count() == 30
    assert Article.objects.create(title="После корпуса", slug="posle").pk > max(corpus.values_list("pk", flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="column compression is PostgreSQL's")
def test_article_body_and_search_vector_are_compressed_with_lz4():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attcompression FROM pg_attribute "
            "WHERE attrelid = 'articles_article'::regclass AND attname IN ('body', 'search_vector')"
        )
        assert dict(cursor.fetchall()) == {"body": "l", "search_vector": "l"}

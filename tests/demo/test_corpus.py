"""The benchmark corpus generator (manage.py generate_corpus): COPY on PostgreSQL (in this
process: one worker), bulk inserts on SQLite."""

import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import Article, Person, Tag
from demo.management.commands.generate_corpus import LONG_TAIL, sentence
from photos.models import Photo

pytestmark = pytest.mark.django_db


def test_generate_corpus_writes_published_articles_with_their_links_and_tops_up_on_a_second_run():
    call_command("generate_corpus", articles=25, workers=1, stdout=io.StringIO())
    corpus = Article.objects.filter(slug__startswith="corpus-")
    assert corpus.count() == 25 and Article.objects.published().filter(slug__startswith="corpus-").count() == 25
    article = corpus.order_by("pk").first()
    assert article.tags.count() == 3 and article.people.count() == 2
    assert article.authors.count() == 1 and article.countries.count() == 1
    assert article.section is not None and article.body.startswith("<p>")
    times = list(corpus.order_by("pk").values_list("publish_at", flat=True))
    assert times == sorted(times)  # published in the order written, as in a newsroom

    call_command("generate_corpus", articles=30, workers=1, stdout=io.StringIO())
    assert corpus.count() == 30
    assert Article.objects.create(title="После корпуса", slug="posle").pk > max(corpus.values_list("pk", flat=True))


def test_one_word_in_six_comes_from_the_long_tail():
    """The rare words make a rare search term rare in the corpus too (the search benchmark's
    plans depend on it): each word is from the long tail with probability 1/6."""
    rng = random.Random(2026)
    words = " ".join(sentence(rng, ["обычное"], 60) for _ in range(2_000)).lower().split()
    share = sum(word != "обычное" for word in words) / len(words)
    assert 0.16 < share < 0.175
    assert set(words) - {"обычное"} <= set(LONG_TAIL) and len(set(words)) > 5_000


@pytest.mark.skipif(connection.vendor != "postgresql", reason="column compression is PostgreSQL's")
def test_article_body_and_search_vector_are_compressed_with_lz4():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attcompression FROM pg_attribute "
            "WHERE attrelid = 'articles_article'::regclass AND attname IN ('body', 'search_vector')"
        )
        assert dict(cursor.fetchall()) == {"body": "l", "search_vector": "l"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_the_corpus_links_are_valid_and_the_articles_searchable():
    """The link tables are loaded without PostgreSQL's per-row foreign-key checks (as a
    superuser): every link must still point at a row, and the articles' own trigger must
    still have filled their search vectors."""
    call_command("generate_corpus", articles=20, workers=1, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
        for table, left, right, other, per_article in (
            ("articles_taggedarticle", "content_object_id", "tag_id", "articles_tag", 3),
            ("articles_article_people", "article_id", "person_id", "articles_person", 2),
            ("articles_article_authors", "article_id", "person_id", "articles_person", 1),
            ("articles_article_countries", "article_id", "country_id", "articles_country", 1),
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            assert cursor.fetchone()[0] >= 20 * per_article, table
            cursor.execute(
                f"SELECT count(*) FROM {table} link LEFT JOIN articles_article a ON a.id = link.{left} "
                f"LEFT JOIN {other} o ON o.id = link.{right} WHERE a.id IS NULL OR o.id IS NULL"
            )
            assert cursor.fetchone()[0] == 0, table
        cursor.execute("SELECT count(*) FROM articles_article WHERE slug LIKE 'corpus-%%' AND search_vector IS NULL")
        assert cursor.fetchone()[0] == 0


def test_generate_corpus_adds_the_admins_rows_once_each_option_a_total():
    """The admin's benchmark: more topics and people, a photo library sharing the demo's image,
    and articles in the newsroom's hands (every status, several journalists); a second run
    adds nothing."""
    options = {"articles": 10, "workers": 1, "topics": 3_010, "people": 5_010, "photos": 30, "unpublished": 40}
    call_command("generate_corpus", **options, stdout=io.StringIO())
    call_command("generate_corpus", **options, stdout=io.StringIO())
    assert Tag.objects.filter(slug__startswith="corpus-topic-").count() == 3_010
    assert Person.objects.filter(slug__startswith="corpus-person-").count() == 5_010
    assert Photo.objects.count() == 30
    shared = set(Photo.objects.filter(sha256="").values_list("image", flat=True))
    assert len(shared) == 1 and Photo.objects.filter(image__in=shared).exclude(sha256="").exists()
    desk = Article.objects.filter(slug__startswith="desk-corpus-")
    assert desk.count() == 40 and Article.objects.filter(slug__startswith="corpus-").count() == 10
    assert set(desk.values_list("status", flat=True)) == {"draft", "review", "published", "withdrawn"}
    assert desk.filter(status="published").count() == desk.filter(publish_at__gt=timezone.now()).count()  # scheduled
    assert desk.values("created_by").distinct().count() > 3
    assert desk.filter(created_by__username="journalist").exists()
    assert not desk.filter(created_by__isnull=True).exists()
    assert not desk.filter(status_changed_at__isnull=True).exists()

"""The article page's hand-written SQL (articles/pages.py): one query for the whole page, and the
plain-SQL ``published`` that its subqueries use agreeing with ``Article.objects.published()``."""

import datetime as dt

import pytest
from django.db.models.expressions import RawSQL
from django.utils import timezone

from articles import pages, views_buffer
from articles.models import Article
from tests.factories import AgencyFactory, ArticleFactory, PersonFactory, PhotoFactory, PublisherFactory

pytestmark = pytest.mark.django_db


def test_published_sql_selects_exactly_what_published_selects():
    now = timezone.now()
    states = [
        {},
        {"expire_at": now + dt.timedelta(days=1)},
        {"status": "draft", "publish_at": None},
        {"status": "review", "publish_at": None},
        {"publish_at": now + dt.timedelta(hours=1)},
        {"expire_at": now - dt.timedelta(minutes=1)},
        {"status": "withdrawn"},
    ]
    for fields in states:
        ArticleFactory(**fields)
    by_sql = Article.objects.filter(
        pk__in=RawSQL(f"SELECT a.id FROM articles_article a WHERE {pages.published_sql('a')}", (now, now))
    )
    assert set(by_sql) == set(Article.objects.published()) and by_sql.count() == 2


def test_the_page_query_loads_everything_the_page_shows_in_one_query(django_assert_num_queries):
    PublisherFactory()
    minister = PersonFactory(name="Айдос Сарсенбаев")
    article = ArticleFactory(title="Министр встретился с послом", tags=["Культура"])
    article.people.set([minister])
    kazakh = ArticleFactory(title="Министр елшімен кездесті", language="kk", translation_of=article)
    ArticleFactory(title="Аударма жоба", language="en", translation_of=article, status="draft", publish_at=None)
    now = timezone.now()
    ArticleFactory(title="Та же тема", tags=["Культура"], publish_at=now - dt.timedelta(minutes=5))
    by_person = ArticleFactory(title="Тот же человек", publish_at=now - dt.timedelta(minutes=3))
    by_person.people.set([minister])
    ArticleFactory(title="Запланирована", tags=["Культура"], publish_at=now + dt.timedelta(hours=1))
    ArticleFactory(title="По-казахски", tags=["Культура"], language="kk")
    views_buffer.write({article.pk: 7})

    with django_assert_num_queries(1):
        loaded = Article.objects.published().for_page().get(pk=article.pk)
        loaded.attach_relations()
        tags = [tag.name for tag in loaded.tags.all()]
        people = [person.name for person in loaded.people.all()]
    assert tags == ["Культура"] and people == ["Айдос Сарсенбаев"]
    assert [version.pk for version in loaded.versions] == [kazakh.pk]  # published ones, not itself
    assert [other.title for other in loaded.related] == ["Тот же человек", "Та же тема"]  # newest first
    assert loaded.related[0].publish_at == by_person.publish_at  # an aware datetime, as saved
    assert loaded.view_count == 7


def test_an_article_with_nothing_related_gets_empty_lists(django_assert_num_queries):
    PublisherFactory()
    article = ArticleFactory(tags=[])
    with django_assert_num_queries(1):
        loaded = Article.objects.for_page().get(pk=article.pk)
        loaded.attach_relations()
        assert list(loaded.tags.all()) == [] and list(loaded.corrections.all()) == []
    assert loaded.versions == [] and loaded.related == [] and loaded.body_photos == {}
    assert loaded.view_count == 0


def test_related_articles_are_at_most_four_of_each_subjects_newest():
    PublisherFactory()
    now = timezone.now()
    article = ArticleFactory(tags=["Нефть"], publish_at=now - dt.timedelta(days=30))
    newest = [ArticleFactory(tags=["Нефть"], publish_at=now - dt.timedelta(days=20 - day)).pk for day in range(12)][
        -pages.RELATED_LIMIT :
    ][::-1]
    loaded = Article.objects.for_page().get(pk=article.pk)
    loaded.attach_relations()
    assert [other.pk for other in loaded.related] == newest


def test_the_readers_query_loads_what_for_page_loads_in_one_query(django_assert_num_queries):
    PublisherFactory()
    article = ArticleFactory(
        title="Министр встретился с послом", tags=["Культура", "Нефть"], photo=PhotoFactory(), source=AgencyFactory()
    )
    article.people.set([PersonFactory(name="Айдос Сарсенбаев")])
    ArticleFactory(title="Министр елшімен кездесті", language="kk", translation_of=article)
    ArticleFactory(title="Та же тема", tags=["Культура"])
    views_buffer.write({article.pk: 3})
    expected = Article.objects.published().for_page().get(pk=article.pk)

    with django_assert_num_queries(1):
        loaded = pages.reader_page(Article, article.slug)
        loaded.attach_relations()
        section, source, photo = loaded.section, loaded.source, loaded.photo
    for field in Article._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
    for name in ("tags", "authors", "people", "countries", "corrections", "body_photos", "versions", "related"):
        assert getattr(loaded, f"{name}_json") == getattr(expected, f"{name}_json"), name
    assert (section, source, photo) == (expected.section, expected.source, expected.photo)
    assert photo.image.name == expected.photo.image.name and section.name == expected.section.name
    assert loaded.view_count == 3 and [tag.name for tag in loaded.tags.all()] == ["Культура", "Нефть"]


def test_the_readers_query_finds_only_published_articles():
    PublisherFactory()
    now = timezone.now()
    hidden = {
        "draft": {"status": "draft", "publish_at": None},
        "review": {"status": "review", "publish_at": None},
        "scheduled": {"publish_at": now + dt.timedelta(minutes=1)},
        "expired": {"expire_at": now - dt.timedelta(minutes=1)},
        "withdrawn": {"status": "withdrawn"},
    }
    for slug, fields in hidden.items():
        ArticleFactory(slug=slug, **fields)
    ArticleFactory(slug="expires-later", expire_at=now + dt.timedelta(days=1), section=None, source=None)
    for slug in hidden:
        assert pages.reader_page(Article, slug) is None, slug
    shown = pages.reader_page(Article, "expires-later")
    assert shown.slug == "expires-later" and shown.section is None and shown.source is None and shown.photo is None
    assert pages.reader_page(Article, "no-such-article") is None

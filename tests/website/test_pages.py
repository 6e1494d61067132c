"""The queries of readers' pages (website/pages.py): the article page in one query, a feed's items
in one query, and the hand-written PostgreSQL parts agreeing with the ORM."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.models.expressions import RawSQL
from django.forms.models import model_to_dict
from django.utils import timezone

from articles.models import Article
from readership import buffer
from tests.factories import AgencyFactory, ArticleFactory, PersonFactory, PhotoFactory, PublisherFactory, SectionFactory
from website import pages

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
    article = ArticleFactory(
        title="Министр встретился с послом", tags=["Культура"], photo=PhotoFactory(), source=AgencyFactory()
    )
    article.people.set([minister])
    kazakh = ArticleFactory(title="Министр елшімен кездесті", language="kk", translation_of=article)
    ArticleFactory(title="Аударма жоба", language="en", translation_of=article, status="draft", publish_at=None)
    now = timezone.now()
    ArticleFactory(title="Та же тема", tags=["Культура"], publish_at=now - dt.timedelta(minutes=5))
    by_person = ArticleFactory(title="Тот же человек", publish_at=now - dt.timedelta(minutes=3))
    by_person.people.set([minister])
    ArticleFactory(title="Запланирована", tags=["Культура"], publish_at=now + dt.timedelta(hours=1))
    ArticleFactory(title="По-казахски", tags=["Культура"], language="kk")
    buffer.write({article.pk: 7})

    with django_assert_num_queries(1):
        page = pages.reader_article_page(article.slug)
        section, source, photo = page.article.section, page.article.source, page.article.photo
    assert [tag.name for tag in page.tags] == ["Культура"] and [p.name for p in page.people] == ["Айдос Сарсенбаев"]
    assert (section, source, photo) == (article.section, article.source, article.photo)
    assert [version.pk for version in page.versions] == [kazakh.pk]  # published ones, not itself
    assert [other.title for other in page.related] == ["Тот же человек", "Та же тема"]  # newest first
    assert page.related[0].publish_at == by_person.publish_at  # an aware datetime, as saved
    assert page.article.view_count == 7


def test_an_article_with_nothing_related_gets_empty_lists(django_assert_num_queries):
    PublisherFactory()
    article = ArticleFactory(tags=[], section=None)
    with django_assert_num_queries(1):
        page = pages.article_page(Article.objects.all(), pk=article.pk)
    assert page.tags == page.corrections == page.versions == page.related == [] and page.body_photos == {}
    assert page.article.view_count == 0 and page.article.section is None


def test_related_articles_are_at_most_four_of_each_subjects_newest():
    PublisherFactory()
    now = timezone.now()
    article = ArticleFactory(tags=["Нефть"], publish_at=now - dt.timedelta(days=30))
    newest = [ArticleFactory(tags=["Нефть"], publish_at=now - dt.timedelta(days=20 - day)).pk for day in range(12)][
        -pages.RELATED_LIMIT :
    ][::-1]
    assert [other.pk for other in pages.article_page(Article.objects.all(), pk=article.pk).related] == newest


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the hand-written LATERAL join is PostgreSQL's")
def test_the_hand_written_related_articles_are_the_orms():
    """Topics and people with more articles than each subject's candidates, in other languages,
    scheduled, withdrawn: the LATERAL join and the ORM's numbering pick the same articles."""
    PublisherFactory()
    now = timezone.now()
    people = [PersonFactory() for _ in range(3)]
    articles = []
    for n in range(60):
        fields = {
            "tags": [f"Тема {n % 4}", f"Тема {n % 7}"],
            "language": "kk" if n % 9 == 0 else "ru",
            "publish_at": now - dt.timedelta(hours=n * 7 % 50 - (48 if n % 11 == 0 else 0)),
            "status": "withdrawn" if n % 13 == 0 else "published",
        }
        article = ArticleFactory(**fields)
        article.people.set(people[: n % 4])
        articles.append(article)
    for article in articles:
        by_hand, by_orm = (
            Article.objects.filter(pk=article.pk).annotate(related=pages._related(now, hand_written=flag)).get().related
            for flag in (True, False)
        )
        assert sorted(row["pk"] for row in by_hand or []) == sorted(row["pk"] for row in by_orm or []), article.pk


def test_the_article_page_finds_only_published_articles_for_readers():
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
        assert pages.reader_article_page(slug) is None, slug
        assert pages.article_page(Article.objects.published(), slug=slug) is None, slug
    assert pages.reader_article_page(pages._SLUG) is None  # the kept query's placeholder finds nothing
    shown = pages.reader_article_page("expires-later").article
    assert shown.slug == "expires-later" and shown.section is None and shown.source is None and shown.photo is None


def test_the_kept_readers_query_gives_the_page_the_orm_composes(django_assert_num_queries):
    """``reader_article_page`` runs the query ``article_page`` composes, kept per process: the
    same article, relations, joined rows and view count, at this moment (not the moment it was
    kept), for articles of every shape."""
    PublisherFactory()
    minister = PersonFactory(name="Айдос Сарсенбаев", position="")
    full = ArticleFactory(tags=["Культура", "Нефть"], photo=PhotoFactory(), source=AgencyFactory())
    full.people.set([minister])
    full.authors.set([PersonFactory()])
    ArticleFactory(language="kk", translation_of=full, tags=["Культура"])
    bare = ArticleFactory(tags=[], section=None, photo=None, source=None, lead="")
    odd = ArticleFactory(title="«Кавычки» & <script>alert(1)</script> 🛢️ Қазақстан", tags=["Нефть"])
    buffer.write({full.pk: 3})
    for article in (full, bare, odd):
        kept = pages.reader_article_page(article.slug)
        composed = pages.article_page(Article.objects.published(), slug=article.slug)
        assert kept == composed
        for name in ("section", "source", "photo"):
            one, other = getattr(kept.article, name), getattr(composed.article, name)
            assert (model_to_dict(one) if one else None) == (model_to_dict(other) if other else None), name
        assert model_to_dict(kept.article) == model_to_dict(composed.article)
        assert kept.article.view_count == composed.article.view_count
    later = ArticleFactory(tags=["Нефть"], publish_at=timezone.now() + dt.timedelta(hours=1))
    assert pages.reader_article_page(later.slug) is None
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        with django_assert_num_queries(1):
            assert pages.reader_article_page(later.slug).article == later  # its time came
        assert later in pages.reader_article_page(odd.slug).related


def test_a_feeds_items_come_with_their_topics_authors_and_notes_in_one_query(django_assert_num_queries):
    author = PersonFactory(name="Айгуль Сейткали")
    for n in range(3):
        article = ArticleFactory(tags=["Нефть", f"Тема {n}"])
        article.authors.set([author])
    with django_assert_num_queries(1):
        items = list(pages.feed_articles(Article.objects.published()))
        names = [[tag.name for tag in item.relation("tags")] for item in items]
        authors = {author.name for item in items for author in item.relation("authors")}
    assert names == [["Нефть", "Тема 2"], ["Нефть", "Тема 1"], ["Нефть", "Тема 0"]]
    assert authors == {"Айгуль Сейткали"} and all(item.relation("corrections") == [] for item in items)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the hand-written LATERAL join is PostgreSQL's")
def test_the_hand_written_sections_newest_are_the_orms():
    now = timezone.now()
    sections = [SectionFactory() for _ in range(3)]
    for n in range(40):
        ArticleFactory(
            section=sections[n % 3] if n % 10 else None,
            language="kk" if n % 7 == 0 else "ru",
            publish_at=now - dt.timedelta(hours=n % 13) + dt.timedelta(days=2 if n % 11 == 0 else 0),
            status="draft" if n % 17 == 0 else "published",
        )
    shown = set(Article.objects.published().order_by("-publish_at").values_list("pk", flat=True)[:3])
    for language in ("ru", "kk"):
        by_hand, by_orm = (
            set(
                Article.objects.filter(
                    pk__in=pages.latest_by_section(language, per_section=4, exclude=shown, hand_written=flag)
                ).values_list("pk", flat=True)
            )
            for flag in (True, False)
        )
        assert by_hand == by_orm and by_hand

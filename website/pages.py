"""The queries of readers' pages that need more than a filter: the article page (``article_page``)
and a feed's items (``feed_articles``), each in one query, and the front page's newest articles of
every section (``latest_by_section``).

The article page's one query: the article with its section, source and lead photo, its
topics, authors, people, countries, notes and the photos its body shows (``with_relations``: a
JSON array each), its view count, its published language versions and its related articles.
Related articles are the newest published ones in its language that share a topic or a person
with it, among the ``RELATED_PER_SUBJECT`` newest-created of each of its topics and people: a
busy topic's thousands of articles are never sorted for one page. PostgreSQL reads those from the
(topic, article) and (person, article) indexes with a LATERAL join (``related_sql``); SQLite
numbers each subject's rows (the same rows: tests/website/test_pages.py). The sections' newest
are read the same way: a LATERAL join on the (section, publish_at) index on PostgreSQL, a
numbering on SQLite.
"""

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, router
from django.db.models import F, OuterRef, Q, Subquery, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, JSONObject, RowNumber
from django.utils import timezone

from agencies.models import Agency
from articles.models import Article, Correction, Country, Person, Section, Tag, TaggedArticle
from newsroom.expressions import JSONArrayAgg, instance_from_json
from photos.models import Photo

RELATED_LIMIT = 4
RELATED_PER_SUBJECT = 10
PAGE_RELATIONS = ("tags", "authors", "people", "countries", "corrections", "body_photos")
SHOWN_FIELDS = ("slug", "language", "title", "publish_at")  # of a version or a related article


@dataclass
class ArticlePage:
    """An article and what its page shows, all loaded by ``article_page``'s one query."""

    article: Article
    tags: list[Tag] = field(default_factory=list)
    authors: list[Person] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    body_photos: dict[int, Photo] = field(default_factory=dict)
    versions: list[Article] = field(default_factory=list)  # its other published language versions
    related: list[Article] = field(default_factory=list)  # newest first


def article_page(articles, **lookup) -> ArticlePage | None:
    """The article of ``articles`` (a queryset: the staff's own for a preview) that ``lookup``
    names, with everything its page shows, in one query; or None. Readers' pages use
    ``reader_article_page``, the same query kept per process."""
    return _page(_with_page_data(articles.filter(**lookup), now=timezone.now()).first())


def reader_article_page(slug: str) -> ArticlePage | None:
    """``article_page(Article.objects.published(), slug=slug)``, the query the ORM writes for it
    kept per process (``_reader_query``) and run with this slug and this moment: composing its
    dozen subqueries took 17 of the uncached page's 23 ms (docs/performance.md)."""
    alias = router.db_for_read(Article)
    sql, params = _reader_query(alias)
    now = timezone.now()
    adapt = connections[alias].ops.adapt_datetimefield_value
    given = {_SLUG: slug, _NOW: now, adapt(_NOW): adapt(now)}
    params = [given.get(value, value) if isinstance(value, str | dt.datetime) else value for value in params]
    return _page(next(iter(Article.objects.raw(sql, params, using=alias)), None))


# The placeholders of the kept query's slug and moment: no slug has spaces or guillemets, no
# parameter is this time.
_SLUG = "«the slug»"
_NOW = dt.datetime(1970, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)


@functools.cache
def _reader_query(alias: str) -> tuple[str, tuple]:
    """The readers' article query, as the ORM writes it for the database ``alias`` (what
    ``QuerySet`` iteration runs), with the placeholders ``_SLUG`` and ``_NOW`` among its
    parameters."""
    queryset = _with_page_data(Article.objects.published(at=_NOW).filter(slug=_SLUG), now=_NOW)[:1]
    sql, params = queryset.query.get_compiler(using=alias).as_sql()  # Django's internal API: no public one
    # A moment the query read by itself (a published() without at=) would stay frozen here.
    stamps = [p for p in params if isinstance(p, dt.datetime) or (isinstance(p, str) and _STAMP.fullmatch(p))]
    adapted = connections[alias].ops.adapt_datetimefield_value(_NOW)
    if params.count(_SLUG) != 1 or any(p not in (_NOW, adapted) for p in stamps):
        raise ImproperlyConfigured("the readers' article query must take its slug once and no moment but _NOW")
    return sql, params


_STAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d.*")  # a moment as SQLite's parameters hold it


# Section, source and lead photo come as JSON objects, not joined columns: a raw() row maps its
# columns to the article's fields by name, and the joined tables' names ("id", "name") collide.
JOINED = {"section": Section, "source": Agency, "photo": Photo}


def _with_page_data(articles, *, now: dt.datetime):
    joined = {
        f"{name}_json": JSONObject(**{f.name: f"{name}__{f.name}" for f in model._meta.concrete_fields})
        for name, model in JOINED.items()
    }
    return (
        articles.with_relations(*PAGE_RELATIONS)
        .with_view_counts()
        .annotate(versions_json=_versions(now), related_json=_related(now), **joined)
    )


def _page(article: Article | None) -> ArticlePage | None:
    if article is None:
        return None
    for name in (*PAGE_RELATIONS, "versions", "related", *JOINED):
        value = getattr(article, f"{name}_json")
        setattr(article, f"{name}_json", json.loads(value) if isinstance(value, str) else value)  # raw(): text
    for name, model in JOINED.items():
        if getattr(article, f"{name}_id") is not None:
            setattr(article, name, instance_from_json(model, getattr(article, f"{name}_json")))
    versions = [_shown(row) for row in article.versions_json or []]
    related = sorted((_shown(row) for row in article.related_json or []), key=lambda a: (a.publish_at, a.pk))
    return ArticlePage(
        article=article,
        tags=article.relation("tags"),
        authors=article.relation("authors"),
        people=article.relation("people"),
        countries=article.relation("countries"),
        corrections=article.relation("corrections"),
        body_photos={photo.pk: photo for photo in article.relation("body_photos")},
        versions=sorted((v for v in versions if v.pk != article.pk), key=lambda v: v.language),
        related=related[::-1],
    )


def feed_articles(articles):
    """A feed's items, in one query: no body; the topics, authors and notes as JSON arrays
    (``Article.relation``)."""
    return (
        articles.select_related("section", "photo")
        .defer("body")
        .with_relations("tags", "authors", "corrections")
        .order_by("-publish_at", "-pk")
    )


def _shown(row: dict) -> Article:
    return instance_from_json(Article, row)


def _as_json(articles, group: str) -> Subquery:
    """The rows of ``articles`` (which all share ``group``) as one JSON array."""
    row = JSONObject(pk="pk", **{name: name for name in SHOWN_FIELDS})
    return Subquery(articles.order_by().values(group).annotate(rows=JSONArrayAgg(row)).values("rows"))


def _versions(now: dt.datetime) -> Subquery:
    """The article's published language versions (itself among them): the articles that
    translate the same original, and that original."""
    root = Coalesce(OuterRef("translation_of_id"), OuterRef("pk"))
    versions = Article.objects.published(at=now).filter(Q(translation_of_id=root) | Q(pk=root))
    return _as_json(versions.annotate(root=Coalesce("translation_of_id", "pk")), "root")


def _related(now: dt.datetime, *, hand_written: bool | None = None) -> Subquery:
    """The article's related articles (see the module's docstring), as one JSON array: by the
    hand-written LATERAL join on PostgreSQL (``hand_written`` None), else by the ORM."""
    if hand_written is None:
        hand_written = connection.vendor == "postgresql"
    if hand_written:
        limits = [RELATED_PER_SUBJECT, RELATED_PER_SUBJECT]
        newest = RawSQL(related_sql('"articles_article"."id"', "o"), (*limits, now, now, RELATED_LIMIT))
    else:
        # The page's article, seen from here (in the JSON array's query, in the main query) and
        # from the subjects' query (in a numbering's query, in here).
        this, subjects_of_this = OuterRef(OuterRef("pk")), OuterRef(OuterRef(OuterRef(OuterRef("pk"))))
        newest = (
            Article.objects.published(at=now)
            .filter(language=OuterRef(OuterRef("language")))
            .exclude(pk=this)
            .filter(
                Q(pk__in=_newest_of_subjects(TaggedArticle, "content_object", "tag", subjects_of_this))
                | Q(pk__in=_newest_of_subjects(Article.people.through, "article", "person", subjects_of_this))
            )
            .order_by("-publish_at", "-pk")
            .values("pk")[:RELATED_LIMIT]
        )
    return _as_json(Article.objects.filter(pk__in=newest), "language")


def _newest_of_subjects(link, article: str, subject: str, this) -> object:
    """The ``RELATED_PER_SUBJECT`` newest-created articles of each of the article's subjects
    (topics or people) in the link table ``link``."""
    subjects = link.objects.filter(**{article: this}).values(subject)
    numbered = link.objects.filter(**{f"{subject}__in": subjects}).annotate(
        place=Window(RowNumber(), partition_by=F(subject), order_by=F(article).desc())
    )
    return numbered.filter(place__lte=RELATED_PER_SUBJECT).values(article)


def latest_by_section(language: str, *, per_section: int, exclude=(), hand_written: bool | None = None):
    """Ids of the ``per_section`` newest published articles in ``language`` of each section,
    leaving out the ids in ``exclude`` (articles the page already shows), for ``pk__in``."""
    if hand_written is None:
        hand_written = connection.vendor == "postgresql"
    exclude = [int(pk) for pk in exclude]
    if hand_written:
        now = timezone.now()
        skip = f" AND a.id NOT IN ({', '.join(['%s'] * len(exclude))})" if exclude else ""
        sql = (
            "SELECT b.id FROM articles_section s CROSS JOIN LATERAL (SELECT a.id FROM articles_article a"
            f" WHERE a.section_id = s.id AND a.language = %s AND {published_sql('a')}{skip}"
            " ORDER BY a.publish_at DESC, a.id DESC LIMIT %s) b"
        )
        return RawSQL(sql, [language, now, now, *exclude, per_section])
    numbered = (
        Article.objects.published()
        .filter(language=language, section__isnull=False)
        .exclude(pk__in=exclude)
        .annotate(
            place=Window(RowNumber(), partition_by=F("section"), order_by=[F("publish_at").desc(), F("pk").desc()])
        )
    )
    return numbered.filter(place__lte=per_section).values("pk")


# -- PostgreSQL ----------------------------------------------------------------------------------
# Hand-written where the ORM cannot say it: a LATERAL join that reads each subject's (topic's,
# person's, section's) newest rows from its index. Numbering a busy subject's rows, as SQLite
# does, grows with the archive (docs/performance.md); this reads a few index entries per subject.


def published_sql(alias: str) -> str:
    """``ArticleQuerySet.published()`` in SQL for the article ``alias``, at the moment given
    twice as parameters (tests/website/test_pages.py checks that both agree on every state)."""
    return (
        f"{alias}.status = 'published' AND {alias}.publish_at <= %s"
        f" AND ({alias}.expire_at IS NULL OR {alias}.expire_at > %s)"
    )


def related_sql(this: str, alias: str) -> str:
    """The ids of the related articles of the outer article ``this``, newest first, for
    PostgreSQL; its parameters: the limit per subject (twice), now (twice) and the limit.
    ``alias`` names the inner articles table."""
    subjects = [
        ("articles_taggedarticle", "content_object_id", "tag_id"),
        ("articles_article_people", "article_id", "person_id"),
    ]
    parts = [
        f"SELECT c.id FROM {table} s CROSS JOIN LATERAL (SELECT r.{column} AS id FROM {table} r"
        f" WHERE r.{subject} = s.{subject} ORDER BY r.{column} DESC LIMIT %s) c"
        f" WHERE s.{column} = {this}"
        for table, column, subject in subjects
    ]
    return (
        f"SELECT {alias}.id FROM articles_article {alias}"
        f" WHERE {alias}.id IN ({' UNION ALL '.join(parts)}) AND {alias}.id <> {this}"
        f' AND {alias}.language = "articles_article"."language" AND {published_sql(alias)}'
        f" ORDER BY {alias}.publish_at DESC, {alias}.id DESC LIMIT %s"
    )

"""The article page's read side in SQL: the one query that loads an article with everything its
page shows (``page_annotations``, used by ``ArticleQuerySet.for_page``), the JSON subqueries the
feeds and the partner API share (``relations_json``), and the related-articles lookup.

Hand-written because composing these subqueries through the ORM cost more time than running
them. Nothing here imports the models: ``articles.models`` builds on this module.
Tests: tests/articles/test_pages.py.
"""

import datetime as dt
import functools
import json

from django.db import connection, connections, models, router
from django.db.models.expressions import RawSQL
from django.utils import timezone


def json_rows(source: str, where: str, params=(), **fields: str) -> RawSQL:
    """A correlated subquery in SQL: the rows of ``source`` meeting ``where`` (which refers to
    the outer ``articles_article``), each a JSON object of ``fields`` (name: SQL expression),
    as one JSON array: ``jsonb_agg`` on PostgreSQL, ``json_group_array`` on SQLite.

    Plain SQL rather than ORM expressions: composing six such subqueries through the ORM cost
    more time than running them (about 4 ms a page)."""
    pairs = ", ".join(f"'{name}', {expression}" for name, expression in fields.items())
    if connection.vendor == "postgresql":
        rows = f"COALESCE(jsonb_agg(jsonb_build_object({pairs})), '[]'::jsonb)"
    else:
        rows = f"json_group_array(json_object({pairs}))"
    return RawSQL(f"SELECT {rows} FROM {source} WHERE {where}", params, output_field=models.JSONField())


def published_sql(alias: str) -> str:
    """``ArticleQuerySet.published()`` in plain SQL, for hand-written subqueries (the page's,
    ``articles.latest_by_section``): the article ``alias`` is published and current at the
    moment given twice as parameters. (tests/articles/test_public_pages.py checks that both
    agree on every state.)"""
    return (
        f"{alias}.status = 'published' AND {alias}.publish_at <= %s"
        f" AND ({alias}.expire_at IS NULL OR {alias}.expire_at > %s)"
    )


# Related articles: at most this many, taken among the newest-created this many per subject.
RELATED_LIMIT = 4
RELATED_PER_SUBJECT = 10


def related_sql(this: str) -> str:
    """The related articles of the outer article ``this`` in SQL (two parameters: now, now):
    the newest published articles in its language that share a topic or a person with it.

    The candidates are the ``RELATED_PER_SUBJECT`` newest-created articles of each of its
    topics and people, read from the (topic, article) and (person, article) indexes alone, so
    the query reads about fifty rows however busy a topic is; only those are looked up and
    sorted. (Walking the language's newest articles until four matched took 7-11 ms at 100,000
    articles when the topics were rare.) PostgreSQL takes each subject's newest with a LATERAL
    join on the index; SQLite, which has no LATERAL, numbers the rows of the subjects.
    """
    subjects = [
        ("articles_taggedarticle", "content_object_id", "tag_id"),
        ("articles_article_people", "article_id", "person_id"),
    ]
    if connection.vendor == "postgresql":
        parts = [
            f"SELECT c.id FROM {table} s CROSS JOIN LATERAL (SELECT r.{column} AS id FROM {table} r"
            f" WHERE r.{subject} = s.{subject} ORDER BY r.{column} DESC LIMIT {RELATED_PER_SUBJECT}) c"
            f" WHERE s.{column} = {this}"
            for table, column, subject in subjects
        ]
    else:
        parts = [
            f"SELECT n.id FROM (SELECT r.{column} AS id, ROW_NUMBER() OVER"
            f" (PARTITION BY r.{subject} ORDER BY r.{column} DESC) AS rank FROM {table} r"
            f" WHERE r.{subject} IN (SELECT s.{subject} FROM {table} s WHERE s.{column} = {this})) n"
            f" WHERE n.rank <= {RELATED_PER_SUBJECT}"
            for table, column, subject in subjects
        ]
    return (
        "SELECT o.id, o.slug, o.language, o.title, o.publish_at FROM articles_article o"
        f" WHERE o.id IN ({' UNION ALL '.join(parts)}) AND o.id <> {this}"
        f' AND o.language = "articles_article"."language" AND {published_sql("o")}'
        f" ORDER BY o.publish_at DESC, o.id DESC LIMIT {RELATED_LIMIT}"
    )


_PERSON_FIELDS = {
    "pk": "p.id",
    "slug": "p.slug",
    **{name: f"p.{name}" for name in ("name", "name_en", "position", "position_kk", "position_en")},
}


def relations_json(*names: str) -> dict[str, RawSQL]:
    """``<name>_json`` annotations: the article's topics, authors, people, countries or notes as
    a JSON array each (``json_rows``), for ``for_page()`` and ``for_feed()``."""
    this = '"articles_article"."id"'
    sources = {
        "tags": (
            "articles_taggedarticle r JOIN articles_tag t ON t.id = r.tag_id",
            "r.content_object_id",
            {"pk": "t.id", "slug": "t.slug", **{name: f"t.{name}" for name in ("name", "name_kk", "name_en")}},
        ),
        "authors": (
            "articles_article_authors r JOIN articles_person p ON p.id = r.person_id",
            "r.article_id",
            _PERSON_FIELDS,
        ),
        "people": (
            "articles_article_people r JOIN articles_person p ON p.id = r.person_id",
            "r.article_id",
            _PERSON_FIELDS,
        ),
        "countries": (
            "articles_article_countries r JOIN articles_country c ON c.id = r.country_id",
            "r.article_id",
            {"pk": "c.id", **{name: f"c.{name}" for name in ("code", "name_ru", "name_kk", "name_en", "slug")}},
        ),
        "corrections": (
            "articles_correction n",
            "n.article_id",
            {"pk": "n.id", "kind": "n.kind", "text": "n.text", "created_at": "n.created_at"},
        ),
        "body_photos": (
            "articles_articlebodyphoto r JOIN photos_photo f ON f.id = r.photo_id",
            "r.article_id",
            {
                "pk": "f.id",
                **{name: f"f.{name}" for name in ("image", "width", "height", "alt_text", "caption", "credit")},
            },
        ),
    }
    annotations = {}
    for name in names:
        source, column, fields = sources[name]
        annotations[f"{name}_json"] = json_rows(source, f"{column} = {this}", **fields)
    return annotations


def instances(model, rows: list[dict], order: str) -> list:
    """Model instances from JSON rows, built as the ORM builds them (``from_db``: values parsed
    by their fields, the fields a row lacks deferred), sorted by ``order`` then pk."""
    objects = []
    for row in rows:
        fields, attnames = _row_fields(model, tuple(row))
        values = []
        for name, field in fields:
            value = field.to_python(row[name])
            if isinstance(value, dt.datetime) and timezone.is_naive(value):
                value = timezone.make_aware(value, dt.UTC)  # SQLite's JSON keeps UTC without an offset
            values.append(value)
        objects.append(model.from_db(None, attnames, values))
    return sorted(objects, key=lambda obj: (getattr(obj, order), obj.pk))


@functools.cache
def _row_fields(model, names: tuple[str, ...]) -> tuple[list, frozenset]:
    """The fields of a JSON row's ``names`` ("pk" or a field's name) in the model's field
    order, each with its name in the row; and their attribute names."""
    by_field = {model._meta.pk if name == "pk" else model._meta.get_field(name): name for name in names}
    fields = [(by_field[field], field) for field in model._meta.concrete_fields if field in by_field]
    return fields, frozenset(field.attname for _name, field in fields)


# An article's views (ArticleViews), 0 before its first reader.
VIEWS_SQL = RawSQL(
    'COALESCE((SELECT count FROM articles_article_views WHERE article_id = "articles_article"."id"), 0)',
    (),
    output_field=models.BigIntegerField(),
)


def page_annotations(now: dt.datetime | None = None) -> dict[str, RawSQL]:
    """What ``ArticleQuerySet.for_page()`` adds to the article's row: its topics, authors,
    people, countries, notes and body photos (``relations_json``), its published language
    versions and related articles as of ``now``, and its view count. Each is a correlated
    subquery on indexed columns; every parameter is ``now``."""
    this = '"articles_article"."id"'
    root = f'COALESCE("articles_article"."translation_of_id", {this})'
    now = now or timezone.now()
    return {
        **relations_json("tags", "authors", "people", "countries", "corrections", "body_photos"),
        "versions_json": json_rows(
            "articles_article v",
            f"(v.translation_of_id = {root} OR v.id = {root}) AND {published_sql('v')}",
            (now, now),
            pk="v.id",
            slug="v.slug",
            language="v.language",
            title="v.title",
        ),
        "related_json": json_rows(
            f"({related_sql(this)}) a",
            "true",
            (now, now),
            pk="a.id",
            slug="a.slug",
            language="a.language",
            title="a.title",
            publish_at="a.publish_at",
        ),
        "views_counted": VIEWS_SQL,
    }


# The foreign keys a reader's page shows, loaded with the article as JSON objects.
PAGE_FOREIGN_KEYS = ("section", "source", "photo")


@functools.cache
def _reader_page_plan(model, alias: str) -> tuple[str, int, list, list[str]]:
    """What ``reader_page`` runs for ``model`` (Article) on the database ``alias``, worked out
    once per process: the SQL, how many parameters come before the slug (each the current
    time), each column's converters (as the ORM applies them) and the annotations' names."""
    table = model._meta.db_table
    db = connections[alias]
    now = object()  # stands for the current time while the SQL is put together
    columns, converters = [], []
    for field in model._meta.concrete_fields:
        columns.append(f'"{table}"."{field.column}"')
        column = field.get_col(table)
        converters.append((column, db.ops.get_db_converters(column) + column.get_db_converters(db)))
    params, names = [], []
    for name, expression in page_annotations(now).items():
        columns.append(f"({expression.sql}) AS {name}")
        params += expression.params
        names.append(name)
    for name in PAGE_FOREIGN_KEYS:
        field = model._meta.get_field(name)
        target = field.related_model._meta
        fields = {"pk" if f.primary_key else f.attname: f"j.{f.column}" for f in target.concrete_fields}
        joined = json_rows(f"{target.db_table} j", f'j.{target.pk.column} = "{table}"."{field.column}"', **fields)
        columns.append(f"({joined.sql}) AS {name}_json")
        names.append(f"{name}_json")
    assert all(param is now for param in params)
    sql = (
        f"SELECT {', '.join(columns)} FROM {table}"
        f' WHERE "{table}"."slug" = %s AND {published_sql(f'"{table}"')} LIMIT 1'
    )
    return sql, len(params), converters, names


def reader_page(model, slug: str):
    """``model.objects.published().for_page().filter(slug=slug).first()`` without the ORM
    composing and compiling the query and building its iterator on every request (about 5 of
    a 15 ms page at 100,000 articles): the same SQL, put together once per process, with the
    section, source and lead photo as JSON objects. None when no published article has that
    slug. Read from the database the router gives for reading (the replica, if any)."""
    alias = router.db_for_read(model)
    sql, count, converters, names = _reader_page_plan(model, alias)
    db = connections[alias]
    now = timezone.now()
    with db.cursor() as cursor:
        cursor.execute(sql, [now] * count + [slug, now, now])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (column, functions) in zip(row[: len(converters)], converters, strict=True):
        for function in functions:
            value = function(value, column, db)
        values.append(value)
    article = model.from_db(alias, None, values)
    for name, value in zip(names, row[len(converters) :], strict=True):
        setattr(article, name, json.loads(value) if isinstance(value, str) else value)
    for name in PAGE_FOREIGN_KEYS:
        rows = getattr(article, f"{name}_json")
        related = instances(model._meta.get_field(name).related_model, rows, "pk") if rows else []
        article._state.fields_cache[name] = related[0] if related else None
    return article

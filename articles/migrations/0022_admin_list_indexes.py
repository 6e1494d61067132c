"""Indexes for the admin's article list at a million articles (docs/performance.md, "The admin at
a million articles").

- ``(created_at, id)``, newest first: the list's own order; a page is an index range, not a sort
  of the whole archive.
- ``(publish_at, id)``, newest first: the publication-date filter (a year, a month, the last
  days) and the list sorted by publication time.
- ``(language, section, created_at, id)``: a language and a section together (the Kazakh
  articles of Economy) counted and paged from the index alone; a bitmap of both single-column
  indexes read 22,000 pages of the table to count them (350 ms).
- ``(status, created_by)``: a status and its author (a journalist's drafts, the desk), counted
  from the index alone; the status index alone read every draft's row to find the author's
  (27 ms in memory, a second from disk).
- PostgreSQL only: trigram indexes (pg_trgm, created by ``photos`` 0002) for the admin's search:
  the headline (part of a word: ``title %> 'модерниз'``), the slug (part of an address), and the
  upper-case names of topics and people (Django's ``icontains`` and ``istartswith``, the lists'
  search and the autocomplete widgets).

Every index is built CONCURRENTLY on PostgreSQL: editors keep saving while a big archive is
indexed (a few minutes at a million articles). On SQLite the two btree indexes only.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models
from django.db.models.functions import Upper

LIST_INDEXES = [
    models.Index(fields=["-created_at", "-id"], name="articles_article_created"),
    models.Index(fields=["-publish_at", "-id"], name="articles_article_publish"),
    models.Index(fields=["language", "section", "-created_at", "-id"], name="articles_article_lang_section"),
    models.Index(fields=["status", "created_by"], name="articles_article_status_author"),
]
TRIGRAM_INDEXES = [
    ("Article", GinIndex(OpClass("title", name="gin_trgm_ops"), name="articles_article_title_trgm")),
    ("Article", GinIndex(OpClass("slug", name="gin_trgm_ops"), name="articles_article_slug_trgm")),
    *(
        (model, GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=f"articles_{model.lower()}_{field}_trgm"))
        for model, fields in {
            "Tag": ["name", "name_kk", "name_en"],
            "Person": ["name", "name_en", "position", "position_kk", "position_en", "organisation"],
        }.items()
        for field in fields
    ),
]


def indexes(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    found = [("Article", index) for index in LIST_INDEXES] + (TRIGRAM_INDEXES if postgresql else [])
    options = {"concurrently": True} if postgresql else {}
    return [(apps.get_model("articles", model), index, options) for model, index in found]


def existing(schema_editor, model) -> set[str]:
    with schema_editor.connection.cursor() as cursor:
        return set(schema_editor.connection.introspection.get_constraints(cursor, model._meta.db_table))


def add(apps, schema_editor):
    """Each index once: a run stopped half-way (the migration is not atomic) is run again."""
    for model, index, options in indexes(apps, schema_editor):
        if index.name not in existing(schema_editor, model):
            schema_editor.add_index(model, index, **options)


def remove(apps, schema_editor):
    for model, index, options in indexes(apps, schema_editor):
        schema_editor.remove_index(model, index, **options)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("articles", "0021_version_at"), ("photos", "0002_trigram_search")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="article", index=index) for index in LIST_INDEXES],
            database_operations=[migrations.RunPython(add, remove)],
        )
    ]

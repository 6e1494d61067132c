"""The photo library's search on PostgreSQL: the pg_trgm extension (the articles' search uses it
too: ``articles`` 0022 depends on this migration), and a trigram index on the upper-case text
of each field the admin searches, which serves both Django's ``icontains`` and ``istartswith``
(``UPPER(caption::text) LIKE UPPER('%нефть%')``): the list and the article editor's photo
picker never read the whole library.

pg_trgm is a trusted extension since PostgreSQL 13: the database's owner may create it (no
superuser needed; docs/deploy.md). On SQLite nothing is created: search reads the table.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.models.functions import Upper

FIELDS = ["caption", "credit", "alt_text"]


def trigram_index(field: str) -> GinIndex:
    return GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=f"photos_photo_{field}_trgm")


def add(apps, schema_editor):
    """Each index once: a run stopped half-way (the migration is not atomic) is run again."""
    if schema_editor.connection.vendor != "postgresql":
        return
    photo = apps.get_model("photos", "Photo")
    with schema_editor.connection.cursor() as cursor:
        existing = schema_editor.connection.introspection.get_constraints(cursor, photo._meta.db_table)
    for field in FIELDS:
        if trigram_index(field).name not in existing:
            schema_editor.add_index(photo, trigram_index(field), concurrently=True)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for field in FIELDS:
            schema_editor.remove_index(apps.get_model("photos", "Photo"), trigram_index(field), concurrently=True)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY: uploads go on while the indexes are built

    dependencies = [("photos", "0001_initial")]

    operations = [TrigramExtension(), migrations.RunPython(add, remove)]

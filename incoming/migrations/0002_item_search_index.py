"""The Incoming list's search on PostgreSQL: a full-text index over each item's headline and
text (``simple``: every word as written, whatever the language; the expression is
``incoming.admin.item_search_vector``), so a search of a million items reads the matches only.
On SQLite nothing is created: the search reads the table."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(SearchVector("headline", "body", config="simple"), name="incoming_item_search")


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("incoming", "Item"), INDEX)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("incoming", "Item"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("incoming", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]

"""More statistics for the search vector (PostgreSQL only).

The planner estimates how many articles match a word from the most common lexemes it has
sampled; a word outside that list is assumed about half as frequent as the rarest one in it.
With the default target (100) a rare word was estimated at thousands of matches, and the
planner walked the publication index looking for them instead of asking the GIN index.
"""

from django.db import migrations

FORWARD = "ALTER TABLE articles_article ALTER COLUMN search_vector SET STATISTICS 1000"
BACKWARD = "ALTER TABLE articles_article ALTER COLUMN search_vector SET STATISTICS -1"


def run(statement):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_indexes_for_public_queries")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]

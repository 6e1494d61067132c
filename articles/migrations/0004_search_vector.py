"""Full-text search on PostgreSQL: a stored generated tsvector over title, lead and body, with a GIN index.

Two configurations are combined: ``russian`` (stems Russian words: «министра» finds «министр»)
and ``simple`` (lower-cases without stemming, so Kazakh and English words match as written).
Weights: title A, lead B, body C. HTML tags in the body are parser tokens that neither
configuration indexes. On SQLite nothing is created: search falls back to a contains query.
"""

from django.db import migrations

VECTOR = """
    setweight(to_tsvector('russian'::regconfig, coalesce(title, '')), 'A') ||
    setweight(to_tsvector('russian'::regconfig, coalesce(lead, '')), 'B') ||
    setweight(to_tsvector('russian'::regconfig, coalesce(body, '')), 'C') ||
    setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') ||
    setweight(to_tsvector('simple'::regconfig, coalesce(lead, '')), 'B') ||
    setweight(to_tsvector('simple'::regconfig, coalesce(body, '')), 'C')
"""

FORWARD = [
    f"ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
    "CREATE INDEX articles_article_search_gin ON articles_article USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS articles_article_search_gin",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_editorial_roles")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]

"""The search vector is kept by a trigger instead of a generated column (PostgreSQL only).

PostgreSQL recomputes a stored generated column on every UPDATE of the row, whatever the
columns changed: each view count increment re-ran six ``to_tsvector`` calls over the body.
The trigger fires only when the title, lead or body change. Values and the GIN index are kept
(``DROP EXPRESSION`` turns the column into a plain one with its data).
"""

from django.db import migrations

VECTOR = """
    setweight(to_tsvector('russian'::regconfig, coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('russian'::regconfig, coalesce(NEW.lead, '')), 'B') ||
    setweight(to_tsvector('russian'::regconfig, coalesce(NEW.body, '')), 'C') ||
    setweight(to_tsvector('simple'::regconfig, coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('simple'::regconfig, coalesce(NEW.lead, '')), 'B') ||
    setweight(to_tsvector('simple'::regconfig, coalesce(NEW.body, '')), 'C')
"""

FORWARD = [
    "ALTER TABLE articles_article ALTER COLUMN search_vector DROP EXPRESSION",
    f"""CREATE FUNCTION articles_article_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := {VECTOR};
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER articles_article_search_vector
        BEFORE INSERT OR UPDATE OF title, lead, body ON articles_article
        FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector()""",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_search_vector()",
    "DROP INDEX IF EXISTS articles_article_search_gin",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
    f"ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({VECTOR.replace('NEW.', '')}) STORED",
    "CREATE INDEX articles_article_search_gin ON articles_article USING gin (search_vector)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_search_vector")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]

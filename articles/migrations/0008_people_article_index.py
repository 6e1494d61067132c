from django.db import migrations

# Articles mentioning a person, newest-created first, from the index alone (related articles).
# The many-to-many table is Django's own, so the index is plain SQL (the same on SQLite and
# PostgreSQL); the (article_id, person_id) unique index does not serve lookups by person.
INDEX = "articles_article_people_person_article"


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_search_vector_statistics")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON articles_article_people (person_id, article_id)",
            f"DROP INDEX {INDEX}",
        ),
    ]

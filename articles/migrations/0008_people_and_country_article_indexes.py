from django.db import migrations

# A person's and a country's articles, newest-created first, from the index alone (related
# articles, the people and countries sitemaps). The many-to-many tables are Django's own, so the
# indexes are plain SQL (the same on SQLite and PostgreSQL); their (article_id, row_id) unique
# indexes do not serve lookups by person or country.
INDEXES = {
    "articles_article_people_person_article": "articles_article_people (person_id, article_id)",
    "articles_article_countries_country_article": "articles_article_countries (country_id, article_id)",
}


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_search_vector_statistics")]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {columns}", f"DROP INDEX IF EXISTS {name}")
        for name, columns in INDEXES.items()
    ]

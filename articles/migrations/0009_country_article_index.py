from django.db import migrations

# A country's articles, newest-created first, from the index alone (the countries sitemap),
# as 0008 does for people.
INDEX = "articles_article_countries_country_article"


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_people_article_index")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON articles_article_countries (country_id, article_id)",
            f"DROP INDEX {INDEX}",
        ),
    ]

"""Give every article that existed before revisions were kept a first revision to compare against."""

from django.db import migrations


def create_initial_revisions(apps, schema_editor):
    db = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    HistoricalArticle = apps.get_model("articles", "HistoricalArticle")
    tracked = {field.attname for field in HistoricalArticle._meta.fields} - {"history_id"}
    copied = [field.attname for field in Article._meta.concrete_fields if field.attname in tracked]
    with_history = HistoricalArticle.objects.using(db).values_list("id", flat=True)
    HistoricalArticle.objects.using(db).bulk_create(
        [
            HistoricalArticle(
                **{attname: getattr(article, attname) for attname in copied},
                history_date=article.updated_at,
                history_type="+",
                history_change_reason="",
            )
            for article in Article.objects.using(db).exclude(pk__in=with_history).iterator()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_workflow")]

    operations = [migrations.RunPython(create_initial_revisions, migrations.RunPython.noop)]

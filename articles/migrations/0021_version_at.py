"""Article.version_at: when the article's current version reaches readers (the partner API's
cursor). Existing articles: the later of their last save and, when published, their publication
time."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import Case, F, When


def fill_version_at(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Article.objects.update(
        version_at=Case(
            When(status="published", publish_at__gt=F("updated_at"), then=F("publish_at")),
            default=F("updated_at"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_views_by_day"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="version_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="version visible from"
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="version_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="version visible from"
            ),
        ),
        migrations.RunPython(fill_version_at, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["version_at", "id"], name="articles_article_version_at"),
        ),
    ]

"""The agency's own embargo: ``Article.partners_from`` (an editor releases a scheduled article to
the partners allowed embargoed content before its public time, never before ``embargo_until``: a
check constraint) and ``partners_version_at`` (when a version reaches those partners: the partner
API's second cursor order, with a partial index, small: only released articles have one).
Existing articles have neither, so the constraint holds at once."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0002_translations"),
        ("articles", "0023_article_embargo_until"),
        ("photos", "0002_trigram_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="partners_from",
            field=models.DateTimeField(
                blank=True,
                help_text="Optional: partners allowed embargoed content get the scheduled article from this time, marked as embargoed until its publication time. Readers see it only at its publication time.",
                null=True,
                verbose_name="released to partners from",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="partners_version_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="version visible to partners from"
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="partners_from",
            field=models.DateTimeField(
                blank=True,
                help_text="Optional: partners allowed embargoed content get the scheduled article from this time, marked as embargoed until its publication time. Readers see it only at its publication time.",
                null=True,
                verbose_name="released to partners from",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="partners_version_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="version visible to partners from"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("partners_version_at__isnull", False)),
                fields=["partners_version_at", "id"],
                name="articles_article_released",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("partners_from__isnull", True),
                    ("embargo_until__isnull", True),
                    ("partners_from__gte", models.F("embargo_until")),
                    _connector="OR",
                ),
                name="articles_article_partners_after_embargo",
                violation_error_message="The article cannot be released to partners before its embargo ends.",
            ),
        ),
    ]

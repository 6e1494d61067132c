"""``Article.embargo_until``: a wire's embargo. No path may publish or schedule the article before
it: a check constraint beside ``Article.clean``. Every existing article has none, so the
constraint holds at once."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0002_translations"),
        ("articles", "0022_admin_list_indexes"),
        ("photos", "0002_trigram_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="embargo_until",
            field=models.DateTimeField(
                blank=True,
                help_text="The article cannot be published or scheduled before this moment. Set when the article is taken from a wire item under embargo.",
                null=True,
                verbose_name="embargo until",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="embargo_until",
            field=models.DateTimeField(
                blank=True,
                help_text="The article cannot be published or scheduled before this moment. Set when the article is taken from a wire item under embargo.",
                null=True,
                verbose_name="embargo until",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "published"), _negated=True),
                    ("embargo_until__isnull", True),
                    ("publish_at__gte", models.F("embargo_until")),
                    _connector="OR",
                ),
                name="articles_article_published_after_embargo",
                violation_error_message="The article cannot be published or scheduled before its embargo ends.",
            ),
        ),
    ]

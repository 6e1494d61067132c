"""Old addresses that answer 301 (LegacyRedirect) and where each imported article came from
(ImportedArticle: a re-run of an import updates it instead of making a second one)."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LegacyRedirect(models.Model):
    """An address of the old site (``/2013/01/11/markup/``, ``/?p=1177``) that sends readers,
    search engines and old Telegram links to the article or page that replaced it. Looked up
    only when no other address matched (``moving.middleware``)."""

    old_path = models.CharField(
        _("old address"),
        max_length=500,
        unique=True,
        validators=[RegexValidator(r"^/\S*$", _("Type the path from its first slash, without the domain."))],
        help_text=_("The path on this site, from the first slash: /2013/01/11/markup/ or /?p=1177."),
    )
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    url = models.CharField(
        _("other address"), max_length=500, blank=True, help_text=_("Where to send readers when it is not an article.")
    )
    hits = models.PositiveIntegerField(_("hits"), default=0, editable=False)
    last_hit_at = models.DateTimeField(_("last hit"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        ordering = ["old_path"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(article__isnull=False) & Q(url="")) | (Q(article__isnull=True) & ~Q(url="")),
                name="moving_redirect_one_target",
                violation_error_message=_("Choose an article or type another address, not both."),
            ),
        ]

    def __str__(self):
        return self.old_path

    def clean(self):
        if self.url and not self.url.startswith(("/", "https://", "http://")):
            raise ValidationError({"url": _("Type a path on this site (/news/) or a full address (https://…).")})

    def target(self) -> str:
        return self.article.get_absolute_url() if self.article_id else self.url


class ImportedArticle(models.Model):
    """Where an article came from: a WordPress post or a feed item. ``version`` is the article's
    version after the import wrote it: a higher one means an editor changed it since, and the
    next import leaves it alone."""

    class Source(models.TextChoices):
        WORDPRESS = "wordpress", "WordPress"
        FEED = "feed", _("Feed")

    article = models.OneToOneField(
        "articles.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="imported_from"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source)
    source_id = models.CharField(_("id in the source"), max_length=300)
    guid = models.CharField(_("guid"), max_length=1000, blank=True)
    content_hash = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        verbose_name = _("imported article")
        verbose_name_plural = _("imported articles")
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="moving_imported_once")]

    def __str__(self):
        return f"{self.get_source_display()} {self.source_id}"

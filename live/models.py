"""A live blog's entries: short posts under a live article, newest first on its page."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from articles.models import Article, Person
from newsroom.html import sanitize_html
from newsroom.text import PlainTextMixin


class EntryQuerySet(models.QuerySet):
    def published(self, *, at: dt.datetime | None = None):
        """The entries readers may see (``at``, now unless given), decided at query time like
        articles: a scheduled entry appears at its second with no job running. Callers reach
        the article through ``Article.objects.published()`` first; ``public()`` does both."""
        return self.filter(published_at__lte=at or timezone.now())

    def public(self, *, at: dt.datetime | None = None):
        """Published entries of published articles: what feeds and the partner API may list."""
        now = at or timezone.now()
        return self.published(at=now).filter(article__in=Article.objects.published(at=now))

    def newest_first(self):
        return self.order_by("-published_at", "-pk")


class Entry(PlainTextMixin, models.Model):
    """One post of a live blog: a rich-text body (the article editor's schema), an optional
    headline, and the flags that lift it out of the timeline (a key event, the pinned entry)."""

    article = models.ForeignKey(
        Article, verbose_name=_("live blog"), on_delete=models.CASCADE, related_name="live_entries"
    )
    headline = models.CharField(_("headline"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    authors = models.ManyToManyField(Person, verbose_name=_("authors"), blank=True, related_name="live_entries")
    published_at = models.DateTimeField(
        _("published at"),
        default=timezone.now,
        help_text=_("Newsroom time. A future time schedules the entry; it appears at that minute by itself."),
    )
    key_event = models.BooleanField(
        _("key event"), default=False, help_text=_("Listed under «Key events» at the top of the page.")
    )
    pinned = models.BooleanField(
        _("pinned"), default=False, help_text=_("Shown above all the others; pinning it unpins the previous one.")
    )
    telegram = models.BooleanField(
        _("send to Telegram"),
        default=False,
        help_text=_("A key event goes to the agency's Telegram channels once, with a link to it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="live_entries",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EntryQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("entry revision"))

    class Meta:
        verbose_name = _("live entry")
        verbose_name_plural = _("live entries")
        ordering = ["-published_at", "-pk"]
        indexes = [
            # The blog's page and its "show more" pages: a keyset walk, whatever the blog's length.
            models.Index(fields=["article", "-published_at", "-id"], name="live_entry_timeline"),
            # What readers' polls ask: entries edited since a moment.
            models.Index(fields=["article", "updated_at"], name="live_entry_updated"),
            models.Index(
                fields=["article", "-published_at"], condition=Q(key_event=True), name="live_entry_key_events"
            ),
            # The page cache's next scheduled entry (live.services.next_scheduled_entry).
            models.Index(fields=["published_at"], name="live_entry_published"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["article"], condition=Q(pinned=True), name="live_entry_one_pinned"),
        ]

    def __str__(self):
        return self.headline or self.summary(80)

    def save(self, *args, **kwargs):
        self.headline = self.headline.strip()
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"entry-{self.pk}"

    def summary(self, length: int = 200) -> str:
        """The entry's text without markup, cut at ``length`` characters (titles, Telegram)."""
        return Truncator(plain_text(self.body)).chars(length)


def plain_text(html: str) -> str:
    """The words of an entry's HTML, one space between them (for counting and summaries)."""
    return " ".join(strip_tags(html.replace("<", " <")).split())

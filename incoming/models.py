"""The incoming desk's data: partners' sources, the items they send (with earlier versions), the
routing rules, the pictures taken into the photo library, and when each journalist last looked."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from newsroom.text import PlainTextMixin

URGENT = 3  # urgency 1 (flash) to 3 is highlighted on the desk


class Source(PlainTextMixin, models.Model):
    """A partner's wire: where the desk reads it, how often, and how it went last time."""

    class Kind(models.TextChoices):
        NINJS = "ninjs", _("ninjs API")
        FEED = "feed", _("RSS or Atom feed")
        NEWSML = "newsml", _("NewsML-G2 folder")

    name = models.CharField(_("name"), max_length=200, help_text=_("For the desk, e.g. «Kazinform, лента»."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.NINJS)
    address = models.CharField(
        _("address"),
        max_length=1000,
        help_text=_(
            "The feed's or the API's address (https://…); for a NewsML-G2 folder, its name inside the "
            "drop folder (INCOMING_DROP_ROOT)."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("For items that do not say their language."),
    )
    credentials = models.CharField(
        _("key"),
        max_length=500,
        blank=True,
        help_text=_("The partner's API key (sent as a Bearer token). Never shown again once saved."),
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="wire_sources",
        help_text=_("Whom a taken article credits."),
    )
    section = models.ForeignKey(
        "articles.Section",
        verbose_name=_("default section"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    poll_seconds = models.PositiveIntegerField(
        _("poll every (seconds)"), default=60, validators=[MinValueValidator(10)]
    )
    idle_alert_minutes = models.PositiveIntegerField(
        _("alert when idle (minutes)"),
        null=True,
        blank=True,
        help_text=_("Show the source in red when no item has come for this long. Empty: never."),
    )
    active = models.BooleanField(pgettext_lazy("wire source", "active"), default=True)

    # What the worker keeps between polls; shown on the source's page, never edited.
    next_poll_at = models.DateTimeField(_("next poll"), default=timezone.now, editable=False)
    polled_at = models.DateTimeField(_("last poll"), null=True, blank=True, editable=False)
    succeeded_at = models.DateTimeField(_("last successful poll"), null=True, blank=True, editable=False)
    item_at = models.DateTimeField(_("last item received"), null=True, blank=True, editable=False)
    failures = models.PositiveIntegerField(_("failed polls in a row"), default=0, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    cursor = models.CharField(max_length=2000, blank=True, editable=False)  # the API's `since`
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("wire source")
        verbose_name_plural = _("wire sources")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["ninjs", "feed", "newsml"]), name="incoming_source_kind"),
            models.CheckConstraint(condition=Q(poll_seconds__gte=10), name="incoming_source_poll_seconds"),
        ]
        indexes = [models.Index(fields=["active", "next_poll_at"], name="incoming_source_due")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:incoming_source_change", args=[self.pk])

    def clean(self):
        if self.kind == self.Kind.NEWSML:
            if self.drop_folder() is None:
                raise ValidationError({"address": _("Name a folder inside the drop folder, e.g. «kazinform».")})
        elif self.address:
            try:
                URLValidator(schemes=["http", "https"])(self.address)
            except ValidationError:
                raise ValidationError({"address": _("Enter the address as https://… (or http://…).")}) from None

    def drop_folder(self) -> Path | None:
        """A NewsML-G2 source's folder, or None when its address leaves ``INCOMING_DROP_ROOT``."""
        root = Path(settings.INCOMING_DROP_ROOT).resolve()
        name = self.address.strip().strip("/")
        if not name:
            return None
        folder = (root / name).resolve()
        return folder if folder.is_relative_to(root) and folder != root else None

    def idle_since(self, now: dt.datetime | None = None) -> dt.datetime | None:
        """When the source went quiet, if it has been quiet longer than its idle alert."""
        if not self.active or self.idle_alert_minutes is None:
            return None
        since = self.item_at or self.created_at
        now = now or timezone.now()
        return since if since and now - since > dt.timedelta(minutes=self.idle_alert_minutes) else None


class RoutingRule(PlainTextMixin, models.Model):
    """Items of a source whose subjects, keywords or headline name one of ``words`` go to
    ``section`` when taken, and (``notify``) are shown to the editors on the desk."""

    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="rules")
    words = models.CharField(
        _("subjects or keywords"),
        max_length=500,
        help_text=_("Separated by commas, e.g. «экономика, нефть, economy». Any one of them is a match."),
    )
    section = models.ForeignKey(
        "articles.Section", verbose_name=_("section"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    notify = models.BooleanField(_("show to editors on the desk"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.words

    def terms(self) -> list[str]:
        return [word.strip().casefold() for word in self.words.split(",") if word.strip()]


class Item(models.Model):
    """The newest version of one story from a source (``ItemVersion`` keeps the earlier ones)."""

    class Status(models.TextChoices):
        USABLE = "usable", _("usable")
        WITHHELD = "withheld", _("withheld")
        CANCELED = "canceled", _("canceled")

    source = models.ForeignKey(  # indexed by incoming_item_source_newest and the unique guid
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="items", db_index=False
    )
    guid = models.CharField(_("source's id"), max_length=500)
    version = models.CharField(_("version"), max_length=50, blank=True)
    digest = models.CharField(max_length=64)  # of what the desk shows: a changed text without a version
    headline = models.CharField(_("headline"), max_length=1000)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True)  # sanitised (newsroom.html.sanitize_html)
    language = models.CharField(_("language"), max_length=2, blank=True)
    urgency = models.PositiveSmallIntegerField(_("urgency"), null=True, blank=True)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    byline = models.CharField(_("byline"), max_length=500, blank=True)
    dateline = models.CharField(_("dateline"), max_length=300, blank=True)
    url = models.CharField(_("original link"), max_length=2000, blank=True)
    pictures = models.JSONField(_("pictures"), default=list, blank=True)  # [{url, credit, description, guid}]
    firstcreated = models.DateTimeField(_("first published"), null=True, blank=True)
    versioncreated = models.DateTimeField(_("version published"), null=True, blank=True)
    embargoed = models.DateTimeField(_("embargoed until"), null=True, blank=True)
    pubstatus = models.CharField(_("status"), max_length=10, choices=Status, default=Status.USABLE)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    updated_at = models.DateTimeField(_("last version received"), default=timezone.now)
    raw = models.TextField(_("as received"), blank=True)
    section = models.ForeignKey(  # by the source's routing rules, or its default section
        "articles.Section",
        verbose_name=_("section"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    flagged = models.BooleanField(_("shown to editors"), default=False)  # a rule with ``notify`` matched
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wire_items",
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("wire item", "taken by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_at = models.DateTimeField(pgettext_lazy("wire item", "taken"), null=True, blank=True)
    taken_version = models.CharField(max_length=50, blank=True)
    taken_digest = models.CharField(max_length=64, blank=True)  # the version the article was made from

    class Meta:
        verbose_name = _("wire item")
        verbose_name_plural = _("wire items")
        ordering = ["-received_at", "-pk"]
        permissions = [("take_item", _("Can take a wire item to the desk"))]
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="incoming_item_source_guid"),
            models.CheckConstraint(
                condition=Q(pubstatus__in=["usable", "withheld", "canceled"]), name="incoming_item_pubstatus"
            ),
        ]
        # The desk's list: newest first, whole or by one filter; each index ends in the order.
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="incoming_item_newest"),
            models.Index(fields=["source", "-received_at", "-id"], name="incoming_item_source_newest"),
            models.Index(fields=["language", "-received_at", "-id"], name="incoming_item_language_newest"),
            models.Index(fields=["source", "language", "-received_at", "-id"], name="incoming_item_source_lang"),
            models.Index(
                fields=["-received_at", "-id"], condition=Q(urgency__lte=URGENT), name="incoming_item_urgent_newest"
            ),
            models.Index(
                fields=["-received_at", "-id"], condition=Q(article__isnull=True), name="incoming_item_untaken_newest"
            ),
            models.Index(
                fields=["-received_at", "-id"], condition=Q(flagged=True), name="incoming_item_flagged_newest"
            ),
            models.Index(
                fields=["-received_at", "-id"], condition=~Q(pubstatus="usable"), name="incoming_item_killed_newest"
            ),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("admin:incoming_item_change", args=[self.pk])

    @property
    def is_urgent(self) -> bool:
        return self.urgency is not None and self.urgency <= URGENT

    @property
    def corrected_since_taken(self) -> bool:
        return bool(self.article_id) and self.taken_digest != self.digest


class ItemVersion(models.Model):
    """An earlier version of an item, kept when a newer one replaced it."""

    item = models.ForeignKey(Item, verbose_name=_("wire item"), on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(_("version"), max_length=50, blank=True)
    digest = models.CharField(max_length=64)
    headline = models.CharField(_("headline"), max_length=1000)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True)
    pubstatus = models.CharField(_("status"), max_length=10, choices=Item.Status, default=Item.Status.USABLE)
    versioncreated = models.DateTimeField(_("version published"), null=True, blank=True)
    embargoed = models.DateTimeField(_("embargoed until"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"))
    raw = models.TextField(_("as received"), blank=True)

    class Meta:
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["item", "digest"], name="incoming_version_item_digest")]

    def __str__(self):
        return f"{self.headline} ({self.version})" if self.version else self.headline


class TakenPicture(models.Model):
    """A partner's picture already downloaded into the photo library: never downloaded twice."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=2000)  # the picture's guid, or its address
    photo = models.ForeignKey("photos.Photo", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="incoming_picture_source_key")]

    def __str__(self):
        return self.key


class DeskLook(models.Model):
    """When a journalist last looked at the Incoming list: newer items are marked as new."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    looked_at = models.DateTimeField()
    previous_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.user}: {self.looked_at}"

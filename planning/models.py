"""The day's plan (Event, Assignment), editors' comments on drafts (ArticleComment), and the
newsroom's notifications (Notification, sent to each person as a NotificationRecipient)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from articles.models import Article, Section
from newsroom.text import PlainTextMixin


class Event(PlainTextMixin, models.Model):
    """Something happening that the newsroom may cover: a briefing, a summit, a decision. Times
    are stored in UTC and shown in newsroom time. An event may repeat daily or weekly (until a
    date); events imported from an organiser's calendar keep its UID, so a second import of
    the same file updates them instead of doubling them."""

    class Repeat(models.TextChoices):
        NONE = "", _("Does not repeat")
        DAILY = "daily", _("Every day")
        WEEKLY = "weekly", _("Every week")

    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    contacts = models.TextField(_("contacts"), blank=True, help_text=_("Press office, phone numbers, accreditation."))
    url = models.URLField(_("link"), max_length=2000, blank=True)
    repeat = models.CharField(_("repeats"), max_length=10, choices=Repeat, default=Repeat.NONE, blank=True)
    repeat_until = models.DateField(_("repeats until"), null=True, blank=True)
    # An imported event: its calendar's UID and, for one occurrence of a repeating one, its
    # RECURRENCE-ID.
    ics_uid = models.CharField(_("calendar UID"), max_length=500, blank=True, editable=False)
    ics_occurrence = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"], name="planning_event_starts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="planning_event_ends_after_start",
                violation_error_message=_("An event cannot end before it starts."),
            ),
            models.CheckConstraint(condition=Q(repeat__in=["", "daily", "weekly"]), name="planning_event_repeat_valid"),
            # An imported event once: by UID alone, or by UID and occurrence for one occurrence
            # of a repeating event (two partial indexes: SQLite has no NULLS NOT DISTINCT).
            models.UniqueConstraint(
                fields=["ics_uid"],
                condition=~Q(ics_uid="") & Q(ics_occurrence__isnull=True),
                name="planning_event_ics_once",
            ),
            models.UniqueConstraint(
                fields=["ics_uid", "ics_occurrence"],
                condition=~Q(ics_uid="") & Q(ics_occurrence__isnull=False),
                name="planning_event_ics_occurrence_once",
            ),
        ]

    def __str__(self):
        return self.title


class AssignmentQuerySet(models.QuerySet):
    def with_state_now(self, *, at: dt.datetime | None = None):
        """``state_now`` on each row: its stored state, or "published" once its article is in
        ``Article.objects.published()`` (at ``at``, now unless given), decided in the query, so
        publishing the article needs no signal or job to mark the assignment."""
        published = Article.objects.published(at=at or timezone.now()).filter(pk=OuterRef("article_id"))
        return self.annotate(
            state_now=Case(When(Exists(published), then=Value(Assignment.PUBLISHED)), default=F("state"))
        )


class Assignment(PlainTextMixin, models.Model):
    """One piece of coverage: who covers what, by when. Fulfilled by an article; "published" is
    not stored but read from that article at query time (``state_now``), as publication is."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        FILED = "filed", _("Filed")
        CANCELLED = "cancelled", _("Cancelled")

    # What a reader of the budget sees: the stored state, or "published" once the article is.
    PUBLISHED = "published"

    slug = models.SlugField(
        pgettext_lazy("assignment", "working title"),
        max_length=120,
        allow_unicode=True,
        help_text=_("A short name for the story, e.g. «нацбанк-ставка»."),
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language"), max_length=2, choices=Article.Language, default=Article.Language.RUSSIAN)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.TEXT)
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignees"),
        blank=True,
        related_name="assignments",
        help_text=_("Nobody: offered to the desk, and any journalist may take it."),
    )
    due_at = models.DateTimeField(_("due"))
    notes = models.TextField(_("notes"), blank=True)
    event = models.ForeignKey(
        Event, verbose_name=_("event"), null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )
    state = models.CharField(_("state"), max_length=12, choices=State, default=State.PLANNED)
    article = models.OneToOneField(
        Article,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignment",
        help_text=_("The article that fulfils the assignment."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["due_at"], name="planning_assignment_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["planned", "in_progress", "filed", "cancelled"]),
                name="planning_assignment_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["text", "photo", "video"]), name="planning_assignment_kind_valid"
            ),
        ]

    def __str__(self):
        return self.slug

    def get_state_now_display(self) -> str:
        """The state a reader of the budget sees (``with_state_now``), in words."""
        state = getattr(self, "state_now", self.state)
        return str(_("Published")) if state == self.PUBLISHED else str(self.State(state).label)


class Budget(Assignment):
    """The story budget: the day's assignments as one admin page (``/admin/planning/budget/``).
    A proxy, so that the admin gives the page its address and its place in the menu."""

    class Meta:
        proxy = True
        verbose_name = _("story budget")
        verbose_name_plural = _("story budget")
        default_permissions = ()


class ArticleComment(PlainTextMixin, models.Model):
    """A remark on an article in the newsroom's hands, never shown to readers. Plain text with
    @mentions (a colleague's username); optionally the passage it is about, as quoted."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    quote = models.TextField(_("passage"), blank=True, help_text=_("The text the comment is about, as selected."))
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("mentioned"), blank=True, related_name="mentioned_in_comments"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            # The article list's open comments per article.
            models.Index(fields=["article"], condition=Q(resolved_at__isnull=True), name="planning_comment_open"),
        ]

    def __str__(self):
        return self.text[:80]


class Notification(models.Model):
    """Something that happened that people should know of: who did what, on which article (or
    assignment), with a link. Written once, however many are notified (``recipients``)."""

    class Verb(models.TextChoices):
        ASSIGNED = "assigned", _("assigned you")
        MENTIONED = "mentioned", _("mentioned you")
        COMMENTED = "commented", _("commented on your article")
        SENT_BACK = "sent_back", _("sent your article back")
        PUBLISHED = "published", _("published your article")
        WITHDRAWN = "withdrawn", _("withdrew your article")
        CORRECTED = "corrected", _("corrected a wire item you took")

    verb = models.CharField(_("what happened"), max_length=20, choices=Verb)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.TextField(_("text"), blank=True, help_text=_("The comment, or what else the notice quotes."))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("notified"),
        through="NotificationRecipient",
        related_name="notifications",
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.actor} {self.get_verb_display()}"


class NotificationRecipient(models.Model):
    """One person's copy of a notification: read or not, and its email if they asked for mail.
    The email's state is recorded before the send (``sending``) and after it, as the Telegram
    outbox does: a send whose outcome is unknown is shown, never repeated by itself."""

    class Email(models.TextChoices):
        NONE = "", _("No email")
        PENDING = "pending", _("Waiting")
        DIGEST = "digest", _("In the next digest")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNKNOWN = "unknown", _("Unknown")

    notification = models.ForeignKey(
        Notification, verbose_name=_("notification"), on_delete=models.CASCADE, related_name="deliveries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    # Copied from the notification: the inbox pages by (user, created_at, id) from one index.
    created_at = models.DateTimeField(_("time"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email = models.CharField(_("email"), max_length=10, choices=Email, default=Email.NONE, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    email_next_attempt_at = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    email_error = models.TextField(_("email error"), blank=True)

    class Meta:
        verbose_name = _("notified person")
        verbose_name_plural = _("notified people")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "user"], name="planning_recipient_once"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="planning_inbox"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="planning_inbox_unread"),
            models.Index(
                fields=["email", "email_next_attempt_at"],
                condition=Q(email__in=["pending", "digest", "sending"]),
                name="planning_email_due",
            ),
        ]

    def __str__(self):
        return f"{self.user} ← {self.notification}"


class NotificationSettings(models.Model):
    """How a person wants their notifications by email: never (the default), at once, or an
    hourly digest; and in which language the mail is written."""

    class Email(models.TextChoices):
        OFF = "off", _("No email")
        IMMEDIATE = "immediate", _("Each at once")
        HOURLY = "hourly", _("An hourly digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_settings",
    )
    email = models.CharField(_("email"), max_length=10, choices=Email, default=Email.OFF)
    # The admin's language is a cookie of the browser; mail is written in the one chosen here.
    language = models.CharField(
        _("language of the mail"), max_length=2, choices=Article.Language, default=Article.Language.RUSSIAN
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return f"{self.user}: {self.get_email_display()}"

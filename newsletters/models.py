"""Newsletters by email: the newsletters (Newsletter), their readers (Subscriber, Subscription),
the addresses never mailed (Suppression), each edition (Issue, IssueArticle) and its outbox
(Delivery: one row per issue and reader, recorded before the send)."""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from articles.models import Article
from newsroom.text import PlainTextMixin


def new_token() -> str:
    """A subscriber's secret: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class NewsletterQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Newsletter(PlainTextMixin, models.Model):
    """A newsletter readers may take: its language, when it goes out (daily or weekly at a time
    in newsroom time, or by hand), and how its issues are filled (automatically, or by an
    editor who picks the articles)."""

    class Schedule(models.TextChoices):
        DAILY = "daily", _("Every day")
        WEEKLY = "weekly", _("Every week")
        MANUAL = "manual", _("By hand (breaking news)")

    class Fill(models.TextChoices):
        AUTOMATIC = "auto", _("Automatically: the main story, the top block and the most read")
        EDITOR = "editor", _("By an editor, who picks and orders the articles")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address name"), max_length=100, unique=True)
    description = models.CharField(
        _("description"), max_length=300, blank=True, help_text=_("Shown on the signup form.")
    )
    language = models.CharField(_("language"), max_length=2, choices=Article.Language, default=Article.Language.RUSSIAN)
    schedule = models.CharField(_("schedule"), max_length=10, choices=Schedule, default=Schedule.DAILY)
    send_time = models.TimeField(_("sent at"), default=dt.time(8, 0), help_text=_("Newsroom time (Almaty)."))
    weekday = models.PositiveSmallIntegerField(
        _("day of the week"), choices=Weekday, default=Weekday.MONDAY, help_text=_("For a weekly newsletter.")
    )
    fill = models.CharField(_("filled"), max_length=10, choices=Fill, default=Fill.AUTOMATIC)
    from_name = models.CharField(_("From name"), max_length=200, blank=True, help_text=_("Empty: the agency's name."))
    from_email = models.EmailField(
        _("From address"), blank=True, help_text=_("Empty: the site's address (DEFAULT_FROM_EMAIL).")
    )
    utm_campaign = models.SlugField(
        _("UTM campaign"),
        max_length=100,
        blank=True,
        help_text=_("When set, links carry utm_source=newsletter, utm_medium=email and this campaign."),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Offered to readers and sent."))
    position = models.PositiveSmallIntegerField(pgettext_lazy("place in a list", "position"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = NewsletterQuerySet.as_manager()

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(schedule__in=["daily", "weekly", "manual"]), name="newsletter_schedule"),
            models.CheckConstraint(condition=Q(fill__in=["auto", "editor"]), name="newsletter_fill"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="newsletter_weekday"),
            models.CheckConstraint(condition=Q(language__in=["ru", "kk", "en"]), name="newsletter_language"),
        ]

    def __str__(self):
        return self.name

    def slot_at(self, now: dt.datetime) -> dt.datetime | None:
        """The latest moment this newsletter was due to go out, at or before ``now``; None for one
        sent by hand. Daily: today's (or yesterday's) time; weekly: that weekday's."""
        if self.schedule == self.Schedule.MANUAL:
            return None
        local = timezone.localtime(now)
        due = timezone.make_aware(dt.datetime.combine(local.date(), self.send_time))
        if self.schedule == self.Schedule.DAILY:
            return due if due <= now else due - dt.timedelta(days=1)
        due -= dt.timedelta(days=(local.weekday() - self.weekday) % 7)
        return due if due <= now else due - dt.timedelta(days=7)

    def period(self) -> dt.timedelta:
        """How far back an automatic issue looks for news."""
        return dt.timedelta(days=7) if self.schedule == self.Schedule.WEEKLY else dt.timedelta(days=1)


class SubscriberQuerySet(models.QuerySet):
    def by_email(self, email: str):
        return self.filter(email__iexact=email.strip())


class Subscriber(models.Model):
    """A reader's address. Unconfirmed until they follow the confirmation mail's link (and
    forgotten after ``NEWSLETTER_UNCONFIRMED_DAYS``); ``token`` is their key to the preferences
    page and the unsubscribe links. The signup's IP address and browser are the proof of
    consent (docs/newsletters.md says how long they are kept)."""

    class ConfirmState(models.TextChoices):
        NONE = "", _("None")
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNKNOWN = "unknown", _("Unknown: may have been sent")

    email = models.EmailField(_("email"), max_length=254)
    language = models.CharField(_("language"), max_length=2, choices=Article.Language, default=Article.Language.RUSSIAN)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    signup_ip = models.GenericIPAddressField(_("signup IP address"), null=True, blank=True)
    signup_user_agent = models.CharField(_("signup browser"), max_length=500, blank=True)
    left_at = models.DateTimeField(_("left every newsletter"), null=True, blank=True)
    # The confirmation mail's outbox row: asked for (``pending``), then ``sending`` before the send
    # and ``sent`` after it, as deliveries are.
    confirm_state = models.CharField(
        _("confirmation mail"), max_length=10, choices=ConfirmState, default=ConfirmState.NONE, blank=True
    )
    confirm_requested_at = models.DateTimeField(_("confirmation asked"), null=True, blank=True, editable=False)
    confirm_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    confirm_next_attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirm_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirm_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True, editable=False)
    confirm_error = models.CharField(_("confirmation mail error"), max_length=1000, blank=True, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_email_once"),
            models.CheckConstraint(condition=Q(language__in=["ru", "kk", "en"]), name="newsletter_subscriber_language"),
            models.CheckConstraint(
                condition=Q(confirm_state__in=["", "pending", "sending", "sent", "failed", "unknown"]),
                name="newsletter_subscriber_confirm_state",
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(confirmed_at__isnull=True), name="newsletter_unconfirmed"),
            models.Index(
                fields=["confirm_next_attempt_at"],
                condition=Q(confirm_state__in=["pending", "sending"]),
                name="newsletter_confirm_due",
            ),
        ]

    def __str__(self):
        return self.email


class Subscription(models.Model):
    """A reader's wish for one newsletter: asked for at signup, in force once confirmed, and
    ended on its own by an unsubscribe."""

    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    newsletter = models.ForeignKey(
        Newsletter, verbose_name=_("newsletter"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    requested_at = models.DateTimeField(_("asked for"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "newsletter"], name="newsletter_subscription_once"),
        ]
        indexes = [
            models.Index(
                fields=["newsletter", "subscriber"],
                condition=Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True),
                name="newsletter_subscription_on",
            ),
        ]

    def __str__(self):
        return f"{self.subscriber} → {self.newsletter}"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Suppression(models.Model):
    """An address that must never get a newsletter: a hard bounce, a complaint, a request."""

    class Reason(models.TextChoices):
        BOUNCE = "bounce", _("Hard bounce")
        COMPLAINT = "complaint", _("Spam complaint")
        REQUEST = "request", _("The reader's request")
        IMPORT = "import", _("Imported")

    email = models.EmailField(_("email"), max_length=254)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason, default=Reason.REQUEST)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_suppression_email_once"),
            models.CheckConstraint(
                condition=Q(reason__in=["bounce", "complaint", "request", "import"]),
                name="newsletter_suppression_reason",
            ),
        ]

    def __str__(self):
        return self.email


class Issue(PlainTextMixin, models.Model):
    """One edition of a newsletter: its articles in order, subject and preheader; a draft until an
    editor schedules it (or the schedule builds it), then sending and sent. ``empty``: the
    schedule found no news, so nothing went out."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        EMPTY = "empty", _("Not sent: no news")

    newsletter = models.ForeignKey(
        Newsletter, verbose_name=_("newsletter"), on_delete=models.PROTECT, related_name="issues"
    )
    subject = models.CharField(_("subject"), max_length=200)
    preheader = models.CharField(
        _("preheader"), max_length=200, blank=True, help_text=_("The line mail programs show after the subject.")
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.DRAFT)
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    # The schedule's slot an automatic issue was built for: one issue per slot.
    slot = models.DateTimeField(null=True, blank=True, editable=False)
    articles = models.ManyToManyField(Article, through="IssueArticle", verbose_name=_("articles"), related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True, editable=False)
    recipients = models.PositiveIntegerField(_("recipients"), null=True, blank=True, editable=False)
    last_error = models.CharField(_("last error"), max_length=1000, blank=True, editable=False)

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["draft", "scheduled", "sending", "sent", "empty"]), name="newsletter_issue_state"
            ),
            models.UniqueConstraint(fields=["newsletter", "slot"], name="newsletter_issue_slot_once"),
        ]
        indexes = [
            models.Index(
                fields=["state", "send_at"],
                condition=Q(state__in=["scheduled", "sending"]),
                name="newsletter_issue_due",
            ),
        ]

    def __str__(self):
        return self.subject


class IssueArticle(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(pgettext_lazy("place in a list", "position"), default=0)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["issue", "article"], name="newsletter_issue_article_once")]

    def __str__(self):
        return self.article.title


class Delivery(models.Model):
    """One issue's mail to one reader: the outbox row that makes "never twice" hold. Written
    ``pending`` when the issue starts; ``sending`` (with its batch's ``claim``) before the send,
    ``sent`` after. A batch's mails go in ``pk`` order, so of a dead worker's batch only the first
    unsent row may have reached the server: that one becomes ``unknown`` (shown, never sent again
    by itself), the rest go back to ``pending``."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped: unsubscribed or suppressed")
        FAILED = "failed", _("Failed")
        UNKNOWN = "unknown", _("Unknown: may have been sent")

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="deliveries"
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="newsletter_delivery_once"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sending", "sent", "skipped", "failed", "unknown"]),
                name="newsletter_delivery_state",
            ),
        ]
        indexes = [
            models.Index(
                fields=["issue", "next_attempt_at", "id"], condition=Q(state="pending"), name="newsletter_delivery_due"
            ),
            models.Index(fields=["claimed_at"], condition=Q(state="sending"), name="newsletter_delivery_sending"),
            models.Index(fields=["issue", "state"], name="newsletter_delivery_state_ix"),
            models.Index(fields=["sent_at"], condition=Q(state="sent"), name="newsletter_delivery_sent"),
        ]

    def __str__(self):
        return f"{self.issue} → {self.subscriber}"

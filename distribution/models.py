"""What leaves the site: partner API keys (the key's hash only), the agency's Telegram channels and
the record of each post and follow-up sent to them."""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A key reads "nrk_<prefix>_<secret>": the prefix finds the row (and tells an editor which key a
# partner holds), the secret is only ever stored as its SHA-256.
KEY_SCHEME = "nrk"
PREFIX_LENGTH = 8


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """One partner's key to the partner API (``distribution.api``). Made by
    ``manage.py create_api_key NAME``, which prints the key once; revoked in the admin."""

    name = models.CharField(_("partner"), max_length=200, help_text=_("Who holds the key, e.g. «Kazinform, лента»."))
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    embargoed_content = models.BooleanField(
        _("embargoed content"),
        default=False,
        help_text=_(
            "The partner also gets the articles an editor released to partners before their publication time, "
            "marked as embargoed until then. Only for partners bound by a written agreement to keep embargoes."
        ),
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, name: str, *, by=None) -> tuple["ApiKey", str]:
        """A new key for ``name``: the saved row and the key, which exists nowhere else."""
        while True:
            prefix = secrets.token_hex(PREFIX_LENGTH // 2)
            if not cls.objects.filter(prefix=prefix).exists():
                break
        secret = secrets.token_urlsafe(32)
        key = cls.objects.create(name=name, prefix=prefix, key_hash=hash_secret(secret), created_by=by)
        return key, f"{KEY_SCHEME}_{prefix}_{secret}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


# -- Telegram ---------------------------------------------------------------------------------


class TelegramChannel(models.Model):
    """One of the agency's Telegram channels and the bot that posts to it. Every article
    published while the channel is active, in its languages and sections, gets one post
    (``distribution.telegram``)."""

    name = models.CharField(_("name"), max_length=200, help_text=_("For editors, e.g. «DKNews на русском»."))
    chat_id = models.CharField(
        _("chat"),
        max_length=100,
        validators=[
            RegexValidator(
                r"^(@[A-Za-z][A-Za-z0-9_]{3,}|-?[0-9]+)$",
                _("Enter the channel's @username or its numeric id, e.g. -1001234567890."),
            )
        ],
        help_text=_("The channel's @username or its numeric id; the bot must be an administrator there."),
    )
    bot_token = models.CharField(_("bot token"), max_length=200)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("Articles in these languages only; none: all.")
    )
    sections = models.ManyToManyField(
        "articles.Section",
        verbose_name=_("sections"),
        blank=True,
        related_name="+",
        help_text=_("Articles in these sections only; none: all."),
    )
    active = models.BooleanField(
        pgettext_lazy("telegram channel", "posting"),
        default=True,
        help_text=_(
            "Switched off, the channel gets nothing; switched on again, it gets what is published from then on."
        ),
    )
    # Articles published from this moment on are posted: a new (or re-activated) channel does
    # not receive the archive.
    active_since = models.DateTimeField(_("posting since"), default=timezone.now, editable=False)
    # Telegram asked to wait (429): no request to this channel before then.
    wait_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Telegram channel")
        verbose_name_plural = _("Telegram channels")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def masked_token(self) -> str:
        """The token as editors see it: the bot's public id, never the secret part."""
        if not self.bot_token:
            return ""
        bot_id = self.bot_token.split(":", 1)[0]
        return f"{bot_id}:••••••••" if bot_id.isdigit() and ":" in self.bot_token else "••••••••"


class Delivery(models.Model):
    """What a post and a follow-up share: a request to Telegram and how it went."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNKNOWN = "unknown", _("Unknown: check the channel")

    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When its task (distribution.tasks) is queued to run: at once, or a retry's time.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # When the request in hand began (state "sending"): one left there longer than a request
    # can take belonged to a worker that died, and may have reached Telegram.
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class TelegramPost(Delivery):
    """One article, or one key event of a live blog (``entry``), in one channel: sent once,
    never twice by itself."""

    article = models.ForeignKey(
        "articles.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="telegram_posts"
    )
    # A live blog's key event (live.Entry) posted on its own; empty: the article's own post. Not
    # a database constraint: the row outlives a deleted entry, whose message is then deleted
    # (tasks.plan_follow_ups). Indexed by the unique constraint below.
    entry = models.ForeignKey(
        "live.Entry",
        verbose_name=_("live entry"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="telegram_posts",
    )
    channel = models.ForeignKey(
        TelegramChannel, verbose_name=_("channel"), on_delete=models.CASCADE, related_name="posts"
    )
    message_id = models.BigIntegerField(
        _("message number"),
        null=True,
        blank=True,
        help_text=_("The number at the end of the message's link (t.me/channel/123); updates edit this message."),
    )
    with_photo = models.BooleanField(_("with photo"), default=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The article's significant update the message shows: a later one edits the message.
    shown_update_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram post")
        verbose_name_plural = _("Telegram posts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "channel"],
                condition=Q(entry__isnull=True),
                name="distribution_post_once_per_channel",
            ),
            models.UniqueConstraint(
                fields=["entry", "channel"], condition=Q(entry__isnull=False), name="distribution_entry_post_once"
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="distribution_post_due")]

    def __str__(self):
        if self.entry_id is None:
            return f"{self.article} → {self.channel}"
        return f"{self.article} #{self.entry_id} → {self.channel}"

    @property
    def message_link(self) -> str:
        chat = self.channel.chat_id
        if self.message_id is None:
            return ""
        if chat.startswith("@"):
            return f"https://t.me/{chat[1:]}/{self.message_id}"
        if chat.startswith("-100"):  # a channel's numeric id: a private link, for its members
            return f"https://t.me/c/{chat[4:]}/{self.message_id}"
        return ""


class TelegramFollowUp(Delivery):
    """A change to a sent post: its message edited (a significant update or a correction) or
    deleted (the article withdrawn). Both are safe to repeat, so they are simply retried."""

    class Action(models.TextChoices):
        EDIT = "edit", _("Edit")
        DELETE = "delete", _("Delete")

    post = models.ForeignKey(TelegramPost, verbose_name=_("post"), on_delete=models.CASCADE, related_name="follow_ups")
    action = models.CharField(_("action"), max_length=10, choices=Action)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram follow-up")
        verbose_name_plural = _("Telegram follow-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post"], condition=Q(action="delete"), name="distribution_followup_one_delete"
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="distribution_followup_due")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.post}"

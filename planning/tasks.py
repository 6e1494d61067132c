"""Notification emails: the periodic job that sends them (settings.PERIODIC_JOBS, every
NOTIFICATION_EMAIL_SECONDS), through Django's default mailer (``settings.MAILERS``, made from the
EMAIL_* variables; none without EMAIL_HOST).

Each person's copy of a notification (``NotificationRecipient``) carries its email's state:

- ``pending`` (at once) and ``digest`` (the hourly digest, due at the next full hour) wait until
  ``email_next_attempt_at``;
- the job claims a due copy with one conditional UPDATE (``pending`` -> ``sending``, only one
  worker wins) and records that BEFORE the send; ``sent`` after it. A digest claims all of a
  person's due ``digest`` copies at once and sends them as one mail;
- a send that certainly did not reach the server (no connection, refused, a 4xx or 5xx reply
  before the message was accepted) goes back to waiting after a backoff, and after
  NOTIFICATION_EMAIL_MAX_ATTEMPTS is ``failed``;
- a send whose outcome is unknown (no answer after the message was sent, the connection lost
  then), or a copy left ``sending`` by a worker that died, becomes ``unknown``: never sent again
  by itself; the emails' list in the admin shows it and an editor may send it again.

Mails are written in each person's language (their settings), in plain text, with absolute
links (SITE_URL, else the publisher's domain).
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Agency
from newsroom.backoff import doubling
from newsroom.mail import Refused, Unknown, deliver, mail_timeout
from planning.models import NotificationRecipient, NotificationSettings

log = logging.getLogger("planning")
Email = NotificationRecipient.Email

backoff = doubling(first=60, longest=3600)  # seconds after each certain failure
BATCH = 200  # copies (or people, for digests) a run sends at most; the next run goes on


def send_notification_emails() -> str:
    """The periodic job: mark lost sends, then send the due immediate mails and digests."""
    if not settings.EMAIL_ENABLED:
        return "no mail server (EMAIL_HOST)"
    now = timezone.now()
    lost = mark_lost(now)
    due = NotificationRecipient.objects.filter(email_next_attempt_at__lte=now)
    counts = {"sent": 0, "retry": 0, "failed": 0, "unknown": 0}
    pending = due.filter(email=Email.PENDING).order_by("email_next_attempt_at", "pk").values_list("pk", flat=True)
    for pk in list(pending[:BATCH]):
        outcome = send_one(pk, now)
        if outcome:
            counts[outcome] += 1
    people = due.filter(email=Email.DIGEST).order_by("user_id").values_list("user_id", flat=True).distinct()[:BATCH]
    for user_id in list(people):
        outcome = send_digest(user_id, now)
        if outcome:
            counts[outcome] += 1
    done = ", ".join(f"{count} {name}" for name, count in counts.items())
    return f"emails: {done}, {lost} lost"


def mark_lost(now: dt.datetime) -> int:
    """Copies left ``sending`` longer than a send can take: their worker died mid-send."""
    stale = now - dt.timedelta(seconds=2 * mail_timeout() + 60)
    return NotificationRecipient.objects.filter(email=Email.SENDING, email_claimed_at__lt=stale).update(
        email=Email.UNKNOWN, email_error="The worker stopped during the send: the mail may have gone."
    )


def _claim(rows, now: dt.datetime, waiting: str) -> int:
    return rows.filter(email=waiting, email_next_attempt_at__lte=now).update(
        email=Email.SENDING, email_claimed_at=now, email_attempts=F("email_attempts") + 1
    )


def send_one(pk: int, now: dt.datetime) -> str | None:
    """Claim and send one immediate mail; its outcome, or None when another worker had it."""
    if not _claim(NotificationRecipient.objects.filter(pk=pk), now, Email.PENDING):
        return None
    copy = NotificationRecipient.objects.select_related(
        "user", "notification__actor", "notification__article", "notification__assignment"
    ).get(pk=pk)
    return _send([copy], copy.user, waiting=Email.PENDING, digest=False)


def send_digest(user_id: int, now: dt.datetime) -> str | None:
    """Claim all of a person's due digest copies and send them as one mail."""
    due = NotificationRecipient.objects.filter(user_id=user_id, email=Email.DIGEST, email_next_attempt_at__lte=now)
    ids = list(due.values_list("pk", flat=True))
    if not ids or not _claim(NotificationRecipient.objects.filter(pk__in=ids), now, Email.DIGEST):
        return None
    copies = list(
        NotificationRecipient.objects.filter(pk__in=ids, email=Email.SENDING, email_claimed_at=now)
        .select_related("user", "notification__actor", "notification__article", "notification__assignment")
        .order_by("created_at", "pk")
    )
    if not copies:
        return None
    return _send(copies, copies[0].user, waiting=Email.DIGEST, digest=True)


def _send(copies: list[NotificationRecipient], user, *, waiting: str, digest: bool) -> str:
    ids = [copy.pk for copy in copies]
    rows = NotificationRecipient.objects.filter(pk__in=ids, email=Email.SENDING)
    try:
        message = write_mail(copies, user, digest=digest)
        deliver(message)
    except Refused as error:
        attempts = copies[0].email_attempts
        if attempts >= settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS:
            rows.update(email=Email.FAILED, email_error=str(error)[:1000])
            log.warning("notification email to user %s failed after %s attempts: %s", user.pk, attempts, error)
            return "failed"
        later = timezone.now() + dt.timedelta(seconds=backoff(attempts))
        rows.update(email=waiting, email_next_attempt_at=later, email_error=str(error)[:1000])
        log.info("notification email to user %s refused, again at %s: %s", user.pk, later.isoformat(), error)
        return "retry"
    except Unknown as error:
        rows.update(email=Email.UNKNOWN, email_error=str(error)[:1000])
        log.warning("notification email to user %s: outcome unknown, not sent again: %s", user.pk, error)
        return "unknown"
    rows.update(email=Email.SENT, email_sent_at=timezone.now(), email_error="")
    return "sent"


# -- Writing ------------------------------------------------------------------------------------------


def line_of(copy: NotificationRecipient, base: str) -> dict:
    notification = copy.notification
    actor = notification.actor
    who = (actor.get_full_name() or actor.get_username()) if actor else _("A partner")
    url = notification.url
    if url.startswith("/"):
        url = f"{base}{url}" if base else ""
    return {
        "who": who,
        "what": notification.get_verb_display(),
        "article": notification.article.title if notification.article else "",
        "text": notification.text,
        "url": url,
        "time": timezone.localtime(notification.created_at),
    }


def write_mail(copies: list[NotificationRecipient], user, *, digest: bool) -> EmailMessage:
    settings_row = NotificationSettings.objects.filter(user=user).first()
    language = settings_row.language if settings_row else settings.LANGUAGE_CODE
    base = Agency.objects.site_url()
    with translation.override(language):
        lines = [line_of(copy, base) for copy in copies]
        if digest:
            subject = ngettext("%(count)s notification", "%(count)s notifications", len(lines)) % {"count": len(lines)}
        else:
            line = lines[0]
            subject = f"{line['who']} {line['what']}" + (f": {line['article']}" if line["article"] else "")
        settings_url = f"{base}{reverse('admin:planning_notification_settings')}" if base else ""
        body = render_to_string(
            "planning/email/notifications.txt",
            {"lines": lines, "digest": digest, "user": user, "settings_url": settings_url},
        )
    return EmailMessage(subject=subject[:200], body=body, to=[user.email], headers={"Content-Language": language})

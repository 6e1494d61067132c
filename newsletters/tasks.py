"""Sending newsletters: the periodic job (settings.PERIODIC_JOBS, every NEWSLETTER_POLL_SECONDS)
that sends confirmation mails, builds and starts the issues whose time has come, and sends
their deliveries, through Django's default mailer (``settings.MAILERS``, from EMAIL_*).

Never twice. Every mail has an outbox row (``Delivery``; a subscriber's confirmation fields)
written before the send:

- A run claims a batch of ``pending`` deliveries with one conditional UPDATE (``sending`` and
  the batch's random ``claim``: only one worker wins a row), then sends them in ``pk`` order
  over one connection, recording each one ``sent`` as the server takes it.
- A send that certainly did not reach the server goes back to ``pending`` after a backoff
  (``failed`` after NEWSLETTER_MAX_ATTEMPTS); one whose outcome is unknown becomes ``unknown``:
  never sent again by itself, counted on the issue's page, where an editor may send it again.
- A batch left ``sending`` by a worker that died (claimed longer ago than a live worker's batch
  can take: ``stale_before``): its first unsent row was perhaps in flight, so it becomes
  ``unknown``; the rows after it were never tried and go back to ``pending`` (their attempt not
  counted). Starting the worker again delivers the rest, once.
- An unsubscribed or suppressed reader's delivery is ``skipped`` when its batch is claimed,
  so an unsubscribe counts even in the middle of a send.

Pace: a run sends for at most NEWSLETTER_SEND_SECONDS, also in the middle of a batch (so the
worker's other jobs and tasks keep their turn, and a batch's claim never outlives
``stale_before``), and no more than NEWSLETTER_RATE_PER_MINUTE mails a minute.
"""

import datetime as dt
import logging
import time

from django.conf import settings
from django.db.models import Exists, F, Min, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import get_random_string

from newsletters.mail import confirmation_message, prepared_issue_message, render_issue
from newsletters.models import Delivery, Issue, Subscriber, Subscription, Suppression
from newsletters.services import forget_consent_proof, forget_unconfirmed, plan_scheduled_issues, start_due_issues
from newsroom.backoff import doubling
from newsroom.mail import Refused, Unknown, mail_timeout, send_messages

log = logging.getLogger("newsletters")
State = Delivery.State
Confirm = Subscriber.ConfirmState

BATCH = 100
backoff = doubling(first=60, longest=3600)  # seconds after each certain failure


def send_newsletters() -> str:
    """The periodic job. Without a mail server (no EMAIL_HOST) nothing is built, sent or
    started: confirmation mails and the issues editors scheduled wait, and the admin says why."""
    now = timezone.now()
    forgotten = forget_unconfirmed(now) + forget_consent_proof(now)
    if not settings.EMAIL_ENABLED:  # no issue is built either: none piles up to go out days late
        return f"no mail server (EMAIL_HOST); {forgotten} forgotten"
    built = plan_scheduled_issues(now)
    lost = mark_lost(now)
    deadline = time.monotonic() + settings.NEWSLETTER_SEND_SECONDS
    confirmations = send_confirmations(now, deadline=deadline)
    started = start_due_issues(now)
    counts = send_deliveries(deadline=deadline)
    finished = finish_issues()
    done = ", ".join(f"{count} {name}" for name, count in counts.items())
    return (
        f"{confirmations} confirmations; {built} built, {started} started, {finished} finished; "
        f"mails: {done}; {lost} lost"
    )


# How many exchanges with the mail server, each up to its timeout, a batch may wait for beyond
# its run's NEWSLETTER_SEND_SECONDS: opening the connection (connect, EHLO, STARTTLS, EHLO, AUTH)
# and the one mail in flight at the deadline (MAIL, RCPT, DATA, the message).
EXCHANGES = 10


def stale_before(now: dt.datetime) -> dt.datetime:
    """A claim older than this belongs to a worker that died: a live worker's batch (or
    confirmation mail) stops sending at its run's deadline, so it takes at most
    NEWSLETTER_SEND_SECONDS and ``EXCHANGES`` answers of the mail server, plus
    NEWSLETTER_STALE_MARGIN_SECONDS (the database's writes, the workers' clocks)."""
    seconds = settings.NEWSLETTER_SEND_SECONDS + EXCHANGES * mail_timeout() + settings.NEWSLETTER_STALE_MARGIN_SECONDS
    return now - dt.timedelta(seconds=seconds)


def mark_lost(now: dt.datetime) -> int:
    """Batches and confirmation mails left ``sending`` by a worker that died."""
    cutoff = stale_before(now)
    lost = 0
    claims = (
        Delivery.objects.filter(state=State.SENDING, claimed_at__lt=cutoff).values("claim").annotate(first=Min("pk"))
    )
    for row in claims:
        batch = Delivery.objects.filter(state=State.SENDING, claim=row["claim"])
        lost += batch.filter(pk=row["first"]).update(
            state=State.UNKNOWN, error="The worker stopped during this mail's send: it may have gone."
        )
        batch.exclude(pk=row["first"]).update(
            state=State.PENDING, claim="", claimed_at=None, attempts=F("attempts") - 1
        )
    lost += Subscriber.objects.filter(confirm_state=Confirm.SENDING, confirm_claimed_at__lt=cutoff).update(
        confirm_state=Confirm.UNKNOWN, confirm_error="The worker stopped during the send: the mail may have gone."
    )
    return lost


# -- Confirmation mails ------------------------------------------------------------------------------


def send_confirmations(now: dt.datetime, *, deadline: float) -> int:
    """The due confirmation mails, one connection each, until the run's ``deadline``. Each is
    claimed when its turn comes (its ``confirm_claimed_at`` then, not the run's start, or a slow
    run's last mails would look abandoned to another worker)."""
    due = Subscriber.objects.filter(confirm_state=Confirm.PENDING, confirm_next_attempt_at__lte=now)
    sent = 0
    for pk in list(due.order_by("confirm_next_attempt_at", "pk").values_list("pk", flat=True)[:BATCH]):
        if time.monotonic() >= deadline:
            break
        claimed = Subscriber.objects.filter(pk=pk, confirm_state=Confirm.PENDING).update(
            confirm_state=Confirm.SENDING,
            confirm_claimed_at=timezone.now(),
            confirm_attempts=F("confirm_attempts") + 1,
        )
        if not claimed:
            continue
        subscriber = Subscriber.objects.filter(pk=pk).first()
        if subscriber is None:  # erased by an editor since it was claimed
            continue
        outcome = next(send_messages([confirmation_message(subscriber)]))
        row = Subscriber.objects.filter(pk=pk, confirm_state=Confirm.SENDING)
        if outcome is None:
            row.update(confirm_state=Confirm.SENT, confirm_sent_at=timezone.now(), confirm_error="")
            sent += 1
        elif isinstance(outcome, Refused) and subscriber.confirm_attempts < settings.NEWSLETTER_MAX_ATTEMPTS:
            later = timezone.now() + dt.timedelta(seconds=backoff(subscriber.confirm_attempts))
            row.update(confirm_state=Confirm.PENDING, confirm_next_attempt_at=later, confirm_error=str(outcome)[:1000])
        else:
            state = Confirm.UNKNOWN if isinstance(outcome, Unknown) else Confirm.FAILED
            row.update(confirm_state=state, confirm_error=str(outcome)[:1000])
            log.warning("confirmation mail to subscriber %s: %s", pk, outcome)
    return sent


# -- Issues ------------------------------------------------------------------------------------------


def send_deliveries(*, deadline: float) -> dict[str, int]:
    """Send due deliveries of the issues being sent, batch by batch, until none is due, the
    run's time is up or the minute's rate is reached."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "unknown": 0, "skipped": 0}
    rendered: dict[int, object] = {}
    while time.monotonic() < deadline:
        allowed = rate_allowance()
        if allowed <= 0:
            break
        claim, rows = claim_batch(min(BATCH, allowed))
        if not rows:
            break
        for name, count in send_batch(claim, rows, rendered, deadline=deadline).items():
            counts[name] += count
    return counts


def rate_allowance() -> int:
    """How many more mails may go in this minute (NEWSLETTER_RATE_PER_MINUTE)."""
    since = timezone.now() - dt.timedelta(minutes=1)
    recent = Delivery.objects.filter(state=State.SENT, sent_at__gte=since).count()
    return settings.NEWSLETTER_RATE_PER_MINUTE - recent


def claim_batch(size: int) -> tuple[str, list[Delivery]]:
    """Claim up to ``size`` due deliveries of issues being sent, oldest issue first."""
    now = timezone.now()
    due = (
        Delivery.objects.filter(state=State.PENDING, next_attempt_at__lte=now, issue__state=Issue.State.SENDING)
        .order_by("issue_id", "pk")
        .values_list("pk", flat=True)[:size]
    )
    ids = list(due)
    if not ids:
        return "", []
    claim = get_random_string(32)
    Delivery.objects.filter(pk__in=ids, state=State.PENDING).update(
        state=State.SENDING, claim=claim, claimed_at=now, attempts=F("attempts") + 1
    )
    rows = list(
        Delivery.objects.filter(claim=claim, state=State.SENDING)
        .select_related("subscriber", "issue__newsletter")
        .order_by("pk")
    )
    return claim, skip_unwanted(rows)


def skip_unwanted(rows: list[Delivery]) -> list[Delivery]:
    """Mark ``skipped`` the rows whose reader left the newsletter or whose address is suppressed
    (as things are now, not when the issue started); the rest, to send."""
    if not rows:
        return rows
    subscribed = set(
        Subscription.objects.filter(
            subscriber_id__in={row.subscriber_id for row in rows},
            newsletter_id__in={row.issue.newsletter_id for row in rows},
            confirmed_at__isnull=False,
            unsubscribed_at__isnull=True,
        ).values_list("subscriber_id", "newsletter_id")
    )
    emails = {row.subscriber.email.lower() for row in rows}
    blocked = set(
        Suppression.objects.annotate(address=Lower("email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    )
    keep, skip = [], []
    for row in rows:
        wanted = (row.subscriber_id, row.issue.newsletter_id) in subscribed
        (keep if wanted and row.subscriber.email.lower() not in blocked else skip).append(row)
    if skip:
        Delivery.objects.filter(pk__in=[row.pk for row in skip], state=State.SENDING).update(state=State.SKIPPED)
    return keep


def send_batch(claim: str, rows: list[Delivery], rendered: dict, *, deadline: float) -> dict[str, int]:
    """Send a claimed batch in ``pk`` order over one connection, each outcome recorded before the
    next mail goes; at the run's ``deadline`` the rows not yet tried go back to ``pending``."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "unknown": 0, "skipped": 0}
    for row in rows:
        if row.issue_id not in rendered:
            rendered[row.issue_id] = render_issue(row.issue)

    def messages():
        for row in rows:
            if time.monotonic() >= deadline:
                return
            yield prepared_issue_message(rendered[row.issue_id], row.subscriber)

    tried = 0
    for row, outcome in zip(rows, send_messages(messages()), strict=False):
        tried += 1
        mine = Delivery.objects.filter(pk=row.pk, state=State.SENDING, claim=claim)
        if outcome is None:
            mine.update(state=State.SENT, sent_at=timezone.now(), error="")
            counts["sent"] += 1
        elif isinstance(outcome, Unknown):
            mine.update(state=State.UNKNOWN, error=str(outcome)[:1000])
            counts["unknown"] += 1
        elif row.attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
            mine.update(state=State.FAILED, error=str(outcome)[:1000])
            counts["failed"] += 1
        else:
            later = timezone.now() + dt.timedelta(seconds=backoff(row.attempts))
            mine.update(state=State.PENDING, claim="", next_attempt_at=later, error=str(outcome)[:1000])
            Issue.objects.filter(pk=row.issue_id).update(last_error=str(outcome)[:1000])
            counts["retry"] += 1
    untried = [row.pk for row in rows[tried:]]
    if untried:
        Delivery.objects.filter(pk__in=untried, state=State.SENDING, claim=claim).update(
            state=State.PENDING, claim="", claimed_at=None, attempts=F("attempts") - 1
        )
    return counts


def finish_issues() -> int:
    """Issues with no delivery left to send (nor in the middle of a send) are ``sent``."""
    open_rows = Delivery.objects.filter(issue=OuterRef("pk"), state__in=[State.PENDING, State.SENDING])
    done = Issue.objects.filter(state=Issue.State.SENDING, recipients__isnull=False).exclude(Exists(open_rows))
    return done.update(state=Issue.State.SENT, finished_at=timezone.now())

"""Every rule of newsletters: signing up (double opt-in), confirming, leaving one newsletter or
all, a reader's preferences, suppressed addresses, and building, scheduling and starting issues.
The sending itself is newsletters/tasks.py's."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from articles.models import Article
from newsletters.models import Delivery, Issue, IssueArticle, Newsletter, Subscriber, Subscription, Suppression
from readership.most_read import most_read

CONFIRM_SALT = "newsletters.confirm"
MAX_ARTICLES = 10  # in an automatic issue


class ConfirmError(Exception):
    """A confirmation link that is forged, expired, or whose address is gone."""


class IssueError(Exception):
    """An issue that cannot go (already sent, no articles, ...): the message says why."""


# -- Readers -------------------------------------------------------------------------------------


def suppressed(email: str) -> Suppression | None:
    return Suppression.objects.filter(email__iexact=email.strip()).first()


@transaction.atomic
def subscribe(
    *,
    email: str,
    newsletters: Iterable[Newsletter],
    language: str,
    ip: str | None = None,
    user_agent: str = "",
    now: dt.datetime | None = None,
) -> bool:
    """Ask for ``newsletters`` for ``email``: nothing is sent to it but a confirmation mail, and
    only the link in that mail turns the wish into subscriptions. Returns whether a confirmation
    mail was asked for: not when one went to this address less than
    ``NEWSLETTER_CONFIRM_INTERVAL_SECONDS`` ago, or when the address bounced or complained. The
    reader is told the same in every case, so the form never says whether an address is known.
    The worker sends the mail (newsletters/tasks.py)."""
    now = now or timezone.now()
    email = email.strip()
    subscriber = Subscriber.objects.select_for_update().by_email(email).first()
    if subscriber is None:
        try:
            with transaction.atomic():
                subscriber = Subscriber.objects.create(
                    email=email,
                    language=language,
                    created_at=now,
                    signup_ip=ip,
                    signup_user_agent=user_agent[:500],
                )
        except IntegrityError:  # the same address, signed up in the same instant
            subscriber = Subscriber.objects.select_for_update().by_email(email).get()
    elif subscriber.confirmed_at is None:  # asked again: the 7 days and the proof start again
        subscriber.language, subscriber.created_at = language, now
        subscriber.signup_ip, subscriber.signup_user_agent = ip, user_agent[:500]
        subscriber.save(update_fields=["language", "created_at", "signup_ip", "signup_user_agent"])
    for newsletter in newsletters:
        Subscription.objects.update_or_create(
            subscriber=subscriber, newsletter=newsletter, defaults={"requested_at": now}
        )
    block = suppressed(email)
    if block and block.reason in (Suppression.Reason.BOUNCE, Suppression.Reason.COMPLAINT):
        return False
    interval = dt.timedelta(seconds=settings.NEWSLETTER_CONFIRM_INTERVAL_SECONDS)
    if subscriber.confirm_requested_at and subscriber.confirm_requested_at > now - interval:
        return False
    Subscriber.objects.filter(pk=subscriber.pk).update(
        confirm_state=Subscriber.ConfirmState.PENDING,
        confirm_requested_at=now,
        confirm_next_attempt_at=now,
        confirm_attempts=0,
        confirm_error="",
    )
    return True


def confirmation_code(subscriber: Subscriber, *, at: dt.datetime | None = None) -> str:
    """The signed part of a confirmation link: the subscriber's token and the moment of asking."""
    moment = int((at or subscriber.confirm_requested_at or timezone.now()).timestamp())
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object({"t": subscriber.token, "at": moment})


@transaction.atomic
def confirm(*, code: str, now: dt.datetime | None = None) -> Subscriber:
    """Turn the wishes asked for up to the link's moment into subscriptions."""
    now = now or timezone.now()
    max_age = dt.timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS)
    try:
        data = signing.TimestampSigner(salt=CONFIRM_SALT).unsign_object(code, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ConfirmError(_("This confirmation link has expired. Sign up again to get a new one.")) from error
    except signing.BadSignature as error:
        raise ConfirmError(_("This confirmation link is not valid. Copy the whole link from the mail.")) from error
    subscriber = Subscriber.objects.select_for_update().filter(token=data.get("t", "")).first()
    if subscriber is None:
        raise ConfirmError(_("This confirmation link has expired. Sign up again to get a new one."))
    asked_by = dt.datetime.fromtimestamp(data.get("at", 0), tz=dt.UTC) + dt.timedelta(seconds=1)
    subscriber.subscriptions.filter(requested_at__lte=asked_by).filter(
        Q(confirmed_at__isnull=True) | Q(unsubscribed_at__isnull=False)
    ).update(confirmed_at=now, unsubscribed_at=None)
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = now
    subscriber.left_at = None
    subscriber.save(update_fields=["confirmed_at", "left_at"])
    # The reader asked again: a request (or an imported list's entry) no longer holds; a bounce
    # or a complaint does (no confirmation mail was sent to such an address).
    Suppression.objects.filter(
        email__iexact=subscriber.email, reason__in=[Suppression.Reason.REQUEST, Suppression.Reason.IMPORT]
    ).delete()
    return subscriber


def unsubscribe(*, subscriber: Subscriber, newsletter: Newsletter, now: dt.datetime | None = None) -> None:
    """Leave ``newsletter`` alone, at once: the next mail of it is skipped even mid-send."""
    now = now or timezone.now()
    Subscription.objects.filter(subscriber=subscriber, newsletter=newsletter, unsubscribed_at__isnull=True).update(
        unsubscribed_at=now
    )


def leave_everything(*, subscriber: Subscriber, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    subscriber.subscriptions.filter(unsubscribed_at__isnull=True).update(unsubscribed_at=now)
    Subscriber.objects.filter(pk=subscriber.pk).update(left_at=now)


@transaction.atomic
def save_preferences(
    *, subscriber: Subscriber, newsletters: Iterable[Newsletter], language: str, now: dt.datetime | None = None
) -> None:
    """The preferences page: exactly ``newsletters`` on (the reader proved the address by the
    mail's link), the others off, and the mails' language."""
    now = now or timezone.now()
    wanted = {newsletter.pk for newsletter in newsletters}
    for newsletter in Newsletter.objects.filter(pk__in=wanted):
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber, newsletter=newsletter, defaults={"requested_at": now, "confirmed_at": now}
        )
        if not created and not subscription.active:
            subscription.confirmed_at, subscription.unsubscribed_at = now, None
            subscription.save(update_fields=["confirmed_at", "unsubscribed_at"])
    offered = subscriber.subscriptions.filter(newsletter__active=True)  # a paused newsletter is not shown
    offered.exclude(newsletter__in=wanted).filter(unsubscribed_at__isnull=True).update(unsubscribed_at=now)
    subscriber.language = language
    subscriber.confirmed_at = subscriber.confirmed_at or now
    subscriber.left_at = None if wanted else now
    subscriber.save(update_fields=["language", "confirmed_at", "left_at"])


def suppress(emails: Iterable[str], *, reason: str, note: str = "") -> int:
    """Add addresses to the suppression list (those already there stay as they are); how many
    were new."""
    now = timezone.now()
    seen: set[str] = set()
    rows = []
    for email in emails:
        email = email.strip()
        if email and email.lower() not in seen:
            seen.add(email.lower())
            rows.append(Suppression(email=email, reason=reason, note=note[:500], created_at=now))
    before = Suppression.objects.count()
    Suppression.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return Suppression.objects.count() - before


def forget_unconfirmed(now: dt.datetime | None = None) -> int:
    """Addresses never confirmed within ``NEWSLETTER_UNCONFIRMED_DAYS`` are deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.NEWSLETTER_UNCONFIRMED_DAYS)
    deleted, _counts = Subscriber.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff).delete()
    return deleted


def forget_consent_proof(now: dt.datetime | None = None) -> int:
    """The signup's IP address and browser of readers who left everything more than
    ``NEWSLETTER_CONSENT_KEEP_DAYS`` ago are cleared (docs/newsletters.md)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.NEWSLETTER_CONSENT_KEEP_DAYS)
    old = Subscriber.objects.filter(left_at__lt=cutoff).exclude(signup_ip__isnull=True, signup_user_agent="")
    return old.update(signup_ip=None, signup_user_agent="")


# -- Issues --------------------------------------------------------------------------------------


def automatic_articles(newsletter: Newsletter, *, until: dt.datetime) -> list[Article]:
    """An automatic issue's articles: the main story and the top block published in the
    newsletter's period before ``until`` (main first, newest first), then the day's most read
    not among them; ``MAX_ARTICLES`` at most."""
    since = until - newsletter.period()
    placed = list(
        Article.objects.published(at=until)
        .filter(language=newsletter.language, publish_at__gt=since)
        .exclude(importance=Article.Importance.NORMAL)
        .annotate(
            is_main=Case(
                When(importance=Article.Importance.MAIN, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("-is_main", "-publish_at", "-pk")[:MAX_ARTICLES]
    )
    chosen = {article.pk for article in placed}
    read = [
        article
        for article in most_read(newsletter.language)
        if article.pk not in chosen and article.publish_at > since and article.publish_at <= until
    ]
    return (placed + read)[:MAX_ARTICLES]


def default_subject(newsletter: Newsletter, at: dt.datetime) -> str:
    with translation.override(newsletter.language):
        return f"{newsletter.name} — {date_format(timezone.localtime(at), 'j E Y')}"


def set_articles(issue: Issue, articles: Iterable[Article]) -> None:
    issue.items.all().delete()
    IssueArticle.objects.bulk_create(
        IssueArticle(issue=issue, article=article, position=position) for position, article in enumerate(articles)
    )


def plan_scheduled_issues(now: dt.datetime | None = None) -> int:
    """Build the issue of every automatic, scheduled newsletter whose time has come (once per
    slot, also when several workers look at once); a slot older than
    ``NEWSLETTER_LATE_HOURS`` is left out (a worker down all day does not send yesterday's
    morning news at night). An issue without news is recorded as ``empty``, not sent."""
    now = now or timezone.now()
    built = 0
    late = dt.timedelta(hours=settings.NEWSLETTER_LATE_HOURS)
    newsletters = (
        Newsletter.objects.active().filter(fill=Newsletter.Fill.AUTOMATIC).exclude(schedule=Newsletter.Schedule.MANUAL)
    )
    for newsletter in newsletters:
        slot = newsletter.slot_at(now)
        if slot is None or slot < now - late or slot < newsletter.created_at:
            continue
        if Issue.objects.filter(newsletter=newsletter, slot=slot).exists():
            continue
        articles = automatic_articles(newsletter, until=slot)
        try:
            with transaction.atomic():
                issue = Issue.objects.create(
                    newsletter=newsletter,
                    slot=slot,
                    subject=default_subject(newsletter, slot),
                    preheader=articles[0].title[:200] if articles else "",
                    state=Issue.State.SCHEDULED if articles else Issue.State.EMPTY,
                    send_at=slot,
                )
                set_articles(issue, articles)
        except IntegrityError:  # another worker built it
            continue
        built += 1
    return built


def issue_schedule(*, issue: Issue, at: dt.datetime | None = None, now: dt.datetime | None = None) -> Issue:
    """Send ``issue`` at ``at`` (now when None). Refused for an issue already on its way, or one
    without a published article."""
    now = now or timezone.now()
    if issue.state not in (Issue.State.DRAFT, Issue.State.SCHEDULED):
        raise IssueError(_("This issue has already been sent or is being sent."))
    if not shown_articles(issue, at=max(at or now, now)):
        raise IssueError(_("This issue has no published article: add one before sending."))
    updated = Issue.objects.filter(pk=issue.pk, state__in=[Issue.State.DRAFT, Issue.State.SCHEDULED]).update(
        state=Issue.State.SCHEDULED, send_at=at or now
    )
    if not updated:
        raise IssueError(_("This issue has already been sent or is being sent."))
    issue.refresh_from_db()
    return issue


def issue_unschedule(*, issue: Issue) -> Issue:
    if not Issue.objects.filter(pk=issue.pk, state=Issue.State.SCHEDULED).update(state=Issue.State.DRAFT):
        raise IssueError(_("Only a scheduled issue can go back to draft."))
    issue.refresh_from_db()
    return issue


def shown_articles(issue: Issue, *, at: dt.datetime | None = None) -> list[Article]:
    """The issue's articles in order, those published at ``at`` only: an article withdrawn after
    the issue was built never reaches a reader's inbox."""
    ids = list(issue.items.order_by("position", "pk").values_list("article_id", flat=True))
    found = Article.objects.published(at=at).filter(pk__in=ids).select_related("photo", "section")
    by_id = {article.pk: article for article in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def recipients(newsletter: Newsletter):
    """The readers an issue of ``newsletter`` goes to: confirmed, subscribed, not suppressed."""
    suppressed_rows = Suppression.objects.annotate(address=Lower("email")).filter(address=Lower(OuterRef("email")))
    return Subscriber.objects.filter(
        confirmed_at__isnull=False,
        subscriptions__newsletter=newsletter,
        subscriptions__confirmed_at__isnull=False,
        subscriptions__unsubscribed_at__isnull=True,
    ).exclude(Exists(suppressed_rows))


def start_due_issues(now: dt.datetime | None = None) -> int:
    """Scheduled issues whose time has come become ``sending``, with one ``pending`` delivery per
    recipient. Writing the deliveries is safe to repeat (a worker that died in the middle
    leaves ``recipients`` unset, and the next run finishes the list without doubling it)."""
    now = now or timezone.now()
    started = 0
    # A paused (inactive) newsletter's scheduled issues wait until it is active again.
    for issue in Issue.objects.filter(state=Issue.State.SCHEDULED, send_at__lte=now, newsletter__active=True):
        if not shown_articles(issue, at=now):
            Issue.objects.filter(pk=issue.pk, state=Issue.State.SCHEDULED).update(
                state=Issue.State.EMPTY, finished_at=now
            )
            continue
        if Issue.objects.filter(pk=issue.pk, state=Issue.State.SCHEDULED).update(
            state=Issue.State.SENDING, started_at=now, recipients=None
        ):
            started += 1
    for issue in Issue.objects.filter(state=Issue.State.SENDING, recipients__isnull=True).select_related("newsletter"):
        write_deliveries(issue, now=now)
    return started


def write_deliveries(issue: Issue, *, now: dt.datetime) -> int:
    ids = recipients(issue.newsletter).values_list("pk", flat=True).order_by("pk").iterator(chunk_size=5000)
    batch: list[Delivery] = []
    for pk in ids:
        batch.append(Delivery(issue=issue, subscriber_id=pk, next_attempt_at=now))
        if len(batch) >= 5000:
            Delivery.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Delivery.objects.bulk_create(batch, ignore_conflicts=True)
    count = Delivery.objects.filter(issue=issue).count()
    Issue.objects.filter(pk=issue.pk).update(recipients=count)
    return count


def deliveries_send_again(deliveries) -> int:
    """An editor's decision: unknown or failed deliveries go out again (their issue goes back to
    sending if it had finished)."""
    again = deliveries.filter(state__in=[Delivery.State.UNKNOWN, Delivery.State.FAILED])
    issues = set(again.values_list("issue_id", flat=True))
    count = again.update(state=Delivery.State.PENDING, next_attempt_at=timezone.now(), error="", claim="")
    Issue.objects.filter(pk__in=issues, state=Issue.State.SENT).update(state=Issue.State.SENDING, finished_at=None)
    return count

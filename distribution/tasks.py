"""The Telegram periodic job (settings.PERIODIC_JOBS): each published article posted once to each
matching channel, and the post edited or deleted when the article changes.

One run, every TELEGRAM_POLL_SECONDS in the worker:

1. ``plan_posts``: an article that reached readers since the channel was switched on (at once,
   at its scheduled second, or published again) and has no post there gets a pending one. The
   unique (article, channel) row is what makes a post happen once.
2. ``plan_follow_ups``: a sent post whose article has had a significant update (a correction,
   an update note, an editor's "significant" tick) since the message was written gets an edit;
   one whose article was withdrawn gets a delete.
3. ``mark_lost``: a post left "sending" longer than a request can take belonged to a worker that
   died mid-request; the message may be in the channel, so it becomes "unknown" and is never
   sent again by itself (editors choose "mark as sent" or "send again" in the admin). A
   follow-up left that way is simply tried again: editing or deleting twice does no harm.
4. ``send_due``: pending posts and follow-ups whose time has come, oldest first. A request that
   certainly failed (no connection, 5xx, 429) is retried with backoff, a 429 exactly after its
   ``retry_after``; one Telegram refused (400, 401, 403) fails at once with its description.

Readers never wait for any of this: the article is on the site at its second whatever the
worker does.
"""

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from articles.models import Article
from distribution import telegram
from distribution.models import Delivery, TelegramChannel, TelegramFollowUp, TelegramPost
from distribution.telegram import Answer, Result

log = logging.getLogger("distribution")

BATCH = 50  # requests per run at most: the worker's other jobs wait for this one
RUN_SECONDS = 30  # no new request after this long in one run (the rest wait for the next)
BACKOFF_SECONDS = 5  # after the first certain failure; doubling, at most BACKOFF_MAX_SECONDS
BACKOFF_MAX_SECONDS = 300
FOLLOW_UP_DAYS = 7  # a change this long after the article's last significant update is not chased
State = Delivery.State


def deliver_telegram() -> str:
    if not TelegramChannel.objects.exists():
        return "no channels"
    if not site_url():
        # A post links to the article: without the site's address nothing can go out. The
        # posts wait (planned later, nothing lost) and the channels' admin page says why.
        log.warning("Telegram: no post sent: the site's address is unknown (set SITE_URL or the publisher's domain)")
        return "no site address"
    planned = plan_posts()
    follow_ups = plan_follow_ups()
    lost = mark_lost()
    done = send_due()
    return f"{planned} posts and {follow_ups} follow-ups planned, {lost} lost, {done} requests"


def site_url() -> str:
    """The public site's address for links in posts: SITE_URL, else the publisher's domain."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    publisher = Agency.objects.publisher()
    return f"https://{publisher.domain.strip().lower()}" if publisher and publisher.domain.strip() else ""


def backoff(attempts: int) -> int:
    return min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)


# -- Planning ---------------------------------------------------------------------------------


def plan_posts() -> int:
    now = timezone.now()
    created = 0
    for channel in TelegramChannel.objects.filter(active=True).prefetch_related("sections"):
        since = max(channel.active_since, now - dt.timedelta(hours=settings.TELEGRAM_MAX_AGE_HOURS))
        # version_at (indexed) is at or after the moment each of these reached readers.
        articles = (
            Article.objects.published()
            .filter(version_at__gte=since)
            .filter(Q(publish_at__gte=since) | Q(status_changed_at__gte=since))
            .exclude(Exists(TelegramPost.objects.filter(article=OuterRef("pk"), channel=channel)))
        )
        if channel.languages:
            articles = articles.filter(language__in=channel.languages)
        section_ids = [section.pk for section in channel.sections.all()]
        if section_ids:
            articles = articles.filter(section_id__in=section_ids)
        ids = list(articles.order_by("publish_at", "pk").values_list("pk", flat=True)[: BATCH * 4])
        rows = [TelegramPost(article_id=pk, channel=channel, next_attempt_at=now) for pk in ids]
        created += len(TelegramPost.objects.bulk_create(rows, ignore_conflicts=True))
    return created


def plan_follow_ups() -> int:
    now = timezone.now()
    recent = now - dt.timedelta(days=FOLLOW_UP_DAYS)
    planned = 0
    sent = TelegramPost.objects.filter(state=State.SENT, message_id__isnull=False)
    # Withdrawn: delete the message (once), and drop edits that have not gone out.
    withdrawn = sent.filter(article__status=Article.Status.WITHDRAWN, article__status_changed_at__gte=recent).exclude(
        Exists(TelegramFollowUp.objects.filter(post=OuterRef("pk"), action=TelegramFollowUp.Action.DELETE))
    )
    for post in withdrawn[:BATCH]:
        try:
            with transaction.atomic():
                post.follow_ups.filter(action=TelegramFollowUp.Action.EDIT, state=State.PENDING).delete()
                TelegramFollowUp.objects.create(post=post, action=TelegramFollowUp.Action.DELETE, next_attempt_at=now)
        except IntegrityError:
            continue  # another worker's run planned it a moment ago
        planned += 1
    # A significant update the message does not show yet: edit it (one pending edit at a time;
    # it is written from the article as it is when it goes out).
    changed = sent.filter(article__status=Article.Status.PUBLISHED, article__significant_update_at__gte=recent).filter(
        Q(shown_update_at__isnull=True) | Q(shown_update_at__lt=F("article__significant_update_at"))
    )
    for post in changed.select_related("article")[:BATCH]:
        with transaction.atomic():
            waiting = post.follow_ups.filter(action=TelegramFollowUp.Action.EDIT, state=State.PENDING).exists()
            if not waiting:
                TelegramFollowUp.objects.create(post=post, action=TelegramFollowUp.Action.EDIT, next_attempt_at=now)
                planned += 1
            TelegramPost.objects.filter(pk=post.pk).update(shown_update_at=post.article.significant_update_at)
    return planned


def lost_after() -> dt.timedelta:
    """Longer than any request of ours takes (connect, send, wait for the answer)."""
    return dt.timedelta(seconds=2 * settings.TELEGRAM_TIMEOUT_SECONDS + 5)


def mark_lost() -> int:
    cutoff = timezone.now() - lost_after()
    lost = TelegramPost.objects.filter(state=State.SENDING, claimed_at__lt=cutoff).update(
        state=State.UNKNOWN,
        last_error=_(
            "The worker stopped while sending: the message may be in the channel. "
            "Check the channel, then mark the post as sent or send it again."
        ),
    )
    TelegramFollowUp.objects.filter(state=State.SENDING, claimed_at__lt=cutoff).update(
        state=State.PENDING, next_attempt_at=timezone.now()
    )
    if lost:
        log.warning("%d Telegram posts left unknown by a worker that stopped while sending", lost)
    return lost


# -- Sending ----------------------------------------------------------------------------------


def claim(model, row) -> dt.datetime | None:
    """Take a pending row for this run: one UPDATE that only one worker can win."""
    now = timezone.now()
    won = model.objects.filter(pk=row.pk, state=State.PENDING).update(
        state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not won:
        return None
    row.attempts += 1
    return now


def send_due() -> int:
    now = timezone.now()
    done = 0
    posts = (
        TelegramPost.objects.filter(state=State.PENDING, next_attempt_at__lte=now, channel__active=True)
        .select_related("channel", "article__photo")
        .order_by("next_attempt_at", "pk")
    )
    follow_ups = (
        TelegramFollowUp.objects.filter(state=State.PENDING, next_attempt_at__lte=now, post__channel__active=True)
        .select_related("post__channel", "post__article")
        .order_by("next_attempt_at", "pk")
    )
    base = None
    started = time.monotonic()
    for row in [*posts[:BATCH], *follow_ups[:BATCH]]:
        if time.monotonic() - started > RUN_SECONDS:
            break  # the worker has other jobs; the rest go out on the next run
        channel = row.channel if isinstance(row, TelegramPost) else row.post.channel
        channel.refresh_from_db(fields=["wait_until"])
        if channel.wait_until and channel.wait_until > timezone.now():
            continue  # Telegram asked us to wait
        if base is None:
            base = site_url()
        send = send_post if isinstance(row, TelegramPost) else send_follow_up
        answer = send(row, base)
        if answer is None:
            continue
        done += 1
        if answer.error_code is None and answer.result != Result.OK:
            # No answer from Telegram at all (unreachable, or not answering): the other
            # requests would wait just as long. They go out on a later run.
            break
    return done


def send_post(post: TelegramPost, base: str) -> Answer | None:
    """Send one pending post; Telegram's answer, or None when nothing was sent."""
    claimed_at = claim(TelegramPost, post)
    if claimed_at is None:
        return None
    article = post.article
    if not Article.objects.published().filter(pk=article.pk).exists():
        # Withdrawn or sent back before its post went out: nothing was sent, nothing to keep.
        TelegramPost.objects.filter(pk=post.pk, claimed_at=claimed_at).delete()
        return None
    message = telegram.message_for(article, url=base + article.get_absolute_url())
    photo_file = open_photo(article, message.photo)
    try:
        answer = telegram.send(post.channel.bot_token, post.channel.chat_id, message, photo_file)
    finally:
        if photo_file is not None:
            photo_file.close()
    shown = article.significant_update_at
    record_post(post, claimed_at, answer, with_photo=photo_file is not None, shown_update_at=shown)
    return answer


def open_photo(article, name: str | None):
    if name is None:
        return None
    storage = article.photo.image.storage
    for candidate in (name, article.photo.image.name):  # the rendition, else the original
        try:
            return storage.open(candidate, "rb")
        except OSError:
            continue
    return None  # no file at all: the post goes out as text


def record_post(post, claimed_at, answer: Answer, *, with_photo: bool, shown_update_at) -> None:
    now = timezone.now()
    mine = TelegramPost.objects.filter(pk=post.pk, claimed_at=claimed_at, state__in=[State.SENDING, State.UNKNOWN])
    if answer.result == Result.OK:
        message_id = answer.value.get("message_id") if isinstance(answer.value, dict) else None
        mine.update(
            state=State.SENT,
            message_id=message_id,
            sent_at=now,
            last_error="",
            with_photo=with_photo,
            shown_update_at=shown_update_at,
        )
        TelegramChannel.objects.filter(pk=post.channel_id).exclude(last_error="").update(last_error="")
        log.info("Telegram post %s sent to channel %s (message %s)", post.pk, post.channel_id, message_id)
        return
    note_failure(post.channel_id, answer)
    if answer.result == Result.RETRY and post.attempts < settings.TELEGRAM_MAX_ATTEMPTS:
        delay = answer.retry_after if answer.retry_after is not None else backoff(post.attempts)
        mine.update(state=State.PENDING, next_attempt_at=now + dt.timedelta(seconds=delay), last_error=answer.error)
        log.warning("Telegram post %s: %s; next attempt in %d s", post.pk, answer.error, delay)
    elif answer.result == Result.UNKNOWN:
        error = _("%(error)s: the message may be in the channel. Check it, then mark as sent or send again.")
        mine.update(state=State.UNKNOWN, last_error=error % {"error": answer.error})
        log.warning("Telegram post %s: %s; left for an editor", post.pk, answer.error)
    else:
        mine.update(state=State.FAILED, last_error=answer.error)
        log.warning("Telegram post %s failed: %s", post.pk, answer.error)


def note_failure(channel_id: int, answer: Answer) -> None:
    if answer.retry_after is not None:
        wait_until = timezone.now() + dt.timedelta(seconds=answer.retry_after)
        TelegramChannel.objects.filter(pk=channel_id).update(wait_until=wait_until)
    if answer.result == Result.FAILED:
        TelegramChannel.objects.filter(pk=channel_id).update(last_error=answer.error, last_error_at=timezone.now())


def send_follow_up(follow_up: TelegramFollowUp, base: str) -> Answer | None:
    """Send one pending edit or deletion; Telegram's answer, or None when nothing was sent."""
    claimed_at = claim(TelegramFollowUp, follow_up)
    if claimed_at is None:
        return None
    post = follow_up.post
    channel, article = post.channel, post.article
    if follow_up.action == TelegramFollowUp.Action.DELETE:
        answer = telegram.delete(channel.bot_token, channel.chat_id, post.message_id)
    else:
        text = telegram.render(article, url=base + article.get_absolute_url(), with_photo=post.with_photo)
        message = telegram.Message(html=text, photo=None)
        answer = telegram.edit(channel.bot_token, channel.chat_id, post.message_id, message, with_photo=post.with_photo)
    now = timezone.now()
    mine = TelegramFollowUp.objects.filter(pk=follow_up.pk, claimed_at=claimed_at, state=State.SENDING)
    if answer.result == Result.OK:
        mine.update(state=State.SENT, done_at=now, last_error="")
        log.info("Telegram post %s: %s done", post.pk, follow_up.action)
        return answer
    note_failure(channel.pk, answer)
    retry = answer.result in (Result.RETRY, Result.UNKNOWN)  # editing or deleting again does no harm
    if retry and follow_up.attempts < settings.TELEGRAM_MAX_ATTEMPTS:
        delay = answer.retry_after if answer.retry_after is not None else backoff(follow_up.attempts)
        mine.update(state=State.PENDING, next_attempt_at=now + dt.timedelta(seconds=delay), last_error=answer.error)
    else:
        mine.update(state=State.FAILED, last_error=answer.error)
    log.warning("Telegram post %s: %s: %s", post.pk, follow_up.action, answer.error)
    return answer

"""Telegram's background work: the periodic job that plans what goes to the agency's channels (each
published article, and each live blog's key event an editor sent to Telegram, posted once to each
matching channel; the post edited or deleted when the article changes), and the queued tasks that
send it.

The job ``deliver_telegram`` (settings.PERIODIC_JOBS, every TELEGRAM_POLL_SECONDS) only plans:

1. ``plan_posts``: an article that reached readers since the channel was switched on (at once,
   at its scheduled second, or published again) and has no post there gets a pending one, and in
   the same transaction a queued ``send_telegram_post`` task. The unique (article, channel) row
   is what makes a post happen once. A live blog's key event with «send to Telegram»
   (``live.Entry.telegram``) gets its own post once it is public (its time come, its blog
   published): the unique (entry, channel) row.
2. ``plan_follow_ups``: a sent post whose article has had a significant update (a correction,
   an update note, an editor's "significant" tick) since the message was written gets an edit;
   one whose article was withdrawn, or whose key event was deleted, gets a delete; each with its
   ``send_telegram_follow_up`` task.
3. ``mark_lost``: a post left "sending" longer than a request can take belonged to a worker that
   died mid-request; the message may be in the channel, so it becomes "unknown" and is never
   sent again by itself (editors choose "mark as sent" or "send again" in the admin). A
   follow-up left that way is simply queued again: editing or deleting twice does no harm.

The tasks (django.tasks, run by ``manage.py worker``) send. A task claims its row (pending and
due: one UPDATE that only one worker wins), makes one request and records the answer. A request
that certainly failed (no connection, 5xx, 429) puts the row back to pending and queues the task
again for later: a 429 exactly after its ``retry_after``, else after the backoff; a request with
no answer at all (Telegram unreachable or not answering) also makes the channel's other requests
wait that long rather than each wait for it. One Telegram refused (400, 401, 403) fails at once
with its description. The queue is the only schedule: a row's ``next_attempt_at`` is when its
task runs, and whoever moves it queues the task for then.

A task that raises (a bug, the database away) is run again by the worker (TASK_RETRY_SECONDS);
that is harmless: only a pending, due row is ever sent, and one left "sending" becomes unknown.

Readers never wait for any of this: the article is on the site at its second whatever the
worker does.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from articles.models import Article
from distribution import telegram
from distribution.models import Delivery, TelegramChannel, TelegramFollowUp, TelegramPost
from distribution.telegram import Answer, Result
from live.models import Entry
from newsroom.backoff import doubling
from newsroom.media import storage_errors

log = logging.getLogger("distribution")

BATCH = 50  # follow-ups planned per run at most (posts: four times as many per channel)
backoff = doubling(first=5, longest=300)  # seconds after each certain failure
NO_SITE_WAIT_SECONDS = 60  # a planned post whose site address has since gone waits this long
FOLLOW_UP_DAYS = 7  # a change this long after the article's last significant update is not chased
State = Delivery.State


def deliver_telegram() -> str:
    if not TelegramChannel.objects.exists():
        return "no channels"
    lost = mark_lost()
    if not Agency.objects.site_url():
        # A post links to the article: without the site's address nothing can go out. The
        # posts wait (planned later, nothing lost) and the channels' admin page says why.
        log.warning("Telegram: no post sent: the site's address is unknown (set SITE_URL or the publisher's domain)")
        return "no site address"
    planned = plan_posts()
    follow_ups = plan_follow_ups()
    return f"{planned} posts and {follow_ups} follow-ups planned, {lost} lost"


# -- Planning (the periodic job) ----------------------------------------------------------------


def plan_posts() -> int:
    now = timezone.now()
    planned = 0
    for channel in TelegramChannel.objects.filter(active=True).prefetch_related("sections"):
        since = max(channel.active_since, now - dt.timedelta(hours=settings.TELEGRAM_MAX_AGE_HOURS))
        # version_at (indexed) is at or after the moment each of these reached readers.
        articles = (
            Article.objects.published()
            .filter(version_at__gte=since)
            .filter(Q(publish_at__gte=since) | Q(status_changed_at__gte=since))
            .exclude(Exists(TelegramPost.objects.filter(article=OuterRef("pk"), channel=channel, entry=None)))
        )
        articles = for_channel(articles, channel, prefix="")
        ids = list(articles.order_by("publish_at", "pk").values_list("pk", flat=True)[: BATCH * 4])
        planned += plan(channel, [{"article_id": article_id} for article_id in ids], now)
        entries = for_channel(key_events(since, now), channel, prefix="article__")
        rows = entries.exclude(Exists(TelegramPost.objects.filter(entry=OuterRef("pk"), channel=channel)))
        rows = rows.order_by("published_at", "pk").values("pk", "article_id")[: BATCH * 4]
        planned += plan(channel, [{"entry_id": row["pk"], "article_id": row["article_id"]} for row in rows], now)
    return planned


def for_channel(rows, channel: TelegramChannel, *, prefix: str):
    """``rows`` (articles, or entries with ``prefix`` "article__") in the channel's languages and
    sections."""
    if channel.languages:
        rows = rows.filter(**{f"{prefix}language__in": channel.languages})
    section_ids = [section.pk for section in channel.sections.all()]
    if section_ids:
        rows = rows.filter(**{f"{prefix}section_id__in": section_ids})
    return rows


def key_events(since: dt.datetime, now: dt.datetime):
    """A live blog's key events an editor sent to Telegram that reached readers since ``since``:
    public (the entry's time has come and its blog is published) and then either posted since,
    or posted earlier (no older than TELEGRAM_MAX_AGE_HOURS) to a blog that reached readers
    since. The last day's entries are an index range (``live_entry_published``)."""
    oldest = now - dt.timedelta(hours=settings.TELEGRAM_MAX_AGE_HOURS)
    reached = Q(published_at__gte=since) | Q(article__publish_at__gte=since) | Q(article__status_changed_at__gte=since)
    entries = Entry.objects.public(at=now).filter(key_event=True, telegram=True, published_at__gte=oldest)
    return entries.filter(reached)


def plan(channel: TelegramChannel, posts: list[dict], now: dt.datetime) -> int:
    """A pending post for each of ``posts`` (the fields of each) and its queued task, together.
    The unique constraints (article or entry, channel) make each happen once."""
    planned = 0
    with transaction.atomic():  # the posts and their tasks commit together
        for fields in posts:
            try:
                with transaction.atomic():
                    post = TelegramPost.objects.create(channel=channel, next_attempt_at=now, **fields)
            except IntegrityError:
                continue  # another run of the job planned it a moment ago
            send_telegram_post.enqueue(post.pk)
            planned += 1
    return planned


def plan_follow_ups() -> int:
    now = timezone.now()
    recent = now - dt.timedelta(days=FOLLOW_UP_DAYS)
    planned = 0
    sent = TelegramPost.objects.filter(state=State.SENT, message_id__isnull=False)
    # Withdrawn: delete the message (once), and drop edits that have not gone out.
    withdrawn = sent.filter(article__status=Article.Status.WITHDRAWN, article__status_changed_at__gte=recent).exclude(
        Exists(TelegramFollowUp.objects.filter(post=OuterRef("pk"), action=TelegramFollowUp.Action.DELETE))
    )
    # A live blog's key event deleted: its message goes too (the post keeps the entry's id).
    entry_gone = (
        sent.filter(entry__isnull=False, created_at__gte=recent)
        .exclude(Exists(Entry.objects.filter(pk=OuterRef("entry_id"))))
        .exclude(Exists(TelegramFollowUp.objects.filter(post=OuterRef("pk"), action=TelegramFollowUp.Action.DELETE)))
    )
    for post in [*withdrawn[:BATCH], *entry_gone[:BATCH]]:
        try:
            with transaction.atomic():
                post.follow_ups.filter(action=TelegramFollowUp.Action.EDIT, state=State.PENDING).delete()
                follow_up = TelegramFollowUp.objects.create(
                    post=post, action=TelegramFollowUp.Action.DELETE, next_attempt_at=now
                )
                send_telegram_follow_up.enqueue(follow_up.pk)
        except IntegrityError:
            continue  # another worker's run planned it a moment ago
        planned += 1
    # A significant update the message does not show yet: edit it (one pending edit at a time;
    # it is written from the article as it is when it goes out). A key event's message shows
    # the entry, not the article: it is not edited.
    changed = sent.filter(
        entry=None, article__status=Article.Status.PUBLISHED, article__significant_update_at__gte=recent
    ).filter(Q(shown_update_at__isnull=True) | Q(shown_update_at__lt=F("article__significant_update_at")))
    for post in changed.select_related("article")[:BATCH]:
        with transaction.atomic():
            waiting = post.follow_ups.filter(action=TelegramFollowUp.Action.EDIT, state=State.PENDING).exists()
            if not waiting:
                follow_up = TelegramFollowUp.objects.create(
                    post=post, action=TelegramFollowUp.Action.EDIT, next_attempt_at=now
                )
                send_telegram_follow_up.enqueue(follow_up.pk)
                planned += 1
            TelegramPost.objects.filter(pk=post.pk).update(shown_update_at=post.article.significant_update_at)
    return planned


def lost_after() -> dt.timedelta:
    """Longer than any request of ours takes (connect, send, wait for the answer)."""
    return dt.timedelta(seconds=2 * settings.TELEGRAM_TIMEOUT_SECONDS + 5)


def mark_lost() -> int:
    now = timezone.now()
    cutoff = now - lost_after()
    lost = TelegramPost.objects.filter(state=State.SENDING, claimed_at__lt=cutoff).update(
        state=State.UNKNOWN,
        last_error=_(
            "The worker stopped while sending: the message may be in the channel. "
            "Check the channel, then mark the post as sent or send it again."
        ),
    )
    with transaction.atomic():
        stranded = TelegramFollowUp.objects.select_for_update(skip_locked=True).filter(
            state=State.SENDING, claimed_at__lt=cutoff
        )
        ids = list(stranded.values_list("pk", flat=True))
        TelegramFollowUp.objects.filter(pk__in=ids).update(state=State.PENDING, next_attempt_at=now)
        for follow_up_id in ids:
            send_telegram_follow_up.enqueue(follow_up_id)
    if lost:
        log.warning("%d Telegram posts left unknown by a worker that stopped while sending", lost)
    return lost


# -- What editors do (the admin) ----------------------------------------------------------------


def send_again(posts) -> int:
    """Posts in doubt or failed (``posts``, a queryset) sent again as new, at once."""
    with transaction.atomic():
        ids = list(posts.filter(state__in=[State.UNKNOWN, State.FAILED]).values_list("pk", flat=True))
        count = TelegramPost.objects.filter(pk__in=ids, state__in=[State.UNKNOWN, State.FAILED]).update(
            state=State.PENDING, next_attempt_at=timezone.now(), attempts=0, message_id=None, last_error=""
        )
        for post_id in ids:
            send_telegram_post.enqueue(post_id)
    return count


def resume(channel: TelegramChannel) -> int:
    """A channel switched on again: what waited for it (follow-ups; posts an editor sent again
    while it was off) is queued again."""
    with transaction.atomic():
        posts = list(channel.posts.filter(state=State.PENDING).values_list("pk", flat=True))
        follow_ups = list(
            TelegramFollowUp.objects.filter(post__channel=channel, state=State.PENDING).values_list("pk", flat=True)
        )
        TelegramPost.objects.filter(pk__in=posts).update(next_attempt_at=timezone.now())
        TelegramFollowUp.objects.filter(pk__in=follow_ups).update(next_attempt_at=timezone.now())
        for post_id in posts:
            send_telegram_post.enqueue(post_id)
        for follow_up_id in follow_ups:
            send_telegram_follow_up.enqueue(follow_up_id)
    return len(posts) + len(follow_ups)


# -- Sending (the queued tasks) -----------------------------------------------------------------


@task
def send_telegram_post(post_id: int) -> str:
    """Send one planned post, if it is still pending and due."""
    post = TelegramPost.objects.select_related("channel", "article__photo").filter(pk=post_id).first()
    waiting = check_due(post, send_telegram_post)
    if waiting:
        return waiting
    base = Agency.objects.site_url()
    if not base:
        return postpone(post, timezone.now() + dt.timedelta(seconds=NO_SITE_WAIT_SECONDS), send_telegram_post)
    claimed_at = claim(TelegramPost, post)
    if claimed_at is None:
        return "taken by another worker"
    mine = TelegramPost.objects.filter(pk=post.pk, claimed_at=claimed_at, state__in=[State.SENDING, State.UNKNOWN])
    article = post.article
    try:
        if not Article.objects.published().filter(pk=article.pk).exists():
            # Withdrawn or sent back before its post went out: nothing was sent, nothing to keep.
            TelegramPost.objects.filter(pk=post.pk, claimed_at=claimed_at).delete()
            return "not sent: the article is no longer published"
        if post.entry_id is not None:
            entry = Entry.objects.public().filter(pk=post.entry_id, key_event=True, telegram=True).first()
            if entry is None:
                # Deleted, moved later or taken off Telegram before it went out: nothing was sent.
                TelegramPost.objects.filter(pk=post.pk, claimed_at=claimed_at).delete()
                return "not sent: the entry is no longer a published key event for Telegram"
            entry.article = article
            message = telegram.message_for_entry(entry, url=base + entry.get_absolute_url())
        else:
            message = telegram.message_for(article, url=base + article.get_absolute_url())
        photo_file = open_photo(article, message.photo)
    except Exception as error:
        give_up_unsent(mine, error)
        raise
    try:
        answer = telegram.send(post.channel.bot_token, post.channel.chat_id, message, photo_file)
    finally:
        if photo_file is not None:
            photo_file.close()
    shown = article.significant_update_at
    return record_post(post, mine, answer, with_photo=photo_file is not None, shown_update_at=shown)


@task
def send_telegram_follow_up(follow_up_id: int) -> str:
    """Make one planned edit or deletion, if it is still pending and due."""
    follow_up = (
        TelegramFollowUp.objects.select_related("post__channel", "post__article").filter(pk=follow_up_id).first()
    )
    waiting = check_due(follow_up, send_telegram_follow_up)
    if waiting:
        return waiting
    post = follow_up.post
    channel, article = post.channel, post.article
    base = Agency.objects.site_url()
    if not base and follow_up.action == TelegramFollowUp.Action.EDIT:  # the edit links to the article
        return postpone(follow_up, timezone.now() + dt.timedelta(seconds=NO_SITE_WAIT_SECONDS), send_telegram_follow_up)
    claimed_at = claim(TelegramFollowUp, follow_up)
    if claimed_at is None:
        return "taken by another worker"
    mine = TelegramFollowUp.objects.filter(pk=follow_up.pk, claimed_at=claimed_at, state=State.SENDING)
    if follow_up.action == TelegramFollowUp.Action.DELETE:
        answer = telegram.delete(channel.bot_token, channel.chat_id, post.message_id)
    else:
        try:
            text = telegram.render(article, url=base + article.get_absolute_url(), with_photo=post.with_photo)
        except Exception as error:
            give_up_unsent(mine, error)
            raise
        message = telegram.Message(html=text, photo=None)
        answer = telegram.edit(channel.bot_token, channel.chat_id, post.message_id, message, with_photo=post.with_photo)
    now = timezone.now()
    if answer.result == Result.OK:
        mine.update(state=State.SENT, done_at=now, last_error="")
        log.info("Telegram post %s: %s done", post.pk, follow_up.action)
        return f"{follow_up.action} done"
    wait = note_failure(channel.pk, answer, follow_up.attempts, now)
    retry = answer.result in (Result.RETRY, Result.UNKNOWN)  # editing or deleting again does no harm
    log.warning("Telegram post %s: %s: %s", post.pk, follow_up.action, answer.error)
    if retry and follow_up.attempts < settings.TELEGRAM_MAX_ATTEMPTS:
        return try_later(mine, follow_up, answer, now + dt.timedelta(seconds=wait), send_telegram_follow_up)
    mine.update(state=State.FAILED, last_error=answer.error)
    return f"failed: {answer.error}"


def check_due(row: Delivery | None, send) -> str:
    """Why this row is not for this run of its task ("" when it is): gone, not pending, not due
    yet, its channel switched off (switching it on queues it again) or asked to wait (the task
    is queued again for then)."""
    if row is None:
        return "nothing to do: gone (the channel was switched off, or the article withdrawn)"
    if row.state != State.PENDING:
        return f"nothing to do: {row.state}"
    now = timezone.now()
    if row.next_attempt_at > now:
        # Its own task is queued for then. (A clock stepped back between the worker's claim of
        # this task and now must not strand the row: queue one more; the later one finds it sent.)
        send.using(run_after=row.next_attempt_at).enqueue(row.pk)
        return "not due yet"
    channel = row.channel if isinstance(row, TelegramPost) else row.post.channel
    if not channel.active:
        return "waits: the channel is switched off"
    if channel.wait_until and channel.wait_until > now:
        return postpone(row, channel.wait_until, send)  # Telegram asked the channel to wait
    return ""


def postpone(row: Delivery, until: dt.datetime, send) -> str:
    """Move a pending, due row to ``until`` and queue its task for then (unless another run of
    it has just done so)."""
    with transaction.atomic():
        moved = (
            type(row)
            .objects.filter(pk=row.pk, state=State.PENDING, next_attempt_at__lte=timezone.now())
            .update(next_attempt_at=until)
        )
        if moved:
            send.using(run_after=until).enqueue(row.pk)
    return f"waits until {until.isoformat()}"


def claim(model, row) -> dt.datetime | None:
    """Take a pending, due row for this request: one UPDATE that only one worker can win."""
    now = timezone.now()
    won = model.objects.filter(pk=row.pk, state=State.PENDING, next_attempt_at__lte=now).update(
        state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not won:
        return None
    row.attempts += 1
    return now


def give_up_unsent(mine, error: Exception) -> None:
    """Nothing went out (the message could not be written): the row fails with the error, for an
    editor to see and send again; the task fails too (the error's trace is in Background jobs)."""
    mine.update(state=State.FAILED, last_error=f"{type(error).__name__}: {error}"[:500])


def open_photo(article, name: str | None):
    if name is None:
        return None
    storage = article.photo.image.storage
    for candidate in (name, article.photo.image.name):  # the rendition, else the original
        try:
            return storage.open(candidate, "rb")
        except storage_errors():  # not there, or the storage (S3) did not answer
            continue
    return None  # no file at all: the post goes out as text


def record_post(post, mine, answer: Answer, *, with_photo: bool, shown_update_at) -> str:
    now = timezone.now()
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
        return f"sent (message {message_id})"
    wait = note_failure(post.channel_id, answer, post.attempts, now)
    if answer.result == Result.RETRY and post.attempts < settings.TELEGRAM_MAX_ATTEMPTS:
        log.warning("Telegram post %s: %s; next attempt in %d s", post.pk, answer.error, wait)
        return try_later(mine, post, answer, now + dt.timedelta(seconds=wait), send_telegram_post)
    if answer.result == Result.UNKNOWN:
        error = _("%(error)s: the message may be in the channel. Check it, then mark as sent or send again.")
        mine.update(state=State.UNKNOWN, last_error=error % {"error": answer.error})
        log.warning("Telegram post %s: %s; left for an editor", post.pk, answer.error)
        return f"unknown: {answer.error}"
    mine.update(state=State.FAILED, last_error=answer.error)
    log.warning("Telegram post %s failed: %s", post.pk, answer.error)
    return f"failed: {answer.error}"


def try_later(mine, row: Delivery, answer: Answer, when: dt.datetime, send) -> str:
    """A certain failure: the row pending again, and its task queued for ``when``, together."""
    with transaction.atomic():
        if mine.update(state=State.PENDING, next_attempt_at=when, last_error=answer.error):
            send.using(run_after=when).enqueue(row.pk)
    return f"{answer.error}; next attempt at {when.isoformat()}"


def note_failure(channel_id: int, answer: Answer, attempts: int, now: dt.datetime) -> int:
    """Seconds before this request may be tried again (Telegram's ``retry_after``, else the
    backoff); the channel waits as long when Telegram asked it to (429) or did not answer at all
    (the channel's other requests would wait for it just as long)."""
    wait = answer.retry_after if answer.retry_after is not None else backoff(attempts)
    if answer.retry_after is not None or (answer.error_code is None and answer.result != Result.FAILED):
        until = now + dt.timedelta(seconds=wait)  # the row's next attempt: the same moment
        TelegramChannel.objects.filter(pk=channel_id).filter(
            Q(wait_until__isnull=True) | Q(wait_until__lt=until)
        ).update(wait_until=until)
    if answer.result == Result.FAILED:
        TelegramChannel.objects.filter(pk=channel_id).update(last_error=answer.error, last_error_at=now)
    return wait

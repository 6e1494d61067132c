"""Live coverage's writes and the rules they keep: posting, editing and deleting entries, starting
and ending the coverage. Every rule on who may do what is here; the admin only asks."""

import datetime as dt
import re

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DateTimeField, Max, Min, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Article, Person
from articles.services import articles_for, user_can_publish
from live.models import Entry, plain_text
from newsroom.html import sanitize_html
from newsroom.pagecache import pages_changed
from newsroom.times import newsroom_time, zone_name

# What an entry holds at most: a live entry is a few paragraphs; a longer text is an article.
MAX_TEXT_CHARS = settings.LIVE_ENTRY_MAX_CHARS
MAX_HTML_CHARS = MAX_TEXT_CHARS * 10  # links and figures cost markup, not text
_SHOWS_SOMETHING = re.compile(r"<(figure|img)\b")

ENTRY_EMPTY = gettext_lazy("The entry is empty: write some text or add a photo.")
ENTRY_TOO_LONG = gettext_lazy(
    "An entry holds at most %(limit)s characters of text; this one has %(count)s. Shorten it, or write an article."
)
NOT_LIVE = gettext_lazy("This article is not a live blog: an editor starts its live coverage first.")
NOT_STARTED = gettext_lazy("The live coverage starts at %(time)s (%(zone)s): entries can be posted from then.")
ENDED = gettext_lazy("The live coverage ended at %(time)s (%(zone)s): no more entries can be posted.")
BEFORE_START = gettext_lazy("An entry cannot be published before the coverage starts, at %(time)s (%(zone)s).")


# -- Who may do what ---------------------------------------------------------------------


def user_can_post(user, article: Article) -> bool:
    """Journalists and editors post to any live blog they may open in the admin."""
    return user.has_perm("live.add_entry") and articles_for(user).filter(pk=article.pk).exists()


def user_can_change_entry(user, entry: Entry) -> bool:
    """Editors change any entry; a journalist changes their own."""
    if not user.has_perm("live.change_entry"):
        return False
    return user_can_publish(user) or entry.created_by_id == user.pk


def user_can_delete_entry(user, entry: Entry) -> bool:
    return user.has_perm("live.delete_entry") and user_can_publish(user)


def user_can_curate(user) -> bool:
    """Key events, the pinned entry, Telegram, starting and ending the coverage: editors."""
    return user_can_publish(user)


CURATED_FIELDS = ("key_event", "pinned", "telegram")


# -- Checks ------------------------------------------------------------------------------


def _when(moment: dt.datetime) -> dict:
    return {"time": newsroom_time(moment), "zone": zone_name()}


def entry_clean_body(body: str) -> str:
    """The body as it will be stored (sanitised), or a ValidationError saying what is wrong."""
    html = sanitize_html(body or "")
    text = plain_text(html)
    if not text and not _SHOWS_SOMETHING.search(html):
        raise ValidationError({"body": ValidationError(ENTRY_EMPTY, code="empty")})
    if len(text) > MAX_TEXT_CHARS or len(html) > MAX_HTML_CHARS:
        count = len(text) if len(text) > MAX_TEXT_CHARS else len(html)
        limit = MAX_TEXT_CHARS if len(text) > MAX_TEXT_CHARS else MAX_HTML_CHARS
        raise ValidationError(
            {"body": ValidationError(ENTRY_TOO_LONG, code="too_long", params={"limit": limit, "count": count})}
        )
    return html


def entry_check_time(*, article: Article, published_at: dt.datetime, posting: bool) -> None:
    """Refuse an entry the blog cannot take: no live blog, coverage not started or ended (for a
    new entry), or a time before the coverage starts."""
    state = article.live_state
    if state == Article.LiveState.NONE:
        raise ValidationError(ValidationError(NOT_LIVE, code="not_live"))
    if posting and state == Article.LiveState.UPCOMING:
        raise ValidationError(ValidationError(NOT_STARTED, code="not_started", params=_when(article.coverage_start_at)))
    if posting and state == Article.LiveState.ENDED:
        raise ValidationError(ValidationError(ENDED, code="ended", params=_when(article.coverage_end_at)))
    if published_at < article.coverage_start_at:
        refused = ValidationError(BEFORE_START, code="before_start", params=_when(article.coverage_start_at))
        raise ValidationError({"published_at": refused})


# -- Entries -----------------------------------------------------------------------------


def entry_post(
    *,
    article: Article,
    by,
    body: str,
    headline: str = "",
    published_at: dt.datetime | None = None,
    key_event: bool = False,
    pinned: bool = False,
    telegram: bool = False,
    authors: list[Person] | None = None,
) -> Entry:
    """Post an entry now (or at ``published_at``). ``authors`` defaults to the poster's person."""
    if not user_can_post(by, article):
        raise PermissionDenied(_("You may not post to this live blog."))
    if (key_event or pinned or telegram) and not user_can_curate(by):
        raise PermissionDenied(_("Only an editor can mark key events, pin an entry or send it to Telegram."))
    html = entry_clean_body(body)
    published_at = published_at or timezone.now()
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)  # no two pinned entries
        entry_check_time(article=article, published_at=published_at, posting=True)
        if pinned:
            article.live_entries.filter(pinned=True).update(pinned=False)
        entry = Entry(
            article=article,
            headline=headline,
            body=html,
            published_at=published_at,
            key_event=key_event,
            pinned=pinned,
            telegram=telegram and key_event,
            created_by=by,
        )
        entry._history_user = by
        entry.save()
        if authors is None:
            authors = list(Person.objects.filter(user=by)[:1])
        entry.authors.set(authors)
        _log(by=by, entry=entry, flag=ADDITION)
        _changed(article.pk)
    return entry


def entry_edit(*, entry: Entry, by, changed: set[str]) -> Entry:
    """Save ``entry`` as edited (its fields already set); ``changed`` names the fields changed."""
    if not user_can_change_entry(by, entry):
        raise PermissionDenied(_("You may edit only your own entries."))
    if changed & set(CURATED_FIELDS) and not user_can_curate(by):
        raise PermissionDenied(_("Only an editor can mark key events, pin an entry or send it to Telegram."))
    entry.body = entry_clean_body(entry.body)
    entry.telegram = entry.telegram and entry.key_event
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=entry.article_id)
        if "published_at" in changed:
            entry_check_time(article=article, published_at=entry.published_at, posting=False)
        if entry.pinned:
            article.live_entries.filter(pinned=True).exclude(pk=entry.pk).update(pinned=False)
        entry._history_user = by
        entry.save()
        _log(by=by, entry=entry, flag=CHANGE, message=", ".join(sorted(changed)))
        _changed(article.pk)
    return entry


def entry_set_flags(*, entry: Entry, by, **flags: bool) -> Entry:
    """Mark or unmark ``key_event``, ``pinned`` or ``telegram`` (editors)."""
    for name, value in flags.items():
        if name not in CURATED_FIELDS:
            raise ValueError(name)
        setattr(entry, name, value)
    return entry_edit(entry=entry, by=by, changed=set(flags))


def entry_delete(*, entry: Entry, by) -> None:
    """Delete ``entry``: it leaves readers' pages, feeds and the API at once (its revisions stay)."""
    if not user_can_delete_entry(by, entry):
        raise PermissionDenied(_("Only an editor can delete entries."))
    with transaction.atomic():
        article_id = entry.article_id
        _log(by=by, entry=entry, flag=DELETION)
        entry._history_user = by
        entry.delete()
        _changed(article_id)


# -- The coverage ------------------------------------------------------------------------


def coverage_start(*, article: Article, by, at: dt.datetime | None = None) -> Article:
    """Make ``article`` a live blog from ``at`` (now unless given), or reopen an ended one."""
    if not user_can_curate(by):
        raise PermissionDenied(_("Only an editor can start or end live coverage."))
    at = at or timezone.now()
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        first = locked.live_entries.aggregate(first=Min("published_at"))["first"]
        if first is not None and at > first:
            raise ValidationError(
                {
                    "coverage_start_at": _("The first entry was published at %(time)s (%(zone)s): start no later.")
                    % _when(first)
                }
            )
        Article.objects.filter(pk=article.pk).update(coverage_start_at=at, coverage_end_at=None)
        _log_article(by=by, article=locked, message=_("Live coverage started"))
        _changed(article.pk)
    article.coverage_start_at, article.coverage_end_at = at, None
    return article


def coverage_end(*, article: Article, by, at: dt.datetime | None = None) -> Article:
    """End the coverage now (or at ``at``): readers see «Coverage ended», posting is refused."""
    if not user_can_curate(by):
        raise PermissionDenied(_("Only an editor can start or end live coverage."))
    at = at or timezone.now()
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.coverage_start_at is None:
            raise ValidationError(ValidationError(NOT_LIVE, code="not_live"))
        at = max(at, locked.coverage_start_at)
        Article.objects.filter(pk=article.pk).update(coverage_end_at=at)
        _log_article(by=by, article=locked, message=_("Live coverage ended"))
        _changed(article.pk)
    article.coverage_end_at = at
    return article


def next_scheduled_entry() -> dt.datetime | None:
    """The next moment a scheduled entry appears (``settings.PAGE_CACHE_SCHEDULE``): no cached
    page or poll answer outlives it. One index range (``live_entry_published``)."""
    return Entry.objects.filter(published_at__gt=timezone.now()).aggregate(Min("published_at"))["published_at__min"]


# -- Side effects ------------------------------------------------------------------------


def _changed(article_id: int) -> None:
    """Readers' pages forget the blog, and partners get a new version of the article: at once,
    or at the latest scheduled entry's time when one is still ahead (a version shows what the
    blog holds then; each version is listed once, see distribution.api)."""
    now = timezone.now()
    ahead = Entry.objects.filter(article_id=article_id, published_at__gt=now).aggregate(Max("published_at"))
    moment = max(now, ahead["published_at__max"] or now)
    moment = Value(moment, output_field=DateTimeField())
    Article.objects.filter(pk=article_id).update(version_at=Greatest("version_at", moment))
    pages_changed()


def _log(*, by, entry: Entry, flag: int, message: str = "") -> None:
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[entry], action_flag=flag, change_message=message, single_object=True
    )


def _log_article(*, by, article: Article, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[article], action_flag=CHANGE, change_message=message, single_object=True
    )

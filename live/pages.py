"""What a live blog's reader page and its poll read: the pinned entry, the key events, a page of
the timeline by keyset (``?from=``), and what changed since a moment. Callers have reached the
article through ``Article.objects.published()``; the entries are filtered here by their own time."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from articles.models import Article, Person
from live.models import Entry

PAGE_SIZE = 20  # entries on the blog's page and on each «show more» page
KEY_EVENTS = 30  # the «Key events» list shows at most this many, newest first

# ?from=<published_at in microseconds since 1970>-<id>: the first entry a page shows.
CURSOR = re.compile(r"([0-9]{1,17})-([0-9]{1,19})")


def cursor_of(entry: Entry) -> str:
    return f"{int(entry.published_at.timestamp() * 1_000_000)}-{entry.pk}"


def parse_cursor(value: str) -> tuple[dt.datetime, int]:
    """The position ``value`` names; a malformed one is a 404, never a 500."""
    match = CURSOR.fullmatch(value or "")
    if match is None:
        raise Http404
    micros, pk = int(match[1]), int(match[2])
    try:
        moment = dt.datetime.fromtimestamp(micros // 1_000_000, tz=dt.UTC).replace(microsecond=micros % 1_000_000)
    except (OverflowError, OSError, ValueError):
        raise Http404 from None
    return moment, pk


def _shown(entries):
    """Entries with what the page shows of each: their authors (one more query)."""
    authors = Person.objects.only("slug", "name", "name_en").order_by("name")
    return entries.prefetch_related(Prefetch("authors", queryset=authors))


@dataclass
class Timeline:
    """A page of a blog: the pinned entry and key events (on its first page only), the
    entries, and the cursor of the next (older) page."""

    pinned: Entry | None = None
    key_events: list[Entry] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    next_cursor: str | None = None
    newest_at: dt.datetime | None = None  # the newest entry readers see: where a poll starts


def timeline(article: Article, *, start: str | None = None, now: dt.datetime | None = None) -> Timeline:
    """The page of ``article``'s blog that begins at the cursor ``start`` (the newest entries
    without it): ``PAGE_SIZE`` entries by keyset, so page 100 costs what page 1 does. The
    pinned entry leads the first page and is left out of the timeline (one anchor each)."""
    now = now or timezone.now()
    visible = Entry.objects.published(at=now).filter(article=article)
    rows = visible.filter(pinned=False).newest_first()
    page = Timeline()
    if start is not None:
        moment, pk = parse_cursor(start)
        rows = rows.filter(Q(published_at__lt=moment) | Q(published_at=moment, pk__lte=pk))
    else:
        # At most one (a unique constraint); unordered, so PostgreSQL reads the pinned entry's
        # partial index rather than walking the whole timeline for it (5 ms at 2,000 entries).
        page.pinned = next(iter(_shown(visible.filter(pinned=True).order_by())[:1]), None)
        page.key_events = list(
            visible.filter(key_event=True).newest_first().only("pk", "headline", "body", "published_at")[:KEY_EVENTS]
        )
    found = list(_shown(rows)[: PAGE_SIZE + 1])
    if start is not None and not found:
        raise Http404
    page.entries = found[:PAGE_SIZE]
    if start is None:
        # The newest visible entry is the pinned one or the timeline's first: no query of its own.
        shown = [entry.published_at for entry in (page.pinned, *page.entries[:1]) if entry is not None]
        page.newest_at = max(shown, default=None)
    if len(found) > PAGE_SIZE:
        page.next_cursor = cursor_of(found[PAGE_SIZE])
    return page


def first_page_ids(article: Article, *, now: dt.datetime | None = None) -> set[int]:
    """The ids of the entries the blog's first page shows (a key event elsewhere links to its page)."""
    visible = Entry.objects.published(at=now or timezone.now()).filter(article=article)
    first = set(visible.filter(pinned=False).newest_first().values_list("pk", flat=True)[:PAGE_SIZE])
    return first | set(visible.filter(pinned=True).values_list("pk", flat=True))


@dataclass
class Changes:
    """What a poll answers: entries published or edited since a moment, and those deleted."""

    entries: list[Entry]
    deleted: list[int]


def changes_since(article: Article, since: dt.datetime, *, now: dt.datetime | None = None) -> Changes:
    """Entries of ``article`` published or edited at or after ``since`` and visible now (newest
    first, at most a page), and the ids of entries deleted since then."""
    now = now or timezone.now()
    visible = Entry.objects.published(at=now).filter(article=article)
    entries = list(
        _shown(visible.filter(Q(published_at__gte=since) | Q(updated_at__gte=since)).newest_first())[: PAGE_SIZE * 2]
    )
    deleted = list(
        Entry.history.filter(article_id=article.pk, history_type="-", history_date__gte=since)
        .values_list("id", flat=True)
        .distinct()[:200]
    )
    return Changes(entries=entries, deleted=deleted)


def feed_entries(article: Article, *, limit: int = 50) -> list[Entry]:
    """The blog's newest visible entries for its feed."""
    return list(_shown(Entry.objects.published().filter(article=article).newest_first())[:limit])

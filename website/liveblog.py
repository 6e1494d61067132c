"""A live blog as readers get it: the entries of a page with their bodies rendered like an
article's (one query for all their photos), the key events' links, and the poll's answer.

The page and the poll share the entry markup (``articles/includes/live.html``), so an entry a
reader's page receives from the poll looks as it will after a reload.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from articles.bodies import body_photo_ids
from articles.models import Article
from live import pages as live_pages
from live.models import Entry
from photos.models import Photo
from website.body import EMBED_ORIGINS, render_body

# The poll's ``since``: a Unix time in whole tens of seconds, so that every reader whose page is
# up to date asks the same address (the page cache and nginx keep one answer for all of them).
SINCE_STEP = 10
# A ``since`` older than this is read as this old: the answer is then the newest changes only
# (a page of them at most, as always), and the deleted entries' scan stays short.
SINCE_OLDEST = dt.timedelta(days=1)
PHOTO_FIELDS = ("image", "width", "height", "alt_text", "caption", "credit")


def _macros():
    """The live blog's pieces as Jinja2 macros (templates/jinja2/articles/includes/live.html)."""
    return engines["jinja2"].env.get_template("articles/includes/live.html").module


def poll_since(moment: dt.datetime | None) -> int:
    """``moment`` as a poll's ``since``: Unix seconds rounded down to ``SINCE_STEP``."""
    seconds = int(moment.timestamp()) if moment is not None else 0
    return seconds - seconds % SINCE_STEP


def render_entries(entries: list[Entry]) -> set[str]:
    """Give each entry ``rendered``, its body as readers see it (``website.body.render_body``:
    figures with library photos, click-to-load embeds); the photos of all of them come in one
    query. Returns the kinds of embed they hold."""
    ids = {pk for entry in entries for pk in body_photo_ids(entry.body)}
    photos = {photo.pk: photo for photo in Photo.objects.filter(pk__in=ids).only(*PHOTO_FIELDS)} if ids else {}
    embeds = set()
    for entry in entries:
        entry.rendered = render_body(entry.body, photos)
        embeds |= entry.rendered.embeds
    return embeds


@dataclass
class LiveBlog:
    """What an article page shows of its live blog (``live_blog``)."""

    article: Article
    state: str
    timeline: live_pages.Timeline
    start: str | None  # the ?from= cursor of this page; None on the first page
    embeds: set[str] = field(default_factory=set)
    since: int = 0  # where the page's poll starts
    poll_url: str = ""
    feed_rss: str = ""
    feed_atom: str = ""

    @property
    def shown(self) -> list[Entry]:
        return [entry for entry in (self.timeline.pinned, *self.timeline.entries) if entry is not None]

    @property
    def polls(self) -> bool:
        """Whether the page asks for new entries: while live, and before the coverage starts."""
        return self.state in (Article.LiveState.LIVE, Article.LiveState.UPCOMING)

    @property
    def frame_origins(self) -> list[str]:
        """The embeds' origins the page's CSP allows: while the blog is live, every kind, since
        an entry that arrives by the poll may hold any; otherwise those on the page."""
        kinds = EMBED_ORIGINS.keys() if self.state == Article.LiveState.LIVE else self.embeds
        return sorted(EMBED_ORIGINS[kind] for kind in kinds)

    @property
    def poll_seconds(self) -> int:
        return settings.LIVE_POLL_SECONDS


def live_blog(article: Article, *, start: str | None) -> LiveBlog:
    """The page of ``article``'s blog that starts at the cursor ``start`` (the newest without
    it; a bad cursor is a 404). Key events get ``link``: the anchor on this page, else the
    page that starts with them."""
    timeline = live_pages.timeline(article, start=start)
    blog = LiveBlog(article=article, state=article.live_state, timeline=timeline, start=start)
    blog.embeds = render_entries(blog.shown)
    on_page = {entry.pk for entry in blog.shown}
    for event in timeline.key_events:
        cursor = "" if event.pk in on_page else f"?from={live_pages.cursor_of(event)}"
        event.link = f"{cursor}#{event.anchor}"
    # Before the first entry, the coverage's start: the same for every reader of the page.
    blog.since = poll_since(timeline.newest_at or article.coverage_start_at)
    blog.poll_url = reverse("articles:live_poll", args=[article.slug])
    blog.feed_rss = reverse("articles:live_feed_rss", args=[article.slug])
    blog.feed_atom = reverse("articles:live_feed_atom", args=[article.slug])
    return blog


def poll_answer(article: Article, since: int, *, now: dt.datetime | None = None) -> dict:
    """The poll's JSON for ``since`` (a Unix time): the entries published or edited since then,
    rendered as the page renders them (newest first), the ids of those deleted, the blog's state
    with its status line, and the ``since`` to ask with next (never earlier than this one)."""
    now = now or timezone.now()
    moment = max(dt.datetime.fromtimestamp(since, tz=dt.UTC), now - SINCE_OLDEST)
    changes = live_pages.changes_since(article, moment, now=now)
    render_entries(changes.entries)
    macros = _macros()
    article_url = article.get_absolute_url()
    entries = [
        {"id": entry.pk, "published": entry.published_at.timestamp(), "html": str(macros.entry(entry, article_url))}
        for entry in changes.entries
    ]
    newest = max((entry.published_at for entry in changes.entries), default=None)
    return {
        "state": article.live_state,
        "status": str(macros.status(article)),
        "since": max(since, poll_since(newest)),
        "entries": entries,
        "deleted": changes.deleted,
        "interval": settings.LIVE_POLL_SECONDS,
    }

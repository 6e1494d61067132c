"""The admin's front page as a desk: what each person in the newsroom has to do or watch now.

Editors: the review queue (oldest first, with how long each has waited), what is scheduled in
the next 24 hours, what was published today with its views, and the most read now.
Journalists: their drafts, what they sent for review, and what of theirs was published today.
Each list is one query (the most read: one per language, kept for ``MOST_READ_CACHE_SECONDS``
as readers' lists are), whatever its length and the archive's size.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import views_buffer
from articles.models import Article
from articles.most_read import most_read
from articles.services import user_can_publish
from newsroom.pagecache import page_data

DESK_ROWS = 15  # each list shows at most this many; the admin's full lists are a click away


@dataclass
class DeskList:
    key: str
    title: str
    articles: list[Article]
    empty: str
    # The admin's list that shows all of them (a query string for the articles' changelist).
    more: str = ""
    columns: list[str] = field(default_factory=list)


def desk_for(user) -> list[DeskList]:
    """The desk of ``user``: an editor's, a journalist's, or nothing for other staff."""
    if user_can_publish(user):
        return _editor_desk()
    if user.has_perm("articles.add_article"):
        return _journalist_desk(user)
    return []


def _today_start() -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))


def _with_pending_views(articles: list[Article]) -> list[Article]:
    """The database's counts plus what waits in Redis, as the admin's article list shows."""
    waiting = views_buffer.pending(article.pk for article in articles)
    for article in articles:
        article.views_now = article.view_count + waiting.get(article.pk, 0)
    return articles


def _editor_desk() -> list[DeskList]:
    now = timezone.now()
    articles = Article.objects.select_related("section", "created_by").defer("body")
    review = list(articles.filter(status=Article.Status.REVIEW).order_by("status_changed_at", "pk")[:DESK_ROWS])
    for article in review:
        article.waiting_since = article.status_changed_at or article.updated_at
    scheduled = list(
        articles.filter(
            status=Article.Status.PUBLISHED, publish_at__gt=now, publish_at__lte=now + dt.timedelta(hours=24)
        ).order_by("publish_at", "pk")[:DESK_ROWS]
    )
    published = _with_pending_views(
        list(
            articles.published()
            .filter(publish_at__gte=_today_start())
            .with_view_counts()
            .order_by("-publish_at", "-pk")[:DESK_ROWS]
        )
    )
    read = page_data("desk:most-read", _most_read_in_all_languages, seconds=settings.MOST_READ_CACHE_SECONDS)
    return [
        DeskList("review", _("Waiting for review"), review, _("Nobody is waiting for review."), "?state=review"),
        DeskList(
            "scheduled", _("Scheduled for the next 24 hours"), scheduled, _("Nothing is scheduled."), "?state=scheduled"
        ),
        DeskList("published", _("Published today"), published, _("Nothing has been published today yet.")),
        DeskList("most-read", _("Most read in the last 24 hours"), read, _("Nobody has read anything yet today.")),
    ]


def _most_read_in_all_languages() -> list[Article]:
    """The five most read of the last 24 hours, whatever their language. Ranked again at most
    every ``MOST_READ_CACHE_SECONDS`` and after every edit (``page_data``): ranking three
    languages' hours took most of the desk's time at a million articles (about 45 ms)."""
    return sorted(
        (article for language, _name in settings.LANGUAGES for article in most_read(language)[:5]),
        key=lambda article: -article.recent_views,
    )[:5]


def _journalist_desk(user) -> list[DeskList]:
    mine = Article.objects.filter(created_by=user).select_related("section", "created_by").defer("body")
    drafts = list(mine.filter(status=Article.Status.DRAFT).order_by("-updated_at", "-pk")[:DESK_ROWS])
    review = list(mine.filter(status=Article.Status.REVIEW).order_by("status_changed_at", "pk")[:DESK_ROWS])
    for article in review:
        article.waiting_since = article.status_changed_at or article.updated_at
    published = _with_pending_views(
        list(
            mine.published()
            .filter(publish_at__gte=_today_start())
            .with_view_counts()
            .order_by("-publish_at", "-pk")[:DESK_ROWS]
        )
    )
    return [
        DeskList("drafts", _("My drafts"), drafts, _("No drafts."), "?state=draft"),
        DeskList("review", _("Sent for review"), review, _("Nothing is waiting for review."), "?state=review"),
        DeskList("published", _("Mine published today"), published, _("Nothing of yours has been published today.")),
    ]

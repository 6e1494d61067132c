"""The most read articles of the last 24 hours or 7 days, from readers' views per hour and per
day (``ArticleViewsByHour``, ``ArticleViewsByDay``, written by the view-count flush).

A list is one query, kept for ``MOST_READ_CACHE_SECONDS`` and until the next scheduled change
(``page_data(timed=True)``), so pages never rank the views themselves: at most one ranking
per language and period per interval, whatever the traffic.
"""

import datetime as dt

from django.conf import settings
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from articles.models import Article, ArticleViewsByDay, ArticleViewsByHour
from newsroom.pagecache import page_data

# ?period= values and the hours they cover (the current hour included).
PERIODS = {"24h": 24, "7d": 7 * 24}
DEFAULT_PERIOD = "24h"
# How many articles a list keeps (/popular/ shows them all; blocks show the first few).
MOST_READ_LIMIT = 20
# A list is ranked among this many times more candidates: a withdrawn or expired article among
# the most viewed leaves its place to the next.
CANDIDATES_FACTOR = 2


def period_or_default(value: str | None) -> str:
    """A ``?period=`` value we know, else the 24-hour list (a bad value is never an error)."""
    return value if value in PERIODS else DEFAULT_PERIOD


def most_read(language: str, period: str = DEFAULT_PERIOD) -> list[Article]:
    """The most read published articles in ``language``: teasers with ``recent_views``."""
    period = period_or_default(period)
    return page_data(
        f"most-read:{language}:{period}",
        lambda: _rank(language, period),
        seconds=settings.MOST_READ_CACHE_SECONDS,
        timed=True,
    )


def _rank(language: str, period: str) -> list[Article]:
    """One query: the language's view counts over the period summed per article (from the
    (language, time, article, count) index alone), the top candidates kept, and those that are
    published loaded as teasers. The 24 hours are summed from hours; the 7 days from days
    (today and the six before it, UTC): a week of hours took about 100 ms at a million
    articles, a week of days about a tenth of that."""
    now = timezone.now().astimezone(dt.UTC)
    if period == "7d":
        since = now.replace(hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=6)
        window = ArticleViewsByDay.objects.filter(language=language, day__gte=since)
    else:
        since = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=PERIODS[period] - 1)
        window = ArticleViewsByHour.objects.filter(language=language, hour__gte=since)
    ranked = (
        window.values("article")
        .annotate(total=Sum("count"))
        .order_by("-total", "-article")
        .values("article")[: MOST_READ_LIMIT * CANDIDATES_FACTOR]
    )
    views = window.filter(article=OuterRef("pk")).values("article").annotate(total=Sum("count")).values("total")
    articles = (
        Article.objects.published()
        .filter(language=language, pk__in=ranked)
        .for_list()
        .annotate(recent_views=Subquery(views))
        .order_by("-recent_views", "-publish_at", "-pk")
    )
    return list(articles[:MOST_READ_LIMIT])

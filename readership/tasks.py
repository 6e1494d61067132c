"""Background work of the articles app: periodic jobs the worker runs (settings.PERIODIC_JOBS)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from redis.exceptions import RedisError

from articles.models import ArticleViewsByDay, ArticleViewsByHour
from readership import buffer as views_buffer

# Views per hour are kept this long: only the 24-hour most-read list reads them.
HOURS_KEEP_DAYS = 2


def flush_view_counts() -> str:
    """Write the views waiting in Redis to the database, whether or not readers keep coming
    (readers' requests also flush, at most every VIEW_COUNT_FLUSH_SECONDS). Without Redis
    every view is already in the database."""
    client = views_buffer.redis_client()
    if client is None:
        return "no buffer (every view is written at once)"
    try:
        return f"{views_buffer.flush(client)} views written"
    except RedisError as error:  # the views stay where they are; the next run tries again
        return f"Redis unavailable ({type(error).__name__}): nothing written"


def prune_views_by_hour() -> str:
    """Delete readers' views per hour older than two days (the 24-hour list is all that reads
    them) and per day older than MOST_READ_KEEP_DAYS (the 7-day list). The totals
    (``ArticleViews``) are not touched."""
    now = timezone.now()
    hours, _ = ArticleViewsByHour.objects.filter(hour__lt=now - dt.timedelta(days=HOURS_KEEP_DAYS)).delete()
    days, _ = ArticleViewsByDay.objects.filter(day__lt=now - dt.timedelta(days=settings.MOST_READ_KEEP_DAYS)).delete()
    keep = settings.MOST_READ_KEEP_DAYS
    return f"{hours} hourly rows older than {HOURS_KEEP_DAYS} days and {days} daily rows older than {keep} days deleted"

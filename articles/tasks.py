"""Background work of the articles app: periodic jobs the worker runs (settings.PERIODIC_JOBS)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from redis.exceptions import RedisError

from articles import views_buffer
from articles.models import ArticleViewsByHour


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
    """Delete readers' views per hour older than MOST_READ_KEEP_DAYS: the most-read lists
    cover 7 days at most. The totals (``ArticleViews``) are not touched."""
    before = timezone.now() - dt.timedelta(days=settings.MOST_READ_KEEP_DAYS)
    deleted, _ = ArticleViewsByHour.objects.filter(hour__lt=before).delete()
    return f"{deleted} hourly rows older than {settings.MOST_READ_KEEP_DAYS} days deleted"

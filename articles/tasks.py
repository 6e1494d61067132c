"""Background work of the articles app: periodic jobs the worker runs (settings.PERIODIC_JOBS)."""

from redis.exceptions import RedisError

from articles import views_buffer


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

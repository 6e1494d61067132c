"""View counts buffered in Redis (when REDIS_URL is set), flushed to the database in one statement.

A reader's view (the article page's beacon) is one script in Redis, one round trip: it marks
the page load's token as seen (a page load that sends its beacon again is not counted twice),
adds one to a Redis hash (article id -> views not yet written) and tries to take the flush
lock. Whoever takes the lock (at most once every ``VIEW_COUNT_FLUSH_SECONDS``; the worker too)
renames the hash away atomically and adds its counts to the articles (``write``); if the
database refuses, the counts go back into the hash, so a database restart loses nothing. What
Redis holds at a crash of Redis itself (at most the last few seconds of views, unless Redis
persists its data) is the price of a view costing no database write. Without Redis every view
is one upsert (``readership.services.view_record``).
"""

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import F
from django.utils import timezone
from redis.exceptions import RedisError

from articles.models import Article, ArticleViews, ArticleViewsByDay, ArticleViewsByHour
from newsroom.middleware import DATABASE_ERRORS

log = logging.getLogger("newsroom.errors")

PENDING_KEY = "views:pending"
LOCK_KEY = "views:flush-lock"


def redis_client():
    """Redis, when it is the cache (``newsroom.cache.RedisCache``) and buffering is on; else None."""
    if not settings.VIEW_COUNT_FLUSH_SECONDS or not hasattr(cache, "redis_client"):
        return None
    return cache.redis_client()


# A page load's token is remembered this long: a beacon sent again (a page restored from the
# back-forward cache, a retry) within it is not counted again.
SEEN_SECONDS = 600

# KEYS: the hash of waiting views, the flush lock, the token's key (or the hash again when the
# beacon has no token: a <noscript> pixel). ARGV: article id, lock seconds, token seconds.
# Returns 0 (already counted), 1 (counted) or 2 (counted, and the caller took the lock).
RECORD_ONCE = """
if KEYS[3] ~= KEYS[1] and not redis.call('SET', KEYS[3], 1, 'NX', 'EX', tonumber(ARGV[3])) then
  return 0
end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
if redis.call('SET', KEYS[2], 1, 'NX', 'EX', tonumber(ARGV[2])) then
  return 2
end
return 1
"""
_scripts = {}


def seen_name(token: str) -> str:
    """The cache key (before the cache's prefix) that remembers a page load's token."""
    return f"views:seen:{token}"


def record(client, article_id: int, token: str = "") -> bool | None:
    """Count one view of the article, once per page-load ``token`` (every call, without one);
    returns whether it counted, or None if Redis cannot be reached (the caller writes it then).
    The one who takes the flush lock writes what waited to the database."""
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(RECORD_ONCE)
    pending_key = cache.make_key(PENDING_KEY)  # constant names and a hexadecimal token: nothing to validate
    keys = [pending_key, cache.make_key(LOCK_KEY), cache.make_key(seen_name(token)) if token else pending_key]
    done = cache.call_redis(None, script, keys=keys, args=[article_id, settings.VIEW_COUNT_FLUSH_SECONDS, SEEN_SECONDS])
    if done is None:
        return None
    if done == 2:
        flush_locked()
    return done > 0


def pending(article_ids) -> dict[int, int]:
    """The views of these articles that wait in Redis (not yet in the database): what the
    admin adds to the database's counts. Empty without Redis or when it cannot be reached."""
    client = redis_client()
    ids = [str(article_id) for article_id in article_ids]
    if client is None or not ids:
        return {}
    values = cache.call_redis(None, client.hmget, cache.make_and_validate_key(PENDING_KEY), ids)
    return {int(key): int(value) for key, value in zip(ids, values or [], strict=False) if value}


def flush_locked() -> dict[int, int] | None:
    """The caller took the flush lock: write what waited (or leave it in Redis for the next);
    returns the views written per article, or None if they stayed in Redis."""
    try:
        return take_and_write(redis_client())
    except (*DATABASE_ERRORS, RedisError) as error:  # the counts stay in (or went back to) Redis
        log.warning("view counts not flushed: %s", type(error).__name__)
        return None


def flush(client) -> int:
    """Move the buffered views into the database; returns how many were written."""
    return sum(take_and_write(client).values())


def take_and_write(client) -> dict[int, int]:
    """Move the buffered views into the database; returns them per article."""
    pending = cache.make_and_validate_key(PENDING_KEY)
    taken = f"{pending}:flushing:{uuid.uuid4().hex}"
    try:
        client.rename(pending, taken)
    except Exception as error:  # redis.ResponseError "no such key": nothing buffered
        if "no such key" in str(error).lower():
            return {}
        raise
    counts = {int(key): int(value) for key, value in client.hgetall(taken).items()}
    try:
        write(counts)
    except DATABASE_ERRORS:
        restore = client.pipeline(transaction=False)
        for article_id, views in counts.items():
            restore.hincrby(pending, str(article_id), views)
        restore.delete(taken)
        restore.execute()
        raise
    client.delete(taken)
    return counts


def write(counts: dict[int, int], *, hand_written: bool | None = None) -> None:
    """Add views to the articles' counts (``ArticleViews``) and to this hour's and this day's
    counts (``ArticleViewsByHour``, ``ArticleViewsByDay``: the most-read lists): upserts, since
    an article's row appears with its first reader; articles deleted meanwhile are skipped.
    PostgreSQL does all three in one statement (``write_sql``: a flush of thousands of articles
    every few seconds, and 500 readers at once without Redis, must not wait on each other); the
    ORM elsewhere (SQLite takes one writer at a time), in one transaction."""
    if not counts:
        return
    now = timezone.now().astimezone(dt.UTC)
    hour = now.replace(minute=0, second=0, microsecond=0)
    day = hour.replace(hour=0)
    db = router.db_for_write(ArticleViews)  # the article's language too: a replica may not have it yet
    if hand_written is None:
        hand_written = connections[db].vendor == "postgresql"
    if hand_written:
        with connections[db].cursor() as cursor:
            cursor.execute(*write_sql(counts, hour, day))
        return
    with transaction.atomic(using=db):
        languages = dict(Article.objects.using(db).filter(pk__in=counts).values_list("pk", "language"))
        for article_id, language in languages.items():
            views = counts[article_id]
            for model, bucket in (
                (ArticleViews, {}),
                (ArticleViewsByHour, {"hour": hour, "language": language}),
                (ArticleViewsByDay, {"day": day, "language": language}),
            ):
                rows = model.objects.using(db).filter(article_id=article_id, **bucket)
                if not rows.update(count=F("count") + views):
                    model.objects.using(db).create(article_id=article_id, count=views, **bucket)


def write_sql(counts: dict[int, int], hour: dt.datetime, day: dt.datetime) -> tuple[str, list]:
    """``write`` for PostgreSQL: one data-modifying WITH, the totals, the hour's and the day's
    buckets upserted together, atomic by itself. Values go as parameters."""
    rows = ", ".join(["(%s, %s)"] * len(counts))
    params = [value for pair in sorted(counts.items()) for value in pair]
    viewed = (
        f"WITH v(id, views) AS (VALUES {rows}), "
        "seen AS (SELECT v.id, v.views, a.language FROM v JOIN articles_article a ON a.id = v.id)"
    )
    totals = (
        "INSERT INTO articles_article_views (article_id, count) SELECT id, views FROM seen WHERE true "
        "ON CONFLICT (article_id) DO UPDATE SET count = articles_article_views.count + excluded.count"
    )
    by_hour = (
        "INSERT INTO articles_article_views_by_hour (article_id, hour, language, count) "
        "SELECT id, %s, language, views FROM seen WHERE true "
        "ON CONFLICT (hour, article_id) DO UPDATE SET count = articles_article_views_by_hour.count + excluded.count"
    )
    by_day = (
        "INSERT INTO articles_article_views_by_day (article_id, day, language, count) "
        "SELECT id, %s, language, views FROM seen WHERE true "
        "ON CONFLICT (day, article_id) DO UPDATE SET count = articles_article_views_by_day.count + excluded.count"
    )
    sql = f"{viewed}, totals AS ({totals} RETURNING 1), hours AS ({by_hour} RETURNING 1) {by_day}"
    return sql, [*params, hour, day]

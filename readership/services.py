"""Counting a reader's view: once per page load, buffered in Redis when there is one."""

from django.core.cache import cache

from readership import buffer


def view_record(*, article_id: int, token: str = "") -> bool:
    """A reader's page load sent its view beacon (``readership.views.count_view``). Counted once
    per page-load ``token``: with Redis, one script there (``readership.buffer``); else one
    atomic upsert into ``ArticleViews``, the token remembered in the cache. If Redis is down, the
    view is written at once, unchecked: a rare double count rather than a lost view. Either way
    concurrent readers never lose a view. Returns whether the view counted."""
    client = buffer.redis_client()
    if client is not None:
        counted = buffer.record(client, article_id, token)
        if counted is not None:
            return counted
    elif token and not cache.add(buffer.seen_name(token), 1, buffer.SEEN_SECONDS):
        return False
    buffer.write({article_id: 1})
    return True

"""Small read-through cache for the rows every page shows (publisher, sections, promo blocks),
and the Redis cache backend used when REDIS_URL is set.

Each is one key, forgotten whenever the admin (or a command) changes the rows behind it, and
kept for at most ``seconds`` in case a change bypassed those paths.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

_MISSING = object()


def cached[T](key: str, load: Callable[[], T], *, seconds: int = 300) -> T:
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = load()
        cache.set(key, value, seconds)
    return value


def forget(*keys: str) -> None:
    cache.delete_many(keys)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping its ``redis.Redis`` objects instead of building one per
    operation: redis-py 8 builds a table of response callbacks in every ``Redis()``, about
    0.2 ms, which was most of the cost of a page served from the cache."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with the client above (REDIS_URL)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

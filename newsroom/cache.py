"""A small read-through cache (``cached``), and the Redis cache backend used when REDIS_URL
is set. The rows every page shows go through ``newsroom.pagecache.page_data``, which keys them
by the pages' epoch.
"""

import logging
import time
from collections.abc import Callable

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import RedisError

_MISSING = object()
log = logging.getLogger("newsroom.errors")


def cached[T](key: str, load: Callable[[], T], *, seconds: int = 300) -> T:
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = load()
        cache.set(key, value, seconds)
    return value


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping its ``redis.Redis`` objects instead of building one per
    operation: redis-py 8 builds a table of response callbacks in every ``Redis()``, which
    costs as much as the operation itself (a page served from the cache makes one)."""

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
    """``django.core.cache.backends.redis.RedisCache`` with the client above (REDIS_URL), and no
    outage of its own: when Redis cannot be reached, reads are misses and writes do nothing for
    ``RETRY_SECONDS`` (one warning in the log), so readers get pages rendered from the database
    and journalists can save. What an edit could not forget meanwhile expires by itself
    (``PAGE_CACHE_SECONDS``, the header data's five minutes)."""

    RETRY_SECONDS = 5

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._down_until = 0.0

    def redis_client(self):
        """The redis-py client for writes, for what the cache API cannot say (a script, a hash:
        the view-count buffer, readership/buffer.py)."""
        return self._cache.get_client(write=True)

    def call_redis(self, fallback, operation, *args, **kwargs):
        """``operation(*args, **kwargs)``, or ``fallback`` while Redis is unreachable."""
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return operation(*args, **kwargs)
        except RedisError as error:
            self._down_until = time.monotonic() + self.RETRY_SECONDS
            log.warning("Redis unreachable (%s): the cache is bypassed for %s s", error, self.RETRY_SECONDS)
            return fallback

    def get(self, key, default=None, version=None):
        return self.call_redis(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self.call_redis({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self.call_redis(False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self.call_redis(False, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self.call_redis(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self.call_redis(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self.call_redis(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self.call_redis(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self.call_redis(None, super().delete_many, keys, version)

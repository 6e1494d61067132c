"""A small read-through cache (``cached``), and the Redis cache backend used when REDIS_URL
is set. The rows every page shows go through ``newsroom.pagecache.page_data``, which keys them
by the pages' epoch.
"""

import logging
import time
from collections.abc import Callable
from typing import NamedTuple

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


class HitCounter(NamedTuple):
    """A Redis hash field that counts the hits of a cached value, and a lock whose taker is told
    (``on_lock``, a dotted path called with no arguments) that it is time to read the counts."""

    hash: str
    field: str
    lock: str
    lock_seconds: int
    on_lock: str

    def dumps(self) -> bytes:
        return "\n".join([self.hash, self.field, self.lock, str(self.lock_seconds), self.on_lock]).encode()

    @classmethod
    def loads(cls, data: bytes) -> "HitCounter":
        hash_key, field, lock, seconds, on_lock = data.decode().split("\n")
        return cls(hash_key, field, lock, int(seconds), on_lock)


# KEYS: the keys to fetch, then the counter key of the last of them. When the last key and its
# counter exist, the counter's hash field gains one and its lock is taken if free. Returns the
# values, the counter (or false) and whether the lock was taken. The hash and the lock are
# named by the counter, not in KEYS: fine on one Redis server, not on a Redis Cluster.
COUNTED_GET = """
local n = #KEYS - 1
local found = redis.call('MGET', unpack(KEYS, 1, n))
found[n + 1] = false
found[n + 2] = false
local counter = redis.call('GET', KEYS[n + 1])
if counter and found[n] then
  local hash, field, lock, seconds = string.match(counter, '^(.-)\\n(.-)\\n(.-)\\n(%d+)\\n')
  redis.call('HINCRBY', hash, field, 1)
  found[n + 1] = counter
  if redis.call('SET', lock, 1, 'NX', 'EX', tonumber(seconds)) then
    found[n + 2] = 1
  end
end
return found
"""


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with the client above (REDIS_URL), a
    lookup that counts a hit in the same round trip (the article page's view count), and no
    outage of its own: when Redis cannot be reached, reads are misses and writes do nothing for
    ``RETRY_SECONDS`` (one warning in the log), so readers get pages rendered from the database
    and journalists can save. What an edit could not forget meanwhile expires by itself
    (``PAGE_CACHE_SECONDS``, the header data's five minutes)."""

    RETRY_SECONDS = 5

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._scripts = {}
        self._down_until = 0.0

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

    def get_many_counted(self, keys: list[str], counter_key: str) -> tuple[dict, HitCounter | None, bool]:
        """``get_many(keys)`` in one round trip that also counts a hit when the last key and its
        counter (``set_counter(counter_key, ...)``) exist. Returns the values found, the counter
        that counted (or None) and whether this call took the counter's lock."""
        return self.call_redis(({}, None, False), self._get_many_counted, keys, counter_key)

    def _get_many_counted(self, keys, counter_key):
        made = [self.make_and_validate_key(key) for key in keys]
        client = self._cache.get_client(write=True)
        script = self._scripts.get(id(client))
        if script is None:
            script = self._scripts[id(client)] = client.register_script(COUNTED_GET)
        *values, counter, locked = script(keys=[*made, self.make_and_validate_key(counter_key)])
        loads = self._cache._serializer.loads
        found = {key: loads(value) for key, value in zip(keys, values, strict=True) if value is not None}
        return found, HitCounter.loads(counter) if counter else None, bool(locked)

    def set_counter(self, counter_key: str, counter: HitCounter, timeout: int) -> None:
        client = self._cache.get_client(write=True)
        self.call_redis(None, client.set, self.make_and_validate_key(counter_key), counter.dumps(), ex=timeout)

    def uncount(self, counter: HitCounter) -> None:
        """Take back a hit that ``get_many_counted`` counted but the caller did not use."""
        self.call_redis(None, self._cache.get_client(write=True).hincrby, counter.hash, counter.field, -1)

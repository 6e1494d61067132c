"""Partner API keys at request time: finding the key a request carries (compared in constant
time), the per-key rate limit, and when a key was last used."""

import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from distribution.models import KEY_SCHEME, PREFIX_LENGTH, ApiKey, hash_secret

# Compared against when no key has the prefix, so that a wrong prefix takes as long as a wrong secret.
_NO_HASH = "0" * 64
# How often ``last_used_at`` is written for a key that is in use (seconds).
LAST_USED_EVERY = 60


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def authenticate(token: str) -> ApiKey | None:
    """The active key ``token`` is (``nrk_<prefix>_<secret>``), or None. One indexed query."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_SCHEME or len(parts[1]) != PREFIX_LENGTH or not parts[2]:
        return None
    if not (parts[1].isascii() and parts[1].isalnum()):  # never a NUL or other oddity in a query
        return None
    key = ApiKey.objects.filter(prefix=parts[1]).first()
    matches = hmac.compare_digest(hash_secret(parts[2]), key.key_hash if key is not None else _NO_HASH)
    if key is None or not matches or not key.is_active:
        return None
    return key


def check_rate(key: ApiKey) -> None:
    """Count this request in the key's current minute; raise ``RateLimited`` (with the seconds
    until the next minute) past ``API_RATE_LIMIT_PER_MINUTE``. The count lives in the shared
    cache (Redis in production), so all workers share one limit."""
    now = time.time()
    name = f"distribution:rate:{key.pk}:{int(now // 60)}"
    cache.add(name, 0, timeout=90)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=90)
        count = 1
    if count > settings.API_RATE_LIMIT_PER_MINUTE:
        raise RateLimited(max(1, 60 - int(now % 60)))


def touch(key: ApiKey) -> None:
    """Record that the key is in use: at most one write a minute per key."""
    if cache.add(f"distribution:used:{key.pk}", 1, timeout=LAST_USED_EVERY):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())

"""Small read-through cache for the rows every page shows (publisher, sections, promo blocks).

Each is one key, forgotten whenever the admin (or a command) changes the rows behind it, and
kept for at most ``seconds`` in case a change bypassed those paths.
"""

from collections.abc import Callable

from django.core.cache import cache

_MISSING = object()


def cached[T](key: str, load: Callable[[], T], *, seconds: int = 300) -> T:
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = load()
        cache.set(key, value, seconds)
    return value


def forget(*keys: str) -> None:
    cache.delete_many(keys)

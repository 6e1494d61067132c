"""Reads and writes of agencies that have side effects (the cached publisher)."""

from django.core.cache import cache

from agencies.models import Agency

PUBLISHER_CACHE_KEY = "agencies:publisher:v1"
PUBLISHER_CACHE_SECONDS = 300


def publisher_get() -> Agency | None:
    """The publisher agency, cached: every page's footer shows its imprint."""
    publisher = cache.get(PUBLISHER_CACHE_KEY)
    if publisher is None:
        # Cache "no publisher yet" too (as False), so an empty site does not query on every page.
        publisher = Agency.objects.publisher() or False
        cache.set(PUBLISHER_CACHE_KEY, publisher, PUBLISHER_CACHE_SECONDS)
    return publisher or None


def publisher_cache_clear() -> None:
    """Forget the cached publisher; call after any change to an agency."""
    cache.delete(PUBLISHER_CACHE_KEY)

"""Reads of agencies that every page makes, cached, and forgetting them after changes."""

from agencies.models import Agency, PromoBlock
from newsroom.cache import cached, forget

PUBLISHER_KEY = "agencies:publisher:v1"
PROMO_BLOCKS_KEY = "agencies:promo-blocks:v1"


def publisher_get() -> Agency | None:
    """The publisher agency: every page's footer shows its imprint."""
    return cached(PUBLISHER_KEY, Agency.objects.publisher)


def promo_blocks_active() -> list[PromoBlock]:
    """The active promo blocks, in order, shown under articles."""
    return cached(PROMO_BLOCKS_KEY, lambda: list(PromoBlock.objects.filter(is_active=True)))


def publisher_cache_clear() -> None:
    """Forget the cached publisher; call after any change to an agency."""
    forget(PUBLISHER_KEY)


def promo_blocks_cache_clear() -> None:
    forget(PROMO_BLOCKS_KEY)

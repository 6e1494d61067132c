"""Reads of agencies that every page makes, kept until readers' pages change
(``newsroom.pagecache.page_data``: any edit through the admin replaces the pages' epoch)."""

from agencies.models import Agency, PromoBlock
from newsroom.pagecache import page_data

PUBLISHER_KEY = "agencies:publisher:v2"
PROMO_BLOCKS_KEY = "agencies:promo-blocks:v2"


def publisher_get() -> Agency | None:
    """The publisher agency: every page's footer shows its imprint."""
    return page_data(PUBLISHER_KEY, Agency.objects.publisher)


def promo_blocks_active() -> list[PromoBlock]:
    """The active promo blocks, in order, shown under articles."""
    return page_data(PROMO_BLOCKS_KEY, lambda: list(PromoBlock.objects.filter(is_active=True)))

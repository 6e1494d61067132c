from django.utils.functional import SimpleLazyObject

from agencies.services import promo_blocks_active, publisher_get


def publisher(request):
    """``publisher`` (the Agency that publishes the site, or None) for every page's footer, and
    ``promo_blocks`` for the pages that show them. Both cached, loaded only when used."""
    return {"publisher": SimpleLazyObject(publisher_get), "promo_blocks": SimpleLazyObject(promo_blocks_active)}

"""What every reader-facing page's frame shows (the Jinja2 pages' context processor)."""

from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from agencies.services import promo_blocks_active, publisher_get
from articles.services import breaking_news, sections_menu


def public_page(request):
    """What every reader-facing page's frame shows, loaded at once (the Jinja2 pages all show
    it, and a lazy object costs each attribute a page reads): the publisher, the sections
    menu and the breaking-news banner; and the promo blocks, loaded only if a page shows them."""
    return {
        "publisher": publisher_get(),
        "promo_blocks": SimpleLazyObject(promo_blocks_active),
        "sections": sections_menu(),
        "breaking": breaking_news(get_language()) or {},
    }

"""What every public page's frame shows: the sections menu and the breaking-news banner."""

from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from articles.services import breaking_news, sections_menu


def site_menu(request):
    """``sections``: the sections menu in the page header (cached; loaded only if a page shows it)."""
    return {"sections": SimpleLazyObject(sections_menu)}


def breaking_news_banner(request):
    """``breaking``: the banner of the page's language, or nothing (loaded only if shown)."""
    language = get_language()
    return {"breaking": SimpleLazyObject(lambda: breaking_news(language) or {})}

from django.utils.functional import SimpleLazyObject

from articles.services import sections_menu


def site_menu(request):
    """``sections``: the sections menu in the page header (cached; loaded only if a page shows it)."""
    return {"sections": SimpleLazyObject(sections_menu)}

from django.utils.functional import SimpleLazyObject

from agencies.services import publisher_get


def publisher(request):
    """``publisher`` (the Agency that publishes the site, or None) for every template's footer."""
    return {"publisher": SimpleLazyObject(publisher_get)}

"""An address in another language than the active one: Django's ``reverse()`` under that
language's prefix (none for Russian, /kk/, /en/), for an article's own address, the language
switcher, sitemaps and the partner API."""

from django.urls import reverse
from django.utils.translation import override


def reverse_in(language: str, viewname: str, *args) -> str:
    """``reverse(viewname, args=args)`` as if ``language`` were active."""
    with override(language):
        return reverse(viewname, args=args)

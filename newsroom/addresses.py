"""``reverse()`` for the slug addresses that pages print by the dozen, and sitemaps by the
fifty thousand: articles, topics, people, sections, countries.

Django's ``reverse()`` matches the view's patterns and quotes the result on every call, about
40 microseconds: a million-article sitemap file spent two of its four seconds there. A slug
address is the same text around the slug for a given view, language prefix, script prefix
(``SCRIPT_NAME``) and URLconf, so the first call reverses a marker and keeps the text around
it; later calls only join. Slugs are ``[-a-zA-Z0-9_]`` (the ``slug`` path converter), which
``reverse()`` never quotes, so the result is the same string (tests/test_addresses.py checks
every view and language against ``reverse()``).
"""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, override

MARKER = "slug-marker-7f3a"


@functools.lru_cache(maxsize=256)
def _around(viewname: str, language: str, prefix: str, urlconf: str | None) -> tuple[str, str]:
    with override(language):
        head, tail = reverse(viewname, kwargs={"slug": MARKER}, urlconf=urlconf).split(MARKER)
    return head, tail


@functools.lru_cache(maxsize=64)
def _reversed(viewname: str, language: str, prefix: str, urlconf: str | None) -> str:
    with override(language):
        return reverse(viewname, urlconf=urlconf)


def view_url(viewname: str, *, language: str | None = None) -> str:
    """``reverse(viewname)`` (a view without arguments: a front page) under ``language``."""
    return _reversed(viewname, language or get_language(), get_script_prefix(), get_urlconf())


def slug_url(viewname: str, slug: str, *, language: str | None = None) -> str:
    """``reverse(viewname, kwargs={"slug": slug})`` under ``language`` (default: the active one)."""
    head, tail = _around(viewname, language or get_language(), get_script_prefix(), get_urlconf())
    return f"{head}{slug}{tail}"


@receiver(setting_changed)
def _forget_addresses(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"):  # tests' override_settings
        _around.cache_clear()
        _reversed.cache_clear()

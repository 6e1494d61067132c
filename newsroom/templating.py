"""What the public pages' Jinja2 templates use from the kernel: Django's URLs, dates and
translations in Jinja2's terms, and the language switcher and canonical address of any page.
(``website.templating`` builds the environment with these and the apps' own functions.)"""

import functools
import unicodedata

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import urlencode
from django.templatetags.static import static as static_url
from django.urls import reverse, translate_url
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, get_language_info, gettext, ngettext
from jinja2 import ChainableUndefined, Environment, pass_context

from newsroom.addresses import reverse_in


def url(name: str, *args) -> str:
    """``{% url %}``: the address of the view ``name``."""
    return reverse(name, args=args)


def date(value, pattern: str) -> str:
    """Django's ``date`` filter, in the newsroom's time zone as Django's templates show it."""
    return date_filter(template_localtime(value), pattern) if value else ""


def truncatechars(value, length: int) -> str:
    """Django's ``truncatechars``: at most ``length`` characters, an ellipsis included. (A
    text that short already is only normalized, as Django does, without its walk over every
    character.)"""
    value = str(value)
    if len(value) <= length:
        return unicodedata.normalize("NFC", value)
    return Truncator(value).chars(length)


@functools.lru_cache(maxsize=256)
def static(path: str) -> str:
    """``{% static %}``: a static file's address (its hashed name in production), worked out
    once per process."""
    return static_url(path)


@receiver(setting_changed)
def _forget_static_addresses(*, setting, **kwargs):
    if setting in ("STATIC_URL", "STORAGES", "STATICFILES_DIRS", "DEBUG"):  # tests' override_settings
        static.cache_clear()


def current_year() -> int:
    return timezone.localtime().year


def language_name(code: str) -> str:
    """A language's own name (``{% get_language_info %}``'s ``name_local``)."""
    return get_language_info(code)["name_local"]


@pass_context
def language_links(context, translations=None, front_pages=False):
    """The language switcher: for each language, this page in that language.

    On an article page (``translations``: its other published language versions) a language
    links to its version, or to that language's front page when there is none. Error pages
    (``front_pages``) link to the front pages: they never echo the address asked for.
    """
    if front_pages:
        translations = []
    request = context["request"]
    current = get_language()
    versions = {article.language: article for article in translations or []}
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            url = None  # shown as the current language, not linked
        elif translations is not None:
            url = versions[code].get_absolute_url() if code in versions else reverse_in(code, "articles:list")
        else:
            url = translate_url(request.get_full_path(), code)
        links.append(
            {"code": code, "name": get_language_info(code)["name_local"], "url": url, "current": code == current}
        )
    return links


def iso(value):
    """An aware datetime as HTML's machine-readable time: ISO 8601 in the newsroom's zone, whole seconds."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@pass_context
def canonical_url(context):
    """This page's address without query parameters, except a page number past the first:
    filters and tracking parameters never make a second copy of a page for search engines."""
    request = context["request"]
    url = request.build_absolute_uri(request.path)
    page = context.get("page_obj")
    if page is not None and page.number > 1:
        url += f"?page={page.number}"
    elif context.get("canonical_query"):  # a page of the news feed, the 7-day most read
        url += f"?{context['canonical_query']}"
    return url


def environment(**options) -> Environment:
    """A Jinja2 environment with Django's translations (``_``, ``gettext``, ``ngettext``, in the
    request's language) and this module's functions and filters. A missing variable or
    attribute is empty, as in Django's templates, in production and in DEBUG alike."""
    options["undefined"] = ChainableUndefined
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.globals.update(
        static=static,
        url=url,
        get_language=get_language,
        language_name=language_name,
        language_links=language_links,
        canonical_url=canonical_url,
        current_year=current_year,
    )
    env.filters.update(date=date, iso=iso, truncatechars=truncatechars, urlencode=urlencode)
    return env

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import timezone
from django.utils.translation import get_language, get_language_info

from newsroom.addresses import view_url

register = template.Library()


@register.simple_tag(takes_context=True)
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
            url = versions[code].get_absolute_url() if code in versions else view_url("articles:list", language=code)
        else:
            url = translate_url(request.get_full_path(), code)
        links.append(
            {"code": code, "name": get_language_info(code)["name_local"], "url": url, "current": code == current}
        )
    return links


@register.filter
def iso(value):
    """An aware datetime as HTML's machine-readable time: ISO 8601 in the newsroom's zone, whole seconds."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.simple_tag(takes_context=True)
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

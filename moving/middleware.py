"""Old addresses: a request nothing else answered (404), or WordPress's ``/?p=<id>``, is sent
on (301) to what replaced it, if ``LegacyRedirect`` knows the address. One indexed query, and
only on those requests; while the database is away, the site's 503 notice (a middleware is
outside the views, where Django would route the error to ``process_exception``)."""

import re

from django.db.models import F, Q
from django.http import HttpResponsePermanentRedirect
from django.utils import timezone

from articles.models import Article
from moving.models import LegacyRedirect
from newsroom.middleware import DATABASE_ERRORS, database_unavailable

# WordPress's short links: /?p=123 (posts), /?page_id=45 (pages), /?attachment_id=6.
SHORT_LINK = re.compile(r"^(p|page_id|attachment_id)=(\d+)$")


def candidates(request) -> list[str]:
    if request.path == "/":
        match = SHORT_LINK.match(request.META.get("QUERY_STRING", ""))
        return [f"/?{match[1]}={match[2]}"] if match else []
    path = request.path
    if "\x00" in path:  # no address has one, and PostgreSQL refuses a NUL in a text
        return []
    other = path[:-1] if path.endswith("/") else path + "/"
    return [path, other]


def redirect_for(request):
    paths = candidates(request)
    if not paths:
        return None
    # An article that readers may not see yet (a draft, a scheduled one) is not pointed to:
    # its new address would give it away.
    visible = Q(article__isnull=True) | Q(article__in=Article.objects.published())
    found = LegacyRedirect.objects.filter(visible, old_path__in=paths).select_related("article").first()
    if found is None:
        return None
    LegacyRedirect.objects.filter(pk=found.pk).update(hits=F("hits") + 1, last_hit_at=timezone.now())
    return HttpResponsePermanentRedirect(found.target())


class LegacyRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            if request.path == "/" and request.META.get("QUERY_STRING") and request.method in ("GET", "HEAD"):
                response = redirect_for(request)  # the front page would answer these otherwise
                if response is not None:
                    return response
            response = self.get_response(request)
            if response.status_code == 404 and request.method in ("GET", "HEAD"):
                return redirect_for(request) or response
            return response
        except DATABASE_ERRORS as error:
            return database_unavailable(request, error)

"""The project's own views: robots.txt, the health checks, and the 400, 404 and 500 pages (the
503 notice while the database is away)."""

import sys

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views import defaults
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from newsroom.middleware import DATABASE_ERRORS, RETRY_AFTER_SECONDS, database_unavailable

# Paths search engines should not crawl: the admin, search results and preview links, in
# every language (they also answer noindex).
DISALLOWED = ["/admin/", "/search/", "/kk/search/", "/en/search/", "/preview/", "/kk/preview/", "/en/preview/"]


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), ""]
    for name in ("sitemap_index", "sitemap_news"):
        lines.append(f"Sitemap: {request.build_absolute_uri(reverse(name))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request):
    """The process is alive (no database involved): for the load balancer's liveness check."""
    return HttpResponse("ok\n", content_type="text/plain")


_migrations_applied = False


@never_cache
def readyz(request):
    """Ready for traffic: the database answers and every migration is applied."""
    global _migrations_applied
    try:
        connection.ensure_connection()
        if not _migrations_applied:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if pending:
                return HttpResponse(f"migrations pending: {len(pending)}\n", content_type="text/plain", status=503)
            _migrations_applied = True  # migrations are applied before a deploy, never undone live
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        response = HttpResponse("database unavailable\n", content_type="text/plain", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse("ok\n", content_type="text/plain")


def bad_request(request, exception=None):
    """Django's 400 for a request it refuses before any view runs (a Host header that is not
    the site's): JSON under /api/, like every other answer of the partner API; the usual
    page elsewhere."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": "Bad request."}, status=400)
        response["Cache-Control"] = "private, no-cache"
        return response
    return defaults.bad_request(request, exception)


def page_not_found(request, exception=None):
    """Django's 404 page (templates/jinja2/404.html, which shows the publisher's footer), or the
    503 notice when the database is away: Django calls this handler outside the views, where
    the request log's middleware cannot turn the error into the notice."""
    try:
        return defaults.page_not_found(request, exception)
    except DATABASE_ERRORS as error:
        return database_unavailable(request, error)


def server_error(request):
    """Django's 500 page; the 503 notice when what failed is the database (a request that lost it
    anywhere Django does not route errors through the middleware)."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return database_unavailable(request, error)
    return defaults.server_error(request)

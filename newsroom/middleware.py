"""Project middleware: a log line per request, a clean 503 while the database is away, and the
admin in the language its user chose."""

import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

request_log = logging.getLogger("newsroom.requests")
error_log = logging.getLogger("newsroom.errors")

RETRY_AFTER_SECONDS = 5


class RequestLogMiddleware:
    """``GET /news/x/ 200 12.3ms queries=7 user=5``: method, path (no query string: it can hold
    what readers searched for), status, duration, SQL queries (counted when DEBUG is on), user id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        started = time.perf_counter()
        queries_before = len(connection.queries) if settings.DEBUG else None
        response = self.get_response(request)
        duration = (time.perf_counter() - started) * 1000
        queries = f" queries={len(connection.queries) - queries_before}" if queries_before is not None else ""
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else "-"
        request_log.info(
            "%s %s %s %.1fms%s user=%s", request.method, request.path, response.status_code, duration, queries, user_id
        )
        return response


class DatabaseUnavailableMiddleware:
    """While the database restarts or is unreachable, answer 503 with the site's notice and a
    Retry-After, instead of a 500 and a stack trace. The page needs no database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        return database_unavailable(request, exception)


DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request, exception) -> HttpResponse:
    """The 503 notice, logged with the error's type only (its text can hold connection details)."""
    error_log.error("database unavailable: %s %s: %s", request.method, request.path, type(exception).__name__)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class AdminLanguageMiddleware:
    """The admin speaks the language its user picked with the buttons next to "Log out" (Django's
    ``set_language`` view keeps the choice in a cookie): a Kazakh journalist gets a Kazakh admin
    and editor. The public site is untouched: there the address says the language (/kk/, /en/).
    Goes after ``LocaleMiddleware``, which sets the default language for the admin's addresses."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code in self.languages and request.path_info.startswith(admin_prefix()):
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)


_admin_prefix = None


def admin_prefix() -> str:
    global _admin_prefix
    if _admin_prefix is None:
        _admin_prefix = reverse("admin:index")
    return _admin_prefix

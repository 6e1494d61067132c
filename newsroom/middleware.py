"""Project middleware: a log line per request, a clean 503 while the database is away, and the
language from the address (or, in the admin, the user's choice)."""

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
# An address's arguments that are someone's key (a reader's newsletter token, a confirmation
# link's code, a preview link's signature): the log line shows the path without them.
SECRET_URL_ARGUMENTS = frozenset({"token", "code", "signed_token"})


class RequestLogMiddleware:
    """``GET /news/x/ 200 12.3ms queries=7 user=5``: method, path (no query string: it can hold
    what readers searched for; nor anyone's key: ``logged_path``), status, duration, SQL queries
    (counted when DEBUG is on), user id.

    And while the database restarts or is unreachable, a 503 with the site's notice and a
    Retry-After instead of a 500 and a stack trace (``process_exception``: Django calls it for
    an exception in any view, wherever the middleware stands; the notice needs no database)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_log.isEnabledFor(logging.INFO):
            return self.get_response(request)
        started = time.perf_counter()
        queries_before = len(connection.queries) if settings.DEBUG else None
        response = self.get_response(request)
        duration = (time.perf_counter() - started) * 1000
        queries = f" queries={len(connection.queries) - queries_before}" if queries_before is not None else ""
        request_log.info(
            "%s %s %s %.1fms%s user=%s",
            request.method,
            logged_path(request),
            response.status_code,
            duration,
            queries,
            user_id(request),
        )
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        return database_unavailable(request, exception)


DATABASE_ERRORS = (OperationalError, InterfaceError)


def logged_path(request) -> str:
    """The request's path with the values of ``SECRET_URL_ARGUMENTS`` replaced by ``[hidden]``."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for name, value in match.kwargs.items() if match else ():
        if name in SECRET_URL_ARGUMENTS and value:
            path = path.replace(str(value), "[hidden]")
    return path


def user_id(request) -> int | str:
    """The signed-in user's id, or "-"; a request without a session cookie loads no session,
    and one whose session cannot be read (the database is away) is "?"."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return "-"
    user = getattr(request, "user", None)
    try:
        return user.pk if user is not None and user.is_authenticated else "-"
    except DATABASE_ERRORS:
        return "?"


def database_unavailable(request, exception) -> HttpResponse:
    """The 503 notice, logged with the error's type only (its text can hold connection details)."""
    error_log.error("database unavailable: %s %s: %s", request.method, logged_path(request), type(exception).__name__)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class LanguageMiddleware:
    """The language of a request from its address alone: ``/kk/...`` is Kazakh, ``/en/...``
    English, every other address the default, Russian (``i18n_patterns`` with
    ``prefix_default_language=False``). The admin speaks the language its user picked with the
    buttons next to "Log out" (Django's ``set_language`` view keeps the choice in a cookie), so a
    Kazakh journalist gets a Kazakh admin and editor.

    In place of Django's ``LocaleMiddleware``: with the default language unprefixed
    (``prefix_default_language=False``), it gives every unprefixed address the default language,
    the admin's included, so an editor's choice would never apply."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        path = request.path_info
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) if path.startswith(admin_prefix()) else None
        if code not in self.languages:
            # The address's first segment, as i18n_patterns reads it: /kk/news/x/ -> kk.
            end = path.find("/", 1)
            code = path[1:end] if end > 0 else path[1:]
            if code not in self.languages:
                code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        return response


_admin_prefix = None


def admin_prefix() -> str:
    global _admin_prefix
    if _admin_prefix is None:
        _admin_prefix = reverse("admin:index")
    return _admin_prefix

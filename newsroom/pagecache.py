"""Whole-page cache for anonymous readers, and the HTTP caching headers of public pages.

Views opt in with ``@public_page`` (lists, articles, feeds, sitemaps). ``PageCacheMiddleware``
serves a stored copy to a reader's GET before sessions, authentication and the view run, and
stores the view's 200 answers. A stored page is served only while three things hold:

- the *epoch* it was made in is still current: ``pages_changed()`` (called after any edit an
  anonymous page can show: articles, people, topics, sections, countries, agencies, promo
  blocks) replaces the epoch, so every stored page is forgotten at once without a cache clear;
- the *schedule* has not moved: a page never outlives the next scheduled ``publish_at`` or
  ``expire_at`` or live entry (``PAGE_CACHE_SCHEDULE`` names the functions that find those moments), so a
  scheduled article appears on every page at its time with no worker or cron;
- it is younger than ``PAGE_CACHE_SECONDS`` (also how far a shown view count can lag).

One ``get_many`` fetches the epoch, the schedule and the page. Requests with a session
cookie (staff) never read or fill the cache, and their answers are ``private, no-store``.
Answers to readers say ``public`` with a ``max-age`` that never reaches past the next scheduled
change, so nginx (deploy/nginx.conf) or a CDN in front may keep them too: serving a page counts
nothing (an article's readers are counted by its view beacon, ``readership.views.count_view``).
A view whose answer must not stay that long in those caches sets ``response.cache_max_age``
(seconds; a live blog's poll, ``website.views.live_poll``): its ``max-age`` is then at most
that, on the answer and on every copy the page cache serves (pages_changed() already forgets
the page cache's own copy at each edit; nginx and a CDN hear of nothing but the header).
"""

import contextvars
import functools
import hashlib
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import Resolver404, get_resolver
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe
from django.utils.module_loading import import_string

from newsroom.cache import cached
from newsroom.middleware import DATABASE_ERRORS, database_unavailable
from newsroom.routers import note_primary_position, public_reads

EPOCH_KEY = "pages:epoch"
SCHEDULE_KEY = "pages:schedule"
# A schedule is looked up again at least this often, in case a change bypassed pages_changed().
SCHEDULE_RECHECK_SECONDS = 300


def pages_changed() -> None:
    """Forget every cached page now, and again once the current transaction commits.

    The second time matters: between the first and the commit a reader's request may render
    the old rows and store them under the new epoch. A replica that has not replayed the change
    yet is not read (newsroom/routers.py).
    """
    new_epoch()
    transaction.on_commit(_committed)


def _committed() -> None:
    new_epoch()
    note_primary_position()  # readers' pages wait for the replica to replay this change


def new_epoch() -> None:
    cache.set(EPOCH_KEY, uuid.uuid4().hex, None)


def _epoch_or_new(found: str | None) -> str:
    """``found`` (the epoch just read), or a new epoch if there was none (an empty cache)."""
    if found is not None:
        return found
    new = uuid.uuid4().hex
    if not cache.add(EPOCH_KEY, new, None):
        new = cache.get(EPOCH_KEY) or new
    return new


# The epoch the page cache read for the request being served (readers' requests only), and the
# moment of the next scheduled change it knows of (a Unix time).
_request_epoch: contextvars.ContextVar[str | None] = contextvars.ContextVar("page_epoch", default=None)
_request_schedule: contextvars.ContextVar[float | None] = contextvars.ContextVar("page_schedule", default=None)
# This process's copies of page data: key -> (epoch, kept until (monotonic clock), value).
_page_data: dict[str, tuple[str, float, object]] = {}
PAGE_DATA_LOCAL_SECONDS = 60


def page_data[T](key: str, load: Callable[[], T], *, seconds: int = 300, timed: bool = False) -> T:
    """Rows that every page shows (the publisher, the sections menu, the promo blocks), kept
    for the current epoch: this process's copy, else the shared cache's, else ``load()``.

    On a reader's page the epoch is the one the page-cache lookup already fetched, so an
    uncached page reads none of them from Redis. They are tied to the epoch rather than
    forgotten by key: an edit's ``pages_changed()`` replaces the epoch again when its
    transaction commits, so a copy that a reader made from the old rows just before the commit
    is never shown after it. ``seconds`` (``PAGE_DATA_LOCAL_SECONDS`` for this process's copy)
    bounds how long a change that bypassed ``pages_changed()`` (a shell, a script) can go unseen.
    Callers must not modify the value: requests of this process share it.

    ``timed`` data also changes by itself at scheduled moments (which articles are published,
    the breaking-news banner): it is kept only until the next scheduled change the page cache
    knows of, and outside a reader's request (staff) it is loaded afresh.
    """
    if timed:
        schedule = _request_schedule.get()
        if schedule is None:
            return load()
        key = f"{key}:{int(schedule)}"
    current = _request_epoch.get() or _epoch_or_new(cache.get(EPOCH_KEY))
    now = time.monotonic()
    kept = _page_data.get(key)
    if kept is not None and kept[0] == current and now < kept[1]:
        return kept[2]
    value = cached(f"{key}:{current}", load, seconds=seconds)
    _page_data[key] = (current, now + min(seconds, PAGE_DATA_LOCAL_SECONDS), value)
    return value


def public_page(view):
    """Mark a view's successful answers as the same for every anonymous reader."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if PageCacheMiddleware.for_readers(request):
            with public_reads():  # from the replica, when there is one
                response = view(request, *args, **kwargs)
        else:
            response = view(request, *args, **kwargs)
        response.public_page = True
        return response

    wrapper.is_public_page = True
    return wrapper


def is_public_page(request) -> bool:
    """Whether the address leads to a ``public_page`` view, so other requests cost no cache
    lookup. Remembered for the most recent addresses: the answer depends on the path alone."""
    return _leads_to_public_page(get_resolver(getattr(request, "urlconf", None)), request.path_info)


@functools.lru_cache(maxsize=4096)
def _leads_to_public_page(resolver, path: str) -> bool:
    # Resolved as the request will be: in the language its path names.
    try:
        with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
            match = resolver.resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "is_public_page", False)


def _page_key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "pages:v3:" + hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()


def _schedule_until(now: float) -> float:
    """The moment the next scheduled change happens (or the recheck interval, if sooner)."""
    until = now + SCHEDULE_RECHECK_SECONDS
    for path in settings.PAGE_CACHE_SCHEDULE:
        upcoming = import_string(path)()
        if upcoming is not None:
            until = min(until, upcoming.timestamp())
    return until


class PageCacheMiddleware:
    """Serve and store anonymous readers' pages (see the module docstring).

    Sits before the session middleware, so a hit costs no session, user or database work
    beyond what the page asked for on hits.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.for_readers(request) or not is_public_page(request):
            response = self.get_response(request)
            if getattr(response, "public_page", None) is not None or self.is_logged_in(request):
                patch_cache_control(response, private=True, no_store=True)
            return response
        seconds = settings.PAGE_CACHE_SECONDS
        now = time.time()
        key = _page_key(request)
        found = cache.get_many([EPOCH_KEY, SCHEDULE_KEY, key])
        current = _epoch_or_new(found.get(EPOCH_KEY))
        entry = found.get(key)
        schedule = found.get(SCHEDULE_KEY)
        try:
            if seconds and entry is not None and entry[0] == current and now < entry[1]:
                schedule_until = schedule[1] if schedule and schedule[0] == current else entry[1]
                return self.hit(request, entry, now, schedule_until)
            if schedule is None or schedule[0] != current or now >= schedule[1]:
                schedule = (current, _schedule_until(now))
                cache.set(SCHEDULE_KEY, schedule, max(1, int(schedule[1] - now)))
        except DATABASE_ERRORS as error:
            return database_unavailable(request, error)
        token, schedule_token = _request_epoch.set(current), _request_schedule.set(schedule[1])
        try:
            response = self.get_response(request)
        finally:
            _request_epoch.reset(token)
            _request_schedule.reset(schedule_token)
        if getattr(response, "public_page", None) is None or response.status_code not in (200, 304):
            return response
        if self.is_logged_in(request):  # a stale session cookie may still have signed in nobody
            patch_cache_control(response, private=True, no_store=True)
            return response
        until = min(now + seconds, schedule[1])
        self.patch_headers(response, schedule[1] - time.time())
        self.drop_language_vary(response)
        storable = response.status_code == 200 and request.method == "GET" and self.storable(response)
        if seconds and until > now and storable:
            del response.public_page  # not part of what is stored
            cache.set(key, (current, until, response), max(1, int(until - now)))
        return response

    @staticmethod
    def for_readers(request) -> bool:
        return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES

    @staticmethod
    def is_logged_in(request) -> bool:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:  # no session: nobody signed in
            return False
        user = getattr(request, "user", None)
        try:
            return user is not None and user.is_authenticated
        except DATABASE_ERRORS:
            return True  # the session cannot be read: kept from every cache, as staff's pages are

    @staticmethod
    def storable(response) -> bool:
        control = response.get("Cache-Control", "")
        return (
            not response.cookies and not response.streaming and "private" not in control and "no-store" not in control
        )

    @staticmethod
    def drop_language_vary(response):
        """A public page's language comes from its path alone (``i18n_patterns`` with Russian
        unprefixed), so a ``Vary: Accept-Language`` (Django's LocaleMiddleware adds one, where a
        project uses it) would only make nginx or a CDN keep one copy per browser's language
        list. Readers of every browser share one copy."""
        vary = [value.strip() for value in response.get("Vary", "").split(",") if value.strip()]
        kept = [value for value in vary if value.lower() != "accept-language"]
        if kept:
            response["Vary"] = ", ".join(kept)
        elif "Vary" in response:
            del response["Vary"]

    @staticmethod
    def patch_headers(response, seconds_to_schedule):
        # A proxy may keep the page for a short while and serve it stale while it asks again,
        # but never past the next scheduled change, nor longer than the view asked.
        left = max(0, int(seconds_to_schedule))
        max_age = min(settings.PAGE_MAX_AGE, left, getattr(response, "cache_max_age", settings.PAGE_MAX_AGE))
        patch_cache_control(response, public=True, max_age=max_age, stale_while_revalidate=min(max_age, left - max_age))

    def hit(self, request, entry, now, schedule_until):
        _epoch, _until, response = entry
        # Counted down to what is left before the next scheduled change.
        response.headers.pop("Cache-Control", None)
        self.patch_headers(response, schedule_until - now)
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response["Last-Modified"]) if "Last-Modified" in response else None,
            response=response,
        )

"""The partner API (read-only, django-ninja): published articles as IPTC ninjs 3.1 items.

    GET /api/v1/items               the newest items, newest first, and a cursor
    GET /api/v1/items?since=CURSOR  every item new or changed after the cursor, oldest first
    GET /api/v1/items/<id>          one item
    GET /api/v1/openapi.json        the OpenAPI 3.1 description (docs for staff: /api/v1/docs)

A partner sends ``Authorization: Bearer <key>`` (``manage.py create_api_key``). Every answer is
private JSON; a 200 carries an ETag (``ConditionalGetMiddleware``) and answers 304 to
``If-None-Match``.

**The cursor** is a position in the order in which versions reach readers (``version_at``, then
id). A version becomes listable ``API_SETTLE_SECONDS`` after that moment, so a save still being
committed when a partner polls is not jumped over. Polling with the ``next`` of each answer, a
partner sees every new, changed or withdrawn item once (again only when it changes again);
withdrawn ones come as ``pubStatus: canceled``. Drafts, articles in review and scheduled
articles never appear: a scheduled version is positioned at its publication time.

**Embargoed content.** A key allowed it (``ApiKey.embargoed_content``) also gets the scheduled
articles an editor released to partners early (``Article.partners_from``), with ninjs
``embargoedUntil`` (the publication time). Such a version has a second position,
``partners_version_at`` (the save, or ``partners_from`` when later): the key's answers merge the
two orders (each an index range) by position, so the article comes at its release with
``embargoedUntil``, again at its publication time without it, and as ``canceled`` if it is
withdrawn or sent back to draft before then. A page shows an article once (its later
position). Other keys never see it before its publication time, in a list or by id (404).

**Live blogs.** Every entry written moves its blog's ``version_at`` (``live.services``; a
scheduled entry's write, to its time), so the blog is listed again after each, once. Its item
holds its newest published entries (``with_entries``: one query per page) and a ``version`` that
counts their revisions (``for_partners``).
"""

import base64
import binascii
import datetime as dt
import json
from typing import Literal

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.core.validators import slug_re
from django.db.models import Case, Count, F, IntegerField, JSONField, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import Coalesce, Greatest, JSONObject, RowNumber
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.views import openapi_view
from ninja.security import HttpBearer

from agencies.services import publisher_get
from articles.models import Article, Tag
from articles.services import sections_menu
from distribution import keys, ninjs
from live.models import Entry
from newsroom.expressions import JSONArrayAgg

MAX_LIMIT = 100
DEFAULT_LIMIT = 50
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_CURSOR_SIGNER = signing.Signer(salt="distribution.api.cursor")


class PartnerKey(HttpBearer):
    def authenticate(self, request, token):
        key = keys.authenticate(token)
        if key is not None:
            keys.check_rate(key)
            keys.touch(key)
        return key


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Authorization"
    return response


class PartnerAPI(NinjaAPI):
    def create_response(self, request, data, *args, **kwargs):
        return _private(super().create_response(request, data, *args, **kwargs))


def json_response(data: dict) -> HttpResponse:
    """An answer the views build themselves: the shapes below describe it (OpenAPI) and the
    tests check it against them and against IPTC's schema, but a page of a hundred items is not
    validated again on every request (that took a third of its time); UTF-8 rather than
    ``\\u`` escapes, which made Cyrillic text six bytes a letter."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _private(HttpResponse(body.encode(), content_type="application/json; charset=utf-8"))


api = PartnerAPI(
    title="Newsroom partner API",
    version="1",
    description="Published articles as IPTC ninjs 3.1 news items. Send `Authorization: Bearer <key>`.",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url=None,  # the docs are for staff: newsroom/urls.py
    auth=PartnerKey(),
)


# -- What the API answers (ninjs 3.1, as far as items here use it) ------------------------------


class Text(Schema):
    role: str | None = None
    contentType: str | None = None
    value: str


class Named(Schema):
    name: str
    rel: str | None = None
    role: str | None = None
    uri: str | None = None
    literal: str | None = None


class Rendition(Schema):
    name: str
    href: str
    contentType: str | None = None
    width: int | None = None
    height: int | None = None


class Standard(Schema):
    name: str
    version: str
    schema_: str = Field(alias="schema")


class Picture(Schema):
    name: str
    rel: str
    uri: str
    type: Literal["picture"]
    headlines: list[Text]
    descriptions: list[Text]
    by: str | None = None
    renditions: list[Rendition]


class Item(Schema):
    uri: str
    type: Literal["text"]
    representationType: Literal["full", "partial"] | None = None
    version: str
    firstCreated: str
    versionCreated: str
    contentCreated: str | None = None
    embargoedUntil: str | None = None
    pubStatus: Literal["usable", "canceled"]
    language: str
    headlines: list[Text] | None = None
    descriptions: list[Text] | None = None
    bodies: list[Text] | None = None
    by: str | None = None
    renditions: list[Rendition] | None = None
    subjects: list[Named] | None = None
    people: list[Named] | None = None
    places: list[Named] | None = None
    associations: list[Picture] | None = None
    copyrightHolder: str | None = None
    copyrightNotice: str | None = None
    infoSources: list[Named] | None = None
    standard: Standard


class Page(Schema):
    items: list[Item]
    next: str = Field(description="Pass as `since` to get what is new after this answer.")
    more: bool = Field(description="True when more items wait after `next`: ask again at once.")


class Error(Schema):
    error: str
    parameter: str | None = None


ERRORS = {400: Error, 401: Error, 429: Error}


# -- Errors: JSON that names what was wrong ---------------------------------------------------


def _error(request, status: int, message: str, parameter: str | None = None, headers: dict | None = None):
    body = {"error": message} | ({"parameter": parameter} if parameter else {})
    response = api.create_response(request, body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ValidationError)
def bad_parameter(request, exc):
    first = exc.errors[0] if exc.errors else {}
    parameter = str(first.get("loc", ["", "?"])[-1])
    return _error(request, 400, f"Invalid {parameter}: {first.get('msg', 'bad value')}.", parameter)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(
        request,
        401,
        "A valid API key is required: send «Authorization: Bearer <key>».",
        headers={"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(keys.RateLimited)
def rate_limited(request, exc):
    return _error(
        request,
        429,
        f"Too many requests: at most {settings.API_RATE_LIMIT_PER_MINUTE} a minute per key.",
        headers={"Retry-After": str(exc.retry_after)},
    )


class BadParameter(HttpError):
    def __init__(self, parameter: str, message: str):
        super().__init__(400, message)
        self.parameter = parameter


@api.exception_handler(BadParameter)
def bad_value(request, exc):
    return _error(request, 400, exc.message, exc.parameter)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return _error(request, exc.status_code, exc.message)


# -- The cursor ---------------------------------------------------------------------------------


def encode_cursor(moment: dt.datetime, pk: int) -> str:
    micros = (moment - _EPOCH) // dt.timedelta(microseconds=1)
    return base64.urlsafe_b64encode(_CURSOR_SIGNER.sign(f"{micros}.{pk}").encode()).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[dt.datetime, int]:
    try:
        signed = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        micros, pk = _CURSOR_SIGNER.unsign(signed).split(".")
        return _EPOCH + dt.timedelta(microseconds=int(micros)), int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError, signing.BadSignature):
        raise BadParameter("since", "Invalid since: pass the `next` of an earlier answer unchanged.") from None


# -- What partners may see ----------------------------------------------------------------------


def _usable(article: Article) -> bool:
    return article.state == "published" or article.embargoed_for_partners


def _as_ninjs(article: Article, base: str, publisher, entries: dict[int, list[Entry]]) -> dict:
    if _usable(article):
        return ninjs.item(article, base, publisher, entries=entries.get(article.pk, []))
    return ninjs.canceled(article, base)


def _known_parameters(request: HttpRequest, known: set[str]) -> None:
    """A parameter we do not know is an error (``?languge=kk`` would otherwise quietly list
    every language)."""
    unknown = sorted(set(request.GET) - known)
    if unknown:
        raise BadParameter(unknown[0], f"Unknown parameter: {unknown[0]!r}.")


def for_partners(articles):
    """What a partner API item needs (``distribution.ninjs``), in one query: the article with its
    section, source and lead photo, its topics, authors, people and countries as JSON arrays
    (``with_relations``), and for a live blog the count of its entries' revisions readers have
    seen (``entry_revisions``, part of its ninjs ``version``)."""
    related = ("tags", "authors", "people", "countries")
    articles = articles.select_related("section", "source", "photo").with_relations(*related)
    return articles.annotate(entry_revisions=_entry_revisions())


def _entry_revisions():
    """Each revision of a live blog's entries (posted, edited, deleted: django-simple-history's
    rows, which outlive a deleted entry) counts from when readers saw it, its save or its entry's
    time, whichever is later: so an item's version grows with every change to its entries, and
    a scheduled entry's only at its time. Not counted for an article that is no live blog
    (the subquery is then not run)."""
    seen = Greatest("history_date", "published_at")
    revisions = Entry.history.model.objects.filter(article_id=OuterRef("pk")).alias(seen=seen)
    count = revisions.filter(seen__lte=timezone.now()).values("article_id").annotate(n=Count("*")).values("n")
    return Case(
        When(coverage_start_at__isnull=True, then=Value(0)),
        default=Coalesce(Subquery(count), Value(0)),
        output_field=IntegerField(),
    )


def with_entries(articles: list[Article]) -> dict[int, list[Entry]]:
    """The published entries of the live blogs among ``articles``, newest first, at most
    ``ninjs.ENTRIES_PER_ITEM`` each, with their authors' names: one query for a whole page (none
    when it holds no live blog), whatever the number of entries. Each entry carries
    ``authors_json`` (the authors' ``name`` and ``name_en``)."""
    ids = [article.pk for article in articles if article.coverage_start_at is not None]
    if not ids:
        return {}
    newest = Window(RowNumber(), partition_by=[F("article_id")], order_by=[F("published_at").desc(), F("pk").desc()])
    authors = Entry.authors.through.objects.filter(entry_id=OuterRef("pk"))
    names = JSONObject(pk="person_id", name="person__name", name_en="person__name_en")
    authors = Subquery(authors.values("entry_id").annotate(rows=JSONArrayAgg(names)).values("rows"))
    entries = (
        Entry.objects.published()
        .filter(article_id__in=ids)
        .annotate(rank=newest, authors_json=Coalesce(authors, Value([], output_field=JSONField())))
        .filter(rank__lte=ninjs.ENTRIES_PER_ITEM)
        .only("pk", "article_id", "headline", "body", "published_at")
        .order_by("article_id", "-published_at", "-pk")
    )
    found: dict[int, list[Entry]] = {}
    for entry in entries:
        found.setdefault(entry.article_id, []).append(entry)
    return found


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _narrowed(request, language, section, topic):
    """The filters of ``/items`` as one function over a queryset; a section or topic that does
    not exist is an error, never an empty page."""
    _known_parameters(request, {"since", "language", "section", "topic", "limit"})
    conditions = {}
    if language:
        conditions["language"] = language
    if section is not None:
        match = next((s for s in sections_menu() if s.slug == section), None)
        if match is None:
            raise BadParameter("section", f"Unknown section: {section!r}.")
        conditions["section_id"] = match.pk
    if topic is not None:
        # A topic's slug is ASCII (newsroom.slugs): anything else names no topic, and is never
        # sent to the database (PostgreSQL refuses a NUL in a text).
        tag = Tag.objects.filter(slug=topic).values_list("pk", flat=True).first() if slug_re.match(topic) else None
        if tag is None:
            raise BadParameter("topic", f"Unknown topic: {topic!r}.")
        conditions["tagged_items__tag_id"] = tag
    return lambda articles: articles.filter(**conditions)


def _after(articles, position: str, after: dt.datetime, after_pk: int, limit: int) -> list[tuple]:
    """(position, id, article) of the first ``limit`` articles after the cursor in the order of
    ``position`` (``version_at`` or ``partners_version_at``, each indexed with the id)."""
    later = articles.filter(**{f"{position}__gte": after}).filter(Q(**{f"{position}__gt": after}) | Q(id__gt=after_pk))
    return [(getattr(a, position), a.pk, a) for a in later.order_by(position, "id")[:limit]]


def _newest(articles, position: str, limit: int) -> list[tuple]:
    return [(getattr(a, position), a.pk, a) for a in articles.order_by(f"-{position}", "-id")[:limit]]


def _position(event: tuple) -> tuple[dt.datetime, int]:
    return event[0], event[1]


def _once(events: list[tuple]) -> list[Article]:
    """Each article once, at its last position in ``events`` (an article released early and
    public since comes at both of its positions when a partner polls seldom)."""
    last = {pk: index for index, (_at, pk, _article) in enumerate(events)}
    return [article for index, (_at, pk, article) in enumerate(events) if last[pk] == index]


@api.get("/items", response={200: Page, **ERRORS}, exclude_none=True, by_alias=True, url_name="items")
def items(
    request,
    since: str | None = Query(None, description="The `next` of an earlier answer."),
    language: Literal["ru", "kk", "en"] | None = Query(None),
    section: str | None = Query(None, description="A section's slug, e.g. `politika`."),
    topic: str | None = Query(None, description="A topic's slug."),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
):
    """Published articles. Without `since`: the newest, newest first. With `since`: what is new
    or changed after that cursor, oldest first; withdrawn articles come as `canceled`. A key
    allowed embargoed content also gets the articles released to partners before their
    publication time, with `embargoedUntil`."""
    narrowed = _narrowed(request, language, section, topic)
    now = timezone.now()
    horizon = now - dt.timedelta(seconds=settings.API_SETTLE_SECONDS)
    embargoed = request.auth.embargoed_content
    public = Article.objects.published_or_taken_down(embargoed=embargoed).filter(version_at__lte=horizon)
    streams = [(narrowed(for_partners(public)), "version_at")]
    if embargoed:
        early = Article.objects.released_to_partners().filter(partners_version_at__lte=horizon)
        if since is None:
            early = early.filter(version_at__gt=horizon)  # not public yet: else it is listed as such
        streams.append((narrowed(for_partners(early)), "partners_version_at"))
    if since is None:
        events = [event for articles, order in streams for event in _newest(articles, order, limit)]
        events = sorted(events, key=_position, reverse=True)[:limit]
        position = encode_cursor(*_position(events[0])) if events else encode_cursor(horizon, 0)
        rows, more = [article for _at, _pk, article in events], False
    else:
        after, after_pk = decode_cursor(since)
        events = [event for articles, order in streams for event in _after(articles, order, after, after_pk, limit + 1)]
        events = sorted(events, key=_position)
        more = len(events) > limit
        events = events[:limit]
        position = encode_cursor(*_position(events[-1])) if events else since
        rows = _once(events)
    base, publisher = _base(request), publisher_get()
    entries = with_entries([article for article in rows if _usable(article)])
    return json_response(
        {"items": [_as_ninjs(article, base, publisher, entries) for article in rows], "next": position, "more": more}
    )


@api.get("/items/{pk}", response={200: Item, 404: Error, **ERRORS}, exclude_none=True, by_alias=True, url_name="item")
def item(request, pk: int = Path(..., ge=1, le=2**63 - 1)):
    """One item: `usable` while readers can read it (or, for a key allowed embargoed content,
    while it is released to partners before its publication time, with `embargoedUntil`),
    `canceled` once it is withdrawn or expired."""
    _known_parameters(request, set())
    articles = Article.objects.published_or_taken_down(expired=True, embargoed=request.auth.embargoed_content)
    article = for_partners(articles).filter(pk=pk).first()
    if article is None:
        raise HttpError(404, "No such item.")
    entries = with_entries([article] if _usable(article) else [])
    return json_response(_as_ninjs(article, _base(request), publisher_get(), entries))


@staff_member_required
def staff_docs(request):
    """The API's interactive docs (Swagger UI, served from our static files), for staff."""
    return openapi_view(request, api=api)

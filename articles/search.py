"""The admin's article search (``ArticleAdmin.get_search_results``): what a journalist types or
pastes into the article list's search box, within the articles they may open.

PostgreSQL: the full-text ``search_vector`` that readers' search uses (``website.search``;
kept by a trigger, migration 0005), ``websearch_to_tsquery`` in the ``russian`` and ``simple``
configurations, and pg_trgm's trigram indexes for part of a headline word and part of an address
(migration 0022). SQLite (local development): Django's ``icontains`` over title and lead.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, FloatField, Q, Value, When
from django.db.models.expressions import Expression
from django.urls import Resolver404, resolve
from django.utils import translation

MAX_QUERY_LENGTH = 200


def clean_query(raw: str | None) -> str:
    """The query as searched: control characters (NUL included) dropped, spaces folded, cut to length."""
    text = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in raw or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


class SearchVectorColumn(Expression):
    """``search_vector`` of the query's own articles table (not a model field: migration 0005),
    under whatever alias that table has in the query. Readers' search (``website.search``) has
    the same expression; the articles app imports nothing from the website."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name(compiler.query.get_initial_alias())}.search_vector", []


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


def text_query(query: str) -> SearchQuery:
    """``query`` as PostgreSQL's full-text query: Russian stems or the words as written."""
    return SearchQuery(query, config="russian", search_type="websearch") | SearchQuery(
        query, config="simple", search_type="websearch"
    )


# The admin ranks at most this many matches, the newest (as readers' search does); the list says
# "more than" past them. Finding them costs about 45 microseconds per article read on the way
# (each one's search vector): a word in 8 % of the archive reads 2,500 articles for 200.
STAFF_SEARCH_CANDIDATES = 200
# Part of a headline word, or of an address, needs this many characters (one trigram).
PARTIAL_MIN_LENGTH = 3
SLUG_LIKE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID = 2**63 - 1


def address_target(text: str) -> dict | None:
    """The article a pasted address names, as a filter (``{"slug": ...}`` or ``{"pk": ...}``):
    its public address in any language, with or without the site's domain, or its admin page.
    None when ``text`` is not such an address."""
    if any(char.isspace() for char in text):
        return None
    try:  # "dknews.kz/news/..." has no scheme: read it as a host and a path
        path = urlsplit(text if "://" in text or text.startswith("/") else "//" + text).path
    except ValueError:  # not an address at all, e.g. "//[" (an unclosed IPv6 host)
        return None
    if not path.startswith("/") or path == "/":
        return None
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            try:
                match = resolve(path)
            except Resolver404:
                continue
        if match.view_name == "articles:detail":
            return {"slug": match.kwargs["slug"]}
        if match.view_name == "admin:articles_article_change" and match.kwargs["object_id"].isdigit():
            return {"pk": int(match.kwargs["object_id"])}
    return None


def staff_search(articles, query: str):
    """``articles`` (the admin's list: what the user may open, with the list's filters) that
    match ``query``, and whether they carry a ``rank`` to order by (PostgreSQL).

    A pasted address finds its article; a number finds the article with that id, besides the
    articles whose text has it. PostgreSQL: the full-text index readers' search uses (title,
    lead and body, Russian stems), part of a headline word (a trigram index on the title) and
    part of an address (a trigram index on the slug); the ``STAFF_SEARCH_CANDIDATES`` newest
    matches, each ranked by relevance (ranking every match of a common word would read the whole
    archive). SQLite: every word in the title or the lead, as Django's admin searches (the
    article with the number first).
    """
    query = clean_query(query)
    if not query:
        return articles, False
    target = address_target(query)
    if target is not None:
        return articles.filter(**target), False
    by_id = Q(pk=int(query)) if query.isdigit() and int(query) <= MAX_ID else None
    if not full_text_available():
        condition = Q()
        for word in query.split()[:8]:
            condition &= Q(title__icontains=word) | Q(lead__icontains=word)
        if by_id is None:
            return articles.filter(condition), False
        first = Case(When(by_id, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
        return articles.filter(condition | by_id).annotate(rank=first), True
    ts_query = text_query(query)
    matches = Q(search_vector=ts_query)
    if len(query) >= PARTIAL_MIN_LENGTH:
        matches |= Q(title__trigram_word_similar=query)
    if SLUG_LIKE.fullmatch(query.lower()) and len(query) >= PARTIAL_MIN_LENGTH:
        matches |= Q(slug__contains=query.lower())
    newest = (  # the first matches in the list's own order (newest first)
        articles.alias(search_vector=SearchVectorColumn())
        .filter(matches)
        .order_by(*(articles.query.order_by or ["-created_at", "-pk"]))
        .values_list("pk", flat=True)
    )
    found = Q(pk__in=list(newest[: STAFF_SEARCH_CANDIDATES + 1]))
    rank = SearchRank(SearchVectorColumn(), ts_query) + TrigramWordSimilarity(query, "title")
    if by_id is not None:
        found |= by_id
        rank = Case(When(by_id, then=Value(1000.0)), default=rank, output_field=FloatField())
    return articles.filter(found).annotate(rank=rank), True

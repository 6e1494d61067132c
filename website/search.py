"""Reader search over published articles.

PostgreSQL: full-text search on the ``search_vector`` column (kept by a trigger, migration 0005),
``websearch_to_tsquery`` in the ``russian`` and ``simple`` configurations (it accepts any
user input without syntax errors), ranked, with highlighted snippets from ``ts_headline``.
SQLite (local development): a case-insensitive contains search over title, lead and body,
newest first, with the same page and snippets highlighted in Python.
"""

import html
import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Count, F, Func, Q, TextField, Value, Window
from django.db.models.expressions import Expression
from django.db.models.functions import Concat

from articles.models import Article

MAX_QUERY_LENGTH = 200
# Results are the newest matches, at most this many (see search_queryset).
SEARCH_CANDIDATES = 200
SNIPPET_WORDS = 30
# Private-use characters as highlight markers: ts_headline inserts them, ``_marked`` cuts the
# text at them and the teaser template marks the pieces.
START, STOP = "\ue000", "\ue001"


def clean_query(raw: str | None) -> str:
    """The query as searched: control characters (NUL included) dropped, spaces folded, cut to length."""
    text = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in raw or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


class SearchVectorColumn(Expression):
    """``search_vector`` of the query's own articles table (not a model field: migration 0005),
    under whatever alias that table has in the query, a subquery's included."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name(compiler.query.get_initial_alias())}.search_vector", []


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


def search_queryset(query: str, language: str):
    """Published articles in ``language`` matching ``query``: the ``SEARCH_CANDIDATES`` newest
    matches, best first on PostgreSQL (newest first on SQLite). Each row carries ``found``, the
    number of those matches, so a page of results with its count costs one query.

    Ranking is bounded on purpose: a common word matches most of the archive, and ranking every
    match would cost time linear in the archive; the newest matches are found by walking the
    (language, publish_at) index or the GIN index, whichever the planner prefers.
    """
    if not query:
        return Article.objects.none()
    articles = Article.objects.published().filter(language=language).order_by("-publish_at", "-pk")
    if full_text_available():
        ts_query = SearchQuery(query, config="russian", search_type="websearch") | SearchQuery(
            query, config="simple", search_type="websearch"
        )
        newest = (articles.alias(search_vector=SearchVectorColumn()).filter(search_vector=ts_query).values("pk"))[
            :SEARCH_CANDIDATES
        ]
        return (
            Article.objects.filter(pk__in=newest)
            .for_list()
            .annotate(rank=SearchRank(SearchVectorColumn(), ts_query), found=Window(Count("pk")))
            .order_by("-rank", "-publish_at", "-pk")
        )
    condition = Q()
    for word in query.split()[:8]:
        condition &= Q(title__icontains=word) | Q(lead__icontains=word) | Q(body__icontains=word)
    newest = articles.filter(condition).values("pk")[:SEARCH_CANDIDATES]
    return Article.objects.filter(pk__in=newest).for_list().annotate(found=Window(Count("pk")))


# A snippet: its pieces of text, each with whether it matched (the template marks those).
Snippet = list[tuple[str, bool]]


def snippets(articles: list[Article], query: str) -> dict[int, Snippet]:
    """Highlighted snippets for the articles of one result page (one query on PostgreSQL)."""
    if not articles or not query:
        return {}
    if full_text_available():
        ts_query = SearchQuery(query, config="russian", search_type="websearch") | SearchQuery(
            query, config="simple", search_type="websearch"
        )
        plain_body = Func(
            F("body"), Value("<[^>]+>"), Value(" "), Value("g"), function="regexp_replace", output_field=TextField()
        )
        text = Concat(F("title"), Value(". "), F("lead"), Value(" "), plain_body, output_field=TextField())
        rows = Article.objects.filter(pk__in=[article.pk for article in articles]).values_list(
            "pk",
            Func(
                text,
                ts_query,
                Value(f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=12, MaxFragments=2"),
                function="ts_headline",
                template="%(function)s('russian', %(expressions)s)",
                output_field=TextField(),
            ),
        )
        return {pk: _marked(headline) for pk, headline in rows}
    words = [word.casefold() for word in query.split()[:8]]
    return {article.pk: _highlight(article.lead or article.title, words) for article in articles}


def _marked(headline: str) -> Snippet:
    """``ts_headline``'s text cut at its ``START`` and ``STOP`` marks, the body's entities
    (``&amp;``, ``&nbsp;``: its tags were stripped, its entities not) as the characters they
    are: the template escapes each piece."""
    pieces, marked = [], False
    for piece in re.split(f"({START}|{STOP})", headline):
        if piece in (START, STOP):
            marked = piece == START
        elif piece:
            pieces.append((html.unescape(piece), marked))
    return pieces


def _highlight(text: str, words: list[str]) -> Snippet:
    if not words:
        return [(text, False)] if text else []
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces += [(text[last : match.start()], False), (match.group(), True)]
        last = match.end()
    pieces.append((text[last:], False))
    return [(piece, marked) for piece, marked in pieces if piece]

"""The admin's front page as a desk: what each person in the newsroom has to do or watch now.

Editors: the review queue (oldest first, with how long each has waited), what is scheduled in
the next 24 hours and what was published today with its views. Journalists: their drafts, what
they sent for review, and what of theirs was published today. Other apps add lists of their
own (``settings.DESK_LISTS``: the most read now, from ``readership``), so that nothing here
imports them. Each list is one query, whatever its length.

An article's admin page shows the ``Notice``s other apps have about it the same way
(``settings.ARTICLE_NOTICES``: a wire item corrected or killed by its source, from ``incoming``),
and the ``Panel``s other apps put above its form (``settings.ARTICLE_PANELS``: live coverage's
desk, from ``live``); the articles' list shows their ``ListColumn``s
(``settings.ARTICLE_LIST_COLUMNS``: open comments, from ``planning``).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from articles.services import user_can_publish

DESK_ROWS = 15  # each list shows at most this many; the admin's full lists are a click away


@dataclass
class DeskList:
    key: str
    title: str
    articles: list[Article]
    empty: str
    # The admin's list that shows all of them (a query string for the articles' changelist).
    more: str = ""
    more_url: str = ""  # another app's list (a whole address)
    columns: list[str] = field(default_factory=list)


@dataclass
class Notice:
    """A message above an article's admin form: ``level`` "danger" (red), "warning" or "info"; the
    ``diffs`` are rows of ``articles.diff.revision_diffs`` (label, changed, html)."""

    level: str
    text: str
    link: str = ""
    link_text: str = ""
    diffs: list[dict] = field(default_factory=list)


@dataclass
class Panel:
    """A box above an article's admin form, outside the form (a form of its own posts):
    ``html`` rendered by the app that owns it, ``media`` the scripts and styles it needs (the
    page adds them to the form's)."""

    html: str
    media: forms.Media = field(default_factory=forms.Media)


@dataclass
class ListColumn:
    """A column another app adds to the articles' list: ``expression()`` is annotated on the
    list's query as ``name`` (a subquery: the page stays one query, whatever its length), and
    ``render`` shows the value of a row."""

    name: str
    description: str
    expression: Callable
    render: Callable


def article_list_columns() -> list[ListColumn]:
    """What ``settings.ARTICLE_LIST_COLUMNS`` (dotted paths of ``ListColumn``s) add to the list."""
    return [import_string(path) for path in settings.ARTICLE_LIST_COLUMNS]


def article_panels(request, article: Article) -> list[Panel]:
    """What ``settings.ARTICLE_PANELS`` (dotted paths of functions of the request and the
    article, each returning a ``Panel`` or None) show on the article's admin page."""
    panels = (import_string(path)(request, article) for path in settings.ARTICLE_PANELS)
    return [panel for panel in panels if panel is not None]


def article_notices(article: Article) -> list[Notice]:
    """What ``settings.ARTICLE_NOTICES`` (dotted paths of functions of the article) have to say."""
    return [notice for path in settings.ARTICLE_NOTICES for notice in import_string(path)(article)]


def desk_for(user) -> list[DeskList]:
    """The desk of ``user``: an editor's, a journalist's, or nothing for other staff; then the
    lists of ``settings.DESK_LISTS`` (dotted paths of functions of the user that return a
    ``DeskList`` or None)."""
    if user_can_publish(user):
        lists = _editor_desk()
    elif user.has_perm("articles.add_article"):
        lists = _journalist_desk(user)
    else:
        return []
    extra = (import_string(path)(user) for path in settings.DESK_LISTS)
    return [*lists, *(desk_list for desk_list in extra if desk_list is not None)]


def _today_start() -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))


def _editor_desk() -> list[DeskList]:
    now = timezone.now()
    articles = Article.objects.select_related("section", "created_by").defer("body")
    review = list(articles.filter(status=Article.Status.REVIEW).order_by("status_changed_at", "pk")[:DESK_ROWS])
    for article in review:
        article.waiting_since = article.status_changed_at or article.updated_at
    scheduled = list(
        articles.filter(
            status=Article.Status.PUBLISHED, publish_at__gt=now, publish_at__lte=now + dt.timedelta(hours=24)
        ).order_by("publish_at", "pk")[:DESK_ROWS]
    )
    published = list(
        articles.published()
        .filter(publish_at__gte=_today_start())
        .with_view_counts()
        .order_by("-publish_at", "-pk")[:DESK_ROWS]
    )
    return [
        DeskList("review", _("Waiting for review"), review, _("Nobody is waiting for review."), "?state=review"),
        DeskList(
            "scheduled", _("Scheduled for the next 24 hours"), scheduled, _("Nothing is scheduled."), "?state=scheduled"
        ),
        DeskList("published", _("Published today"), published, _("Nothing has been published today yet.")),
    ]


def _journalist_desk(user) -> list[DeskList]:
    mine = Article.objects.filter(created_by=user).select_related("section", "created_by").defer("body")
    drafts = list(mine.filter(status=Article.Status.DRAFT).order_by("-updated_at", "-pk")[:DESK_ROWS])
    review = list(mine.filter(status=Article.Status.REVIEW).order_by("status_changed_at", "pk")[:DESK_ROWS])
    for article in review:
        article.waiting_since = article.status_changed_at or article.updated_at
    published = list(
        mine.published()
        .filter(publish_at__gte=_today_start())
        .with_view_counts()
        .order_by("-publish_at", "-pk")[:DESK_ROWS]
    )
    return [
        DeskList("drafts", _("My drafts"), drafts, _("No drafts."), "?state=draft"),
        DeskList("review", _("Sent for review"), review, _("Nothing is waiting for review."), "?state=review"),
        DeskList("published", _("Mine published today"), published, _("Nothing of yours has been published today.")),
    ]

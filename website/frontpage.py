"""What the front page shows, in the page's language: the main story, the top block, the news
feed, the most read and each section's latest, every article at most once.

- The main story: the newest published ``main`` article whose place is pinned
  (``pinned_until`` still ahead), else the newest ``main`` one; with no ``main`` article, the
  newest of the top block leads.
- The top block: the next ``TOP_BLOCK_SIZE`` newest ``top`` or ``main`` articles.
- The most read (24 hours), then the news feed (the newest), then each section's latest: each
  leaves out what the blocks before it show.

An article whose ``pinned_until`` has passed is placed as ``normal``, without any edit or job;
the page cache never outlives that moment (``articles.services.next_scheduled_change``).
Three queries: the placed articles and the newest together, the most read (kept for a minute,
shared by every page), the sections' latest.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from articles.models import Article, Section
from readership.most_read import most_read
from website.pages import latest_by_section

TOP_BLOCK_SIZE = 4
FEED_SIZE = 12
MOST_READ_SIZE = 5
SECTION_BLOCK_SIZE = 4


@dataclass
class FrontPage:
    lead: Article | None = None
    top: list[Article] = field(default_factory=list)
    feed: list[Article] = field(default_factory=list)
    most_read: list[Article] = field(default_factory=list)
    sections: list[tuple[Section, list[Article]]] = field(default_factory=list)

    @property
    def shown(self) -> set[int]:
        articles = [self.lead, *self.top, *self.feed, *self.most_read]
        return {article.pk for article in articles if article is not None}


def front_page(language: str, sections: list[Section]) -> FrontPage:
    """The front page of ``language``'s site; ``sections`` in menu order (the header's menu)."""
    lead, top, newest = _placed_and_newest(language)
    page = FrontPage(lead=lead, top=top)
    page.most_read = [article for article in most_read(language) if article.pk not in page.shown][:MOST_READ_SIZE]
    shown = page.shown
    page.feed = [article for article in newest if article.pk not in shown][:FEED_SIZE]
    page.sections = _section_blocks(language, sections, exclude=page.shown)
    return page


def _placed_and_newest(language: str) -> tuple[Article | None, list[Article], list[Article]]:
    """One query for the candidates of the main story, the top block and the feed, sorted out
    in Python: the main story, the top block, and the newest articles (for the feed)."""
    now = timezone.now()
    published = Article.objects.published().filter(language=language)
    placed = published.exclude(importance=Article.Importance.NORMAL).filter(
        Q(pinned_until__isnull=True) | Q(pinned_until__gt=now)
    )
    main = (
        placed.filter(importance=Article.Importance.MAIN)
        .annotate(pinned=_flag(Q(pinned_until__isnull=False)))
        .order_by("-pinned", "-publish_at", "-pk")
        .values("pk")[:1]
    )
    newest_placed = placed.order_by("-publish_at", "-pk").values("pk")[: TOP_BLOCK_SIZE + 1]
    newest = published.order_by("-publish_at", "-pk").values("pk")[: FEED_SIZE + TOP_BLOCK_SIZE + 1 + MOST_READ_SIZE]
    if connection.features.supports_slicing_ordering_in_compound:
        # PostgreSQL: one list of ids, each part read from its index. (Three IN subqueries
        # joined by OR made it test every published article of the language against them:
        # about a second at a million articles.)
        wanted = Q(pk__in=main.union(newest_placed, newest, all=True))
    else:  # SQLite cannot slice the parts of a UNION
        wanted = Q(pk__in=main) | Q(pk__in=newest_placed) | Q(pk__in=newest)
    rows = list(published.filter(wanted).for_list().annotate(is_lead=_flag(Q(pk__in=main))))
    lead = next((row for row in rows if row.is_lead), None)
    placed_rows = [row for row in rows if row.importance != Article.Importance.NORMAL and _still_placed(row, now)]
    if lead is None and placed_rows:
        lead = placed_rows[0]
    top = [row for row in placed_rows if row is not lead][:TOP_BLOCK_SIZE]
    return lead, top, rows


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _still_placed(article: Article, now) -> bool:
    return article.pinned_until is None or article.pinned_until > now


def _section_blocks(language: str, sections: list[Section], *, exclude: set[int]) -> list:
    if not sections:
        return []
    ids = latest_by_section(language, per_section=SECTION_BLOCK_SIZE, exclude=exclude)
    by_section: dict[int, list[Article]] = {}
    for article in Article.objects.published().filter(pk__in=ids).for_list():
        by_section.setdefault(article.section_id, []).append(article)
    return [(section, by_section[section.pk]) for section in sections if section.pk in by_section]

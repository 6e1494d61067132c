"""Sitemaps: an index with articles (paged, 50,000 per file), sections, topics, people and
countries, and a Google News sitemap with the articles of the last 48 hours.

Everything selects through ``published()``, so a scheduled article enters at its minute.
Sections, topics, people and countries are listed only when they have a published article
(their pages would be empty otherwise); their lastmod is their newest article's (for topics,
people and countries: the newest among their 20 most recently created, see
``ManyToManySitemap``).
"""

import datetime as dt
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article, Country, Person, Section, Tag, TaggedArticle
from newsroom.addresses import reverse_in

NEWS_WINDOW = dt.timedelta(hours=48)


class ArticleSitemap(Sitemap):
    """The articles, in files by ranges of the primary key (``IdRangePaginator``): file N holds
    the published articles with ids from (N - 1) x 50,000 + 1 to N x 50,000. Items are
    (slug, language, lastmod) tuples: no model instance per URL."""

    limit = 50_000  # the protocol's maximum per file

    def items(self):
        return (
            Article.objects.published()
            .annotate(last_significant=Coalesce("significant_update_at", "publish_at"))
            .order_by("pk")
            .values_list("slug", "language", "last_significant")
        )

    def location(self, item):
        slug, language, _lastmod = item
        return reverse_in(language, "articles:detail", slug)

    def lastmod(self, item):
        return item[2]

    def get_latest_lastmod(self):
        # For the index: the newest publication or significant update, each the first row of an
        # index (Django's default loads every item; an aggregate would read the whole table).
        published = Article.objects.published()
        moments = [
            published.order_by("-publish_at").values_list("publish_at", flat=True).first(),
            published.filter(significant_update_at__isnull=False)
            .order_by("-significant_update_at")
            .values_list("significant_update_at", flat=True)
            .first(),
        ]
        return max((moment for moment in moments if moment is not None), default=None)

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)


class IdRangePaginator(Paginator):
    """Page N is the rows with a primary key from (N - 1) x ``per_page`` + 1 to N x
    ``per_page``: an index range, where an OFFSET walked up to a million index entries (1-2 s
    for the last files of a million articles). The number of pages follows the highest id (one
    index lookup, no count); a file holds fewer rows where ids were not published or deleted.
    A file changes only when one of its own articles does, and new articles go to the last."""

    @cached_property
    def count(self):
        return self.object_list.model.objects.aggregate(top=Max("pk"))["top"] or 0

    def page(self, number):
        number = self.validate_number(number)
        low = (number - 1) * self.per_page
        rows = self.object_list.filter(pk__gt=low, pk__lte=low + self.per_page)
        return self._get_page(rows, number, self)


class UncountedPaginator(Paginator):
    """A page is ``limit`` rows from its offset, whatever ``count`` says (it only numbers files),
    less those that ``keep`` (if given) turns down."""

    def __init__(self, object_list, per_page, *, count, keep=None):
        super().__init__(object_list, per_page)
        self.count = count
        self.keep = keep

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.object_list[bottom : bottom + self.per_page]
        if self.keep is not None:
            rows = [row for row in rows if self.keep(row)]
        return self._get_page(rows, number, self)


class NewestArticleSitemap(Sitemap):
    """Lists whose lastmod is the newest published article in them (rows without one are left
    out: their pages would be empty)."""

    article_filter = None  # the Article field that points at the listed object

    def newest(self):
        """The publication time of the row's (``OuterRef("pk")``) newest published article."""
        articles = Article.objects.published().filter(**{self.article_filter: OuterRef("pk")})
        return articles.order_by("-publish_at").values("publish_at")[:1]

    def items(self):
        # Rows without a published article are dropped by the paginator (``keep``): filtering
        # in SQL would run the subquery twice per row.
        return self.model.objects.annotate(newest=Subquery(self.newest())).order_by("pk")

    def lastmod(self, item):
        return item.newest

    @property
    def paginator(self):
        # Files are numbered by the table's rows, not by those with a published article: that
        # count would run the newest-article subquery for every row. At worst the index lists
        # a last file with fewer entries.
        count = self.model.objects.count()
        return UncountedPaginator(self._items(), self.limit, count=count, keep=lambda row: row.newest is not None)

    def get_latest_lastmod(self):
        # The newest article that has one: walks the publication index from the top.
        return (
            Article.objects.published()
            .filter(**{f"{self.article_filter}__isnull": False})
            .order_by("-publish_at")
            .values_list("publish_at", flat=True)
            .first()
        )


class ManyToManySitemap(NewestArticleSitemap):
    """Topics, people, countries: each row's newest published article is sought among its
    ``recent`` newest-created articles, read backwards from the (row, article) index, so a row
    costs a few index entries whatever its archive. (Sorting every article of every row by
    publication took 38 s for the people of a million articles.)"""

    through = None  # the many-to-many table, its column for the listed row, and for the article
    row_field = None
    article_field = None
    recent = 20

    def newest(self):
        recent = (
            self.through.objects.filter(**{self.row_field: OuterRef(OuterRef("pk"))})
            .order_by(f"-{self.article_field}")
            .values(self.article_field)[: self.recent]
        )
        return Article.objects.published().filter(pk__in=recent).order_by("-publish_at").values("publish_at")[:1]


class SectionSitemap(NewestArticleSitemap):
    model = Section
    article_filter = "section"


class TagSitemap(ManyToManySitemap):
    model = Tag
    article_filter = "tagged_items__tag"
    through, row_field, article_field = TaggedArticle, "tag", "content_object"


class PersonSitemap(ManyToManySitemap):
    model = Person
    article_filter = "people"
    through, row_field, article_field = Article.people.through, "person", "article"


class CountrySitemap(ManyToManySitemap):
    model = Country
    article_filter = "countries"
    through, row_field, article_field = Article.countries.through, "country", "article"


class NewsSitemap(Sitemap):
    """Google News: only what was published in the last 48 hours."""

    limit = 1_000  # Google News reads at most 1,000 URLs per sitemap

    def items(self):
        return (
            Article.objects.published()
            .filter(publish_at__gte=timezone.now() - NEWS_WINDOW)
            .only("slug", "language", "title", "publish_at")
            .order_by("-publish_at", "-pk")
        )

    def lastmod(self, item):
        return item.publish_at


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "topics": TagSitemap,
    "people": PersonSitemap,
    "countries": CountrySitemap,
}

"""The editorial content: articles, sections, tags, and the story's subjects (people, countries)."""

import datetime as dt
import secrets

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from articles.bodies import body_photo_ids
from newsroom.addresses import reverse_in
from newsroom.expressions import JSONArrayAgg, instance_from_json
from newsroom.html import sanitize_html, sanitize_rich_text
from newsroom.i18n import TranslatedMixin, translation
from newsroom.slugs import UniqueSlugMixin, slugify, with_suffix
from newsroom.text import PlainTextMixin
from newsroom.times import newsroom_time, zone_name
from photos.images import DatedPath, SafeImageField
from photos.models import Photo


class Country(models.Model):
    """An ISO 3166-1 country. All of them are loaded by a data migration; nobody types them."""

    code = models.CharField(_("ISO code"), max_length=2, unique=True, help_text=_("ISO 3166-1 alpha-2, e.g. KZ."))
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name_ru"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{2}$"), name="articles_country_code_iso_alpha2"),
        ]

    def __str__(self):
        return self.name_ru

    def get_absolute_url(self):
        return reverse("articles:country", args=[self.slug])

    @property
    def name(self) -> str:
        """The name in the active language."""
        return {"kk": self.name_kk, "en": self.name_en}.get(get_language(), self.name_ru)


class Section(PlainTextMixin, TranslatedMixin, UniqueSlugMixin, models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_kk = translation(models.CharField, _("name (Kazakh)"), max_length=100)
    name_en = translation(models.CharField, _("name (English)"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, blank=True, help_text=_("Leave empty to build it from the name.")
    )
    description = models.TextField(_("description"), blank=True)
    description_kk = translation(models.TextField, _("description (Kazakh)"))
    description_en = translation(models.TextField, _("description (English)"))
    position = models.PositiveSmallIntegerField(
        _("position in the menu"), default=0, help_text=_("Smaller numbers come first.")
    )

    slug_fallback = "section"
    translated_fields = ("name", "description")

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        for field in ("description", "description_kk", "description_en"):
            setattr(self, field, sanitize_rich_text(getattr(self, field)))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:section", args=[self.slug])


class Person(PlainTextMixin, TranslatedMixin, UniqueSlugMixin, models.Model):
    """A newsmaker mentioned in stories, or an author (then linked to a staff user). A name is
    written one way (with an optional Latin spelling for the English site); the position,
    organisation and bio have Kazakh and English versions."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=200)
    name_en = translation(
        models.CharField,
        _("name in Latin letters (English site)"),
        max_length=200,
        help_text=_("e.g. Aidos Sarsenbayev. Empty: the name as written above."),
    )
    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, blank=True, help_text=_("Leave empty to build it from the name.")
    )
    position = models.CharField(
        _("position"), max_length=300, blank=True, help_text=_("e.g. министр культуры и спорта")
    )
    position_kk = translation(models.CharField, _("position (Kazakh)"), max_length=300)
    position_en = translation(models.CharField, _("position (English)"), max_length=300)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    organisation_kk = translation(models.CharField, _("organisation (Kazakh)"), max_length=300)
    organisation_en = translation(models.CharField, _("organisation (English)"), max_length=300)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    photo = SafeImageField(_("photo"), upload_to=DatedPath("people"), blank=True)
    bio = models.TextField(_("short bio"), blank=True)
    bio_kk = translation(models.TextField, _("short bio (Kazakh)"))
    bio_en = translation(models.TextField, _("short bio (English)"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text=_("Set for authors: the staff account that writes under this name."),
    )

    slug_fallback = "person"
    translated_fields = ("position", "organisation", "bio")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="articles_person_name_idx")]

    def __str__(self):
        return f"{self.name}, {self.position}" if self.position else self.name

    def save(self, *args, **kwargs):
        for field in ("bio", "bio_kk", "bio_en"):
            setattr(self, field, sanitize_rich_text(getattr(self, field)))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:person", args=[self.slug])


class Tag(PlainTextMixin, TranslatedMixin, TagBase):
    """A topic ("Тема"). Names keep their Cyrillic; slugs are transliterated and never empty.
    ``name`` (Russian) is the topic's key for django-taggit; the Kazakh and English names are
    for readers of those sites (``tag.i18n.name``) and the admin's search."""

    name_kk = translation(models.CharField, _("name (Kazakh)"), max_length=100)
    name_en = translation(models.CharField, _("name (English)"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, blank=True, help_text=_("Leave empty to build it from the name.")
    )
    description = models.TextField(_("description"), blank=True)

    slug_source = "name"
    translated_fields = ("name",)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def save(self, *args, **kwargs):
        self.description = sanitize_rich_text(self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:tag", args=[self.slug])

    def slugify(self, tag, i=None):
        max_length = self._meta.get_field("slug").max_length
        slug = slugify(tag, max_length=max_length, fallback="tag")
        return slug if i is None else with_suffix(slug, i + 1, max_length=max_length)


class TaggedArticle(TaggedItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = _("article topic")
        verbose_name_plural = _("article topics")
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="articles_taggedarticle_unique")]
        # A topic's articles from the index alone (topic pages, related articles).
        indexes = [models.Index(fields=["tag", "content_object"], name="articles_tagged_tag_article")]


class ArticleQuerySet(models.QuerySet):
    def published(self, *, at: dt.datetime | None = None):
        """What readers may see, decided at query time (``at``, now unless given): no job has to
        run for a schedule to work."""
        now = at or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=now).exclude(expire_at__lte=now)

    def released_to_partners(self, *, at: dt.datetime | None = None):
        """What partners allowed embargoed content may see (``at``, now unless given):
        ``published()``, and the scheduled articles an editor released to partners before their
        public time (``partners_from`` come, ``publish_at`` not yet). Only the partner API uses
        it, for those keys; readers, feeds, sitemaps, search and Telegram use ``published()``."""
        now = at or timezone.now()
        released = Q(publish_at__lte=now) | Q(partners_from__lte=now)
        return self.filter(released, status=Article.Status.PUBLISHED).exclude(expire_at__lte=now)

    def published_or_taken_down(self, *, expired: bool = False, embargoed: bool = False):
        """``published()``, and the withdrawn articles readers had seen (``version_at``, the
        withdrawal, not before ``publish_at``), and with ``expired`` those past their expiry:
        partners are told to take those down (``distribution.api``). Never a draft, an article
        in review or a scheduled one.

        With ``embargoed`` (a partner allowed embargoed content): ``released_to_partners()``
        instead of ``published()``, and the articles taken down (withdrawn, or back to draft or
        review) after a version of theirs reached those partners early (``partners_version_at``)
        and before their public time, so that those partners are told too."""
        now = timezone.now()
        readable = Q(status=Article.Status.PUBLISHED, publish_at__lte=now)
        taken_down = Q(status=Article.Status.WITHDRAWN, publish_at__lte=models.F("version_at"))
        if embargoed:
            readable |= Q(status=Article.Status.PUBLISHED, partners_from__lte=now)
            taken_down |= Q(
                ~Q(status=Article.Status.PUBLISHED),
                partners_version_at__lte=models.F("version_at"),
                publish_at__gt=models.F("version_at"),
            )
        if not expired:
            readable &= ~Q(expire_at__lte=now)
        return self.filter(readable | taken_down)

    def scheduled(self):
        """Published articles whose time has not come yet, soonest first."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now()).order_by("publish_at")

    def for_list(self):
        """What a list of teasers needs: no body, the section joined, newest first."""
        return self.select_related("section", "photo").defer("body").order_by("-publish_at", "-pk")

    def with_relations(self, *names: str):
        """``<name>_json`` on each article for each relation in ``names`` (tags, authors, people,
        countries, corrections, body_photos): its rows as one JSON array, in the same query
        (``Article.relation`` turns them into model instances). A page of fifty feed items or
        a hundred partner items then costs one query, where ``prefetch_related`` would cost one
        per relation and build a related manager per article."""
        return self.annotate(**{f"{name}_json": _relation_rows(name) for name in names})

    def with_view_counts(self):
        """Each article's ``view_count`` in the same query (the admin's list, the desk)."""
        counted = ArticleViews.objects.filter(article=OuterRef("pk")).values("count")[:1]
        return self.annotate(views_counted=Coalesce(Subquery(counted), 0))


# What ``with_relations`` loads of each relation: the link table (or the related rows), its column
# naming the article, the related model, the fields each row carries and the order of a list.
PERSON_FIELDS = ("slug", "name", "name_en", "position", "position_kk", "position_en")
COUNTRY_FIELDS = ("code", "name_ru", "name_kk", "name_en", "slug")
PHOTO_FIELDS = ("image", "width", "height", "alt_text", "caption", "credit")
RELATIONS = {
    "tags": ("articles.TaggedArticle", "content_object", "tag", ("slug", "name", "name_kk", "name_en"), "name"),
    "authors": ("articles.Article_authors", "article", "person", PERSON_FIELDS, "name"),
    "people": ("articles.Article_people", "article", "person", PERSON_FIELDS, "name"),
    "countries": ("articles.Article_countries", "article", "country", COUNTRY_FIELDS, "name_ru"),
    "corrections": ("articles.Correction", "article", None, ("kind", "text", "created_at"), "created_at"),
    "body_photos": ("articles.ArticleBodyPhoto", "article", "photo", PHOTO_FIELDS, "pk"),
}


def _relation_rows(name: str) -> Coalesce:
    link, article, related, fields, _order = RELATIONS[name]
    rows = apps.get_model(link).objects.filter(**{article: OuterRef("pk")})
    prefix = f"{related}__" if related else ""
    row = JSONObject(pk=f"{related}_id" if related else "pk", **{field: f"{prefix}{field}" for field in fields})
    rows = Subquery(rows.values(article).annotate(rows=JSONArrayAgg(row)).values("rows"))
    return Coalesce(rows, Value([], output_field=models.JSONField()))


# The embargo's refusals (``Article.clean``, ``article_publish``), with its end in newsroom time.
EMBARGO_PUBLISH_REFUSED = _(
    "Embargo until %(time)s (%(zone)s): the article cannot be published or scheduled before then."
)
EMBARGO_PARTNERS_REFUSED = _(
    "Embargo until %(time)s (%(zone)s): the article cannot be released to partners before then."
)
RELEASE_TAKEN_BACK_REFUSED = _(
    "Partners already have this article under embargo: the release cannot be taken back or moved later. "
    "To stop it, return the article to draft or withdraw it: partners are then told to cancel it."
)


class Article(PlainTextMixin, UniqueSlugMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Language(models.TextChoices):
        RUSSIAN = "ru", _("Russian")
        KAZAKH = "kk", _("Kazakh")
        ENGLISH = "en", _("English")

    class LiveState(models.TextChoices):
        """Where a live blog stands now (``live_state``), from its coverage times."""

        NONE = "none", _("Not a live blog")
        UPCOMING = "upcoming", _("Coverage not started")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Coverage ended")

    class Importance(models.TextChoices):
        """Where the front page places the article (``website.frontpage``)."""

        NORMAL = "normal", _("In the news feed")
        TOP = "top", _("In the top block")
        MAIN = "main", _("Main story")

    title = models.CharField(_("headline"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_(
            "The article's address. Leave empty to build it from the headline; "
            "it does not change when the headline is edited."
        ),
    )
    lead = models.TextField(
        _("lead"), blank=True, help_text=_("The first paragraph; it credits the source: «..., передает DKNews.kz».")
    )
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_(
            "Text pasted from Word, Google Docs or a web page keeps its headings, lists, links and quotes. "
            "A paragraph that holds only a link to a Telegram post, a YouTube video or an X post shows it to readers."
        ),
    )
    seo_title = models.CharField(
        _("title for search engines"),
        max_length=150,
        blank=True,
        default="",
        db_default="",
        help_text=_("Optional: the page title and the headline shared in social networks. Empty: the headline."),
    )
    seo_description = models.CharField(
        _("description for search engines"),
        max_length=300,
        blank=True,
        default="",
        db_default="",
        help_text=_("Optional: the snippet under the link in search results and shares. Empty: the lead."),
    )
    language = models.CharField(_("language"), max_length=2, choices=Language, default=Language.RUSSIAN)
    section = models.ForeignKey(
        Section, verbose_name=_("section"), null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    tags = TaggableManager(
        verbose_name=_("topics"),
        through=TaggedArticle,
        blank=True,
        help_text=_("Topics («Тема»), separated by commas."),
    )
    people = models.ManyToManyField(Person, verbose_name=_("people mentioned"), blank=True, related_name="mentioned_in")
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), blank=True, related_name="articles")
    source = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credited_articles",
        help_text=_("The agency the lead credits: «..., передает DKNews.kz»."),
    )
    source_url = models.URLField(
        _("original link"),
        max_length=2000,
        blank=True,
        db_default="",  # rows written by COPY (demo's generate_corpus) name no value for it
        help_text=_("The story on the source's site, for the newsroom (set when taken from a wire item)."),
    )
    authors = models.ManyToManyField(Person, verbose_name=_("authors"), blank=True, related_name="authored_articles")
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        help_text=_("The original article this one translates; readers get links between the language versions."),
    )
    photo = models.ForeignKey(
        Photo,
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text=_("The lead photo: pick one from the library or upload a new one with «+»."),
    )
    photo_caption = models.CharField(
        _("caption for this article"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty to use the photo's own caption."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_(
            "Newsroom time. A future time schedules the article; it appears at that minute without any job running."
        ),
    )
    expire_at = models.DateTimeField(
        _("expire at"),
        null=True,
        blank=True,
        help_text=_("Optional: the article disappears from the site at this time."),
    )
    embargo_until = models.DateTimeField(
        _("embargo until"),
        null=True,
        blank=True,
        help_text=_(
            "The article cannot be published or scheduled before this moment. "
            "Set when the article is taken from a wire item under embargo."
        ),
    )
    partners_from = models.DateTimeField(
        _("released to partners from"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: partners allowed embargoed content get the scheduled article from this time, "
            "marked as embargoed until its publication time. Readers see it only at its publication time."
        ),
    )
    coverage_start_at = models.DateTimeField(
        _("live coverage from"),
        null=True,
        blank=True,
        help_text=_(
            "Set: the article is a live blog, and entries can be posted from this time (live/). "
            "Empty: an ordinary article."
        ),
    )
    coverage_end_at = models.DateTimeField(
        _("live coverage ended"),
        null=True,
        blank=True,
        help_text=_("Set when an editor ends the coverage: readers see «Coverage ended», and no entry can be posted."),
    )
    importance = models.CharField(
        _("place on the front page"),
        max_length=6,
        choices=Importance,
        default=Importance.NORMAL,
        db_default=Importance.NORMAL,
        help_text=_(
            "The main story leads the front page with a large photo; the top block follows it. "
            "Takes effect when the article is published."
        ),
    )
    pinned_until = models.DateTimeField(
        _("keep the place until"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: after this time the article goes back to the news feed by itself. A pinned main story "
            "leads even when a newer one is marked main. A time in the past has no effect."
        ),
    )
    breaking_until = models.DateTimeField(
        _("breaking news until"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: until this time a «breaking news» banner with the headline stands on every page of the "
            "site in the article's language. A time in the past has no effect."
        ),
    )
    status_changed_at = models.DateTimeField(
        _("status changed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the article last changed status: how long an article has waited for review."),
    )
    significant_update_at = models.DateTimeField(
        _("last significant update"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Shown to readers as «Обновление»; set when an editor marks a change as significant."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="created_articles",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic locking: every save of a loaded copy must carry the version it was loaded at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # When this version reaches readers: the save, or the publication time when that is later
    # (a scheduled article's version appears at its second). The partner API's cursor.
    version_at = models.DateTimeField(_("version visible from"), default=timezone.now, editable=False)
    # When this version reaches the partners an editor released the article to before its public
    # time (``partners_from``): the save, or ``partners_from`` when later; empty when that is not
    # before ``publish_at``. The partner API's second cursor, for keys allowed embargoed content.
    partners_version_at = models.DateTimeField(
        _("version visible to partners from"), null=True, blank=True, editable=False
    )

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("article revision"))

    slug_source = "title"
    slug_fallback = "article"

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-publish_at", "-pk"]
        permissions = [("publish_article", _("Can publish, schedule and withdraw articles"))]
        indexes = [
            models.Index(fields=["status", "-publish_at"], name="articles_article_status_pub"),
            models.Index(fields=["section", "-publish_at"], name="articles_article_section_pub"),
            models.Index(fields=["language", "-publish_at"], name="articles_article_lang_pub"),
            # The page cache's next scheduled expiry; the sitemap index's newest update.
            models.Index(fields=["expire_at"], condition=Q(expire_at__isnull=False), name="articles_article_expire"),
            models.Index(
                fields=["-significant_update_at"],
                condition=Q(significant_update_at__isnull=False),
                name="articles_article_updated",
            ),
            # The front page's main story and top block; the breaking-news banner.
            models.Index(
                fields=["language", "-publish_at"],
                condition=~Q(importance="normal"),
                name="articles_article_placed",
            ),
            models.Index(
                fields=["breaking_until"], condition=Q(breaking_until__isnull=False), name="articles_article_breaking"
            ),
            models.Index(
                fields=["pinned_until"], condition=Q(pinned_until__isnull=False), name="articles_article_pinned"
            ),
            # The page cache's next scheduled change: a live blog's coverage starts or ends.
            models.Index(
                fields=["coverage_start_at"],
                condition=Q(coverage_start_at__isnull=False),
                name="articles_article_live_start",
            ),
            models.Index(
                fields=["coverage_end_at"], condition=Q(coverage_end_at__isnull=False), name="articles_article_live_end"
            ),
            # The partner API: every new or changed version in order (distribution.api).
            models.Index(fields=["version_at", "id"], name="articles_article_version_at"),
            # ... and what partners allowed embargoed content get before its public time.
            models.Index(
                fields=["partners_version_at", "id"],
                condition=Q(partners_version_at__isnull=False),
                name="articles_article_released",
            ),
            # The admin's list: newest first, and sorted or filtered by publication time; a
            # language and a section, and a status and its author (a journalist's drafts),
            # counted from the index alone (migration 0022; the trigram indexes of its search
            # are PostgreSQL's own, there).
            models.Index(fields=["-created_at", "-id"], name="articles_article_created"),
            models.Index(fields=["-publish_at", "-id"], name="articles_article_publish"),
            models.Index(fields=["language", "section", "-created_at", "-id"], name="articles_article_lang_section"),
            models.Index(fields=["status", "created_by"], name="articles_article_status_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review", "published", "withdrawn"]),
                name="articles_article_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(language__in=["ru", "kk", "en"]), name="articles_article_language_valid"
            ),
            models.CheckConstraint(
                condition=Q(importance__in=["normal", "top", "main"]), name="articles_article_importance_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(publish_at__isnull=False),
                name="articles_article_published_has_time",
                violation_error_message=_("A published article needs a publication time."),
            ),
            models.CheckConstraint(
                condition=Q(expire_at__isnull=True)
                | Q(publish_at__isnull=True)
                | Q(expire_at__gt=models.F("publish_at")),
                name="articles_article_expires_after_publish",
                violation_error_message=_("The expiry time must be after the publication time."),
            ),
            # An embargo binds every path: the admin, the services, the shell, an import.
            models.CheckConstraint(
                condition=~Q(status="published")
                | Q(embargo_until__isnull=True)
                | Q(publish_at__gte=models.F("embargo_until")),
                name="articles_article_published_after_embargo",
                violation_error_message=_("The article cannot be published or scheduled before its embargo ends."),
            ),
            models.CheckConstraint(
                condition=Q(coverage_end_at__isnull=True)
                | Q(coverage_start_at__isnull=False, coverage_end_at__gte=models.F("coverage_start_at")),
                name="articles_article_coverage_ends_after_start",
                violation_error_message=_("Live coverage cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(partners_from__isnull=True)
                | Q(embargo_until__isnull=True)
                | Q(partners_from__gte=models.F("embargo_until")),
                name="articles_article_partners_after_embargo",
                violation_error_message=_("The article cannot be released to partners before its embargo ends."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.title = self.title.strip()
        self.body = sanitize_html(self.body)
        adding = self._state.adding
        if self.status != getattr(self, "_loaded_status", None) and (
            kwargs.get("update_fields") is None or "status" in kwargs["update_fields"]
        ):
            self.status_changed_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "status_changed_at"}
        saved_at = timezone.now()
        pending = self.version_at if not adding and self.is_live_blog and self.version_at > saved_at else None
        self.version_at = self.visible_version_at(saved_at)
        if pending is not None:
            # A live blog keeps a version still ahead: a scheduled entry's (live.services), which
            # partners must be told of at its time.
            self.version_at = max(self.version_at, pending)
        if self.status == self.Status.PUBLISHED:
            # Otherwise kept: the moment the last version reached partners early, which tells
            # them to take the article down (``published_or_taken_down(embargoed=True)``).
            self.partners_version_at = self.partners_version_for(saved_at)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version_at", "partners_version_at"}
        with transaction.atomic(using=kwargs.get("using")):
            if not adding:
                # A copy loaded at version N may only be saved while the row is still at N:
                # otherwise someone else saved in between and this save would silently overwrite
                # their work.
                expected = self.version
                bumped = type(self)._base_manager.filter(pk=self.pk, version=expected).update(version=expected + 1)
                if not bumped:
                    raise EditConflict(self)
                self.version = expected + 1
            super().save(*args, **kwargs)
            if kwargs.get("update_fields") is None or "body" in kwargs["update_fields"]:
                self._link_body_photos(adding=adding)
        self._loaded_status = self.status

    def get_absolute_url(self):
        # An article lives under its own language's prefix: /news/..., /kk/news/..., /en/news/...
        return reverse_in(self.language, "articles:detail", self.slug)

    def visible_version_at(self, saved_at: dt.datetime) -> dt.datetime:
        """When a version saved at ``saved_at`` reaches readers: at once, or at the publication
        time of a scheduled article."""
        if self.status == self.Status.PUBLISHED and self.publish_at is not None:
            return max(saved_at, self.publish_at)
        return saved_at

    def partners_version_for(self, saved_at: dt.datetime) -> dt.datetime | None:
        """When a version saved at ``saved_at`` reaches the partners the article is released to
        early (``partners_from``): at once, or at ``partners_from`` when that is later; None
        when the article is not published or that moment is not before its public time."""
        if self.status != self.Status.PUBLISHED or self.partners_from is None or self.publish_at is None:
            return None
        moment = max(saved_at, self.partners_from)
        return moment if moment < self.publish_at else None

    @property
    def embargoed_for_partners(self) -> bool:
        """Published, released to partners, and not public yet: what ninjs marks embargoed."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.partners_from is not None
            and self.publish_at is not None
            and self.partners_from <= now < self.publish_at
        )

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        """Remember the status as loaded: ``save`` stamps ``status_changed_at`` when it changes;
        and whether partners had the article early (``clean`` keeps that from being taken back)."""
        article = super().from_db(db, field_names, values, **kwargs)
        article._loaded_status = article.__dict__.get("status")
        loaded = article.__dict__
        article._loaded_released = (
            all(name in loaded for name in ("status", "publish_at", "partners_from")) and article.embargoed_for_partners
        )
        return article

    def _link_body_photos(self, *, adding: bool) -> None:
        """Keep ``ArticleBodyPhoto`` in step with the figures in the body: the article page loads
        their photos in its one query, and a photo a body shows cannot be deleted. A figure
        naming a photo that does not exist gets no link (the page leaves that figure out)."""
        wanted = set(body_photo_ids(self.body))
        linked = set() if adding else set(self.body_photo_links.values_list("photo_id", flat=True))
        if wanted - linked:
            existing = Photo.objects.filter(pk__in=wanted - linked).values_list("pk", flat=True)
            ArticleBodyPhoto.objects.bulk_create([ArticleBodyPhoto(article=self, photo_id=pk) for pk in existing])
        if linked - wanted:
            self.body_photo_links.filter(photo_id__in=linked - wanted).delete()

    @property
    def view_count(self) -> int:
        """Readers' views, kept in their own narrow table (``ArticleViews``); loaded with the
        article by ``with_view_counts()``, else read with one query."""
        if "views_counted" in self.__dict__:
            return self.views_counted
        return ArticleViews.objects.filter(article_id=self.pk).values_list("count", flat=True).first() or 0

    @view_count.setter
    def view_count(self, value: int) -> None:
        self.views_counted = value

    def relation(self, name: str) -> list:
        """The relation ``name`` as model instances in its usual order, from the ``<name>_json``
        column of ``with_relations`` (no query)."""
        link, _article, related, _fields, order = RELATIONS[name]
        field = apps.get_model(link)._meta.get_field(related) if related else None
        model = field.related_model if field else apps.get_model(link)
        rows = getattr(self, f"{name}_json") or []
        return sorted((instance_from_json(model, row) for row in rows), key=lambda obj: (getattr(obj, order), obj.pk))

    @property
    def search_title(self) -> str:
        """The title search engines and shares get: ``seo_title``, else the headline."""
        return self.seo_title.strip() or self.title

    @property
    def search_description(self) -> str:
        """The description search engines and shares get: ``seo_description``, else the lead."""
        return self.seo_description.strip() or self.lead

    @property
    def lead_photo_caption(self) -> str:
        """The lead photo's caption as this article shows it: its own, else the photo's."""
        if self.photo_id is None:
            return ""
        return self.photo_caption or self.photo.caption

    @property
    def state(self) -> str:
        """What a reader would see now: draft, review, scheduled, published, expired or withdrawn."""
        if self.status != self.Status.PUBLISHED:
            return self.status
        now = timezone.now()
        if self.publish_at > now:
            return "scheduled"
        if self.expire_at is not None and self.expire_at <= now:
            return "expired"
        return "published"

    @property
    def live_state(self) -> str:
        """``LiveState`` now, decided from the coverage times like publication: a blog whose
        start is still ahead is upcoming, one whose end has come is ended."""
        if self.coverage_start_at is None:
            return self.LiveState.NONE
        now = timezone.now()
        if self.coverage_end_at is not None and self.coverage_end_at <= now:
            return self.LiveState.ENDED
        return self.LiveState.LIVE if self.coverage_start_at <= now else self.LiveState.UPCOMING

    @property
    def is_live_blog(self) -> bool:
        return self.coverage_start_at is not None

    def clean(self):
        super().clean()
        if self.title and not self.title.strip():
            raise ValidationError({"title": _("The headline cannot be blank.")})
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            # Publishing without a time means "now": the editor should not have to type it.
            self.publish_at = timezone.now()
        if self.expire_at and self.publish_at and self.expire_at <= self.publish_at:
            raise ValidationError({"expire_at": _("The expiry time must be after the publication time.")})
        self.check_embargo()
        if self.coverage_end_at and not self.coverage_start_at:
            raise ValidationError({"coverage_end_at": _("Live coverage cannot end before it starts.")})
        if self.coverage_end_at and self.coverage_end_at < self.coverage_start_at:
            raise ValidationError({"coverage_end_at": _("Live coverage cannot end before it starts.")})
        if self.partners_from and self.embargo_until and self.partners_from < self.embargo_until:
            raise ValidationError({"partners_from": self._embargo_error(EMBARGO_PARTNERS_REFUSED)})
        now = timezone.now()
        if (
            getattr(self, "_loaded_released", False)
            and self.status == self.Status.PUBLISHED
            and self.publish_at > now
            and (self.partners_from is None or self.partners_from > now)
        ):
            raise ValidationError({"partners_from": ValidationError(RELEASE_TAKEN_BACK_REFUSED, code="released")})

    def check_embargo(self) -> None:
        """Refuse publishing or scheduling before ``embargo_until`` with a message that gives
        the embargo's end in the newsroom's time and names the zone. The database refuses it
        too (``articles_article_published_after_embargo``), without the time."""
        if (
            self.status == self.Status.PUBLISHED
            and self.embargo_until is not None
            and self.publish_at is not None
            and self.publish_at < self.embargo_until
        ):
            raise ValidationError({"publish_at": self._embargo_error(EMBARGO_PUBLISH_REFUSED)})

    def _embargo_error(self, message) -> ValidationError:
        params = {"time": newsroom_time(self.embargo_until), "zone": zone_name()}
        return ValidationError(message, code="embargo", params=params)


class EditConflict(Exception):
    """Raised by ``Article.save`` when the row changed after this copy was loaded."""

    def __init__(self, article):
        self.article = article
        super().__init__(f"Article {article.pk} changed since version {article.version} was loaded.")


PREVIEW_SALT = "articles.preview-link"


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    """A revocable, expiring link that shows an unpublished article to someone outside the newsroom."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="preview_links"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=secrets.token_urlsafe, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.article} ({self.expires_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("articles:preview", kwargs={"signed_token": signing.Signer(salt=PREVIEW_SALT).sign(self.token)})

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class ArticleBodyPhoto(models.Model):
    """A library photo shown in an article's body (a figure in the editor). Kept by
    ``Article.save``; protects the photo from deletion while the body shows it."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="body_photo_links"
    )
    photo = models.ForeignKey(Photo, verbose_name=_("photo"), on_delete=models.PROTECT, related_name="body_uses")

    class Meta:
        verbose_name = _("photo in an article's text")
        verbose_name_plural = _("photos in articles' texts")
        constraints = [models.UniqueConstraint(fields=["article", "photo"], name="articles_bodyphoto_unique")]

    def __str__(self):
        return str(self.article)


class ArticleViews(models.Model):
    """How many times readers opened an article. Apart from the article's wide row so that
    counting (an UPDATE of thousands of rows every few seconds) rewrites 40-byte rows with one
    index, not the article's body with its dozen indexes: at a million articles one flush of
    500 views took 2.5 s and 71 MB of WAL on ``articles_article``."""

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("article")
    )
    count = models.BigIntegerField(_("views"), default=0)  # a view taken back may pass through -1

    class Meta:
        db_table = "articles_article_views"
        verbose_name = _("article views")
        verbose_name_plural = _("article views")

    def __str__(self):
        return f"{self.article_id}: {self.count}"


class ArticleViewsByHour(models.Model):
    """Readers' views of an article in one hour (UTC), for the most-read lists. Written with the
    totals (``readership.buffer.write``): one upsert per flush, not per view. Hours older than
    two days are deleted by a periodic job: only the 24-hour list reads them."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="+", verbose_name=_("article"), db_index=False
    )
    hour = models.DateTimeField(_("hour"))
    # The article's language, copied when the row is written: a most-read list ranks one
    # language's rows without joining the articles.
    language = models.CharField(_("language"), max_length=2)
    count = models.BigIntegerField(_("views"), default=0)

    class Meta:
        db_table = "articles_article_views_by_hour"
        verbose_name = _("article views in an hour")
        verbose_name_plural = _("article views by hour")
        constraints = [models.UniqueConstraint(fields=["hour", "article"], name="articles_views_by_hour_unique")]
        indexes = [
            models.Index(fields=["article"], name="articles_views_by_hour_article"),  # deleting an article
            # A most-read list: one language's hours, read from the index alone.
            models.Index(fields=["language", "hour", "article", "count"], name="articles_views_by_hour_rank"),
        ]

    def __str__(self):
        return f"{self.article_id} at {self.hour:%Y-%m-%d %H}:00: {self.count}"


class ArticleViewsByDay(models.Model):
    """Readers' views of an article in one UTC day, for the 7-day most-read list: written with
    the hours (``readership.buffer.write``), so that a week is summed from about a twentieth of the
    rows its hours would take. Days older than ``MOST_READ_KEEP_DAYS`` are deleted."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="+", verbose_name=_("article"), db_index=False
    )
    day = models.DateTimeField(_("day"))  # the day's first moment, UTC
    language = models.CharField(_("language"), max_length=2)
    count = models.BigIntegerField(_("views"), default=0)

    class Meta:
        db_table = "articles_article_views_by_day"
        verbose_name = _("article views in a day")
        verbose_name_plural = _("article views by day")
        constraints = [models.UniqueConstraint(fields=["day", "article"], name="articles_views_by_day_unique")]
        indexes = [
            models.Index(fields=["article"], name="articles_views_by_day_article"),
            models.Index(fields=["language", "day", "article", "count"], name="articles_views_by_day_rank"),
        ]

    def __str__(self):
        return f"{self.article_id} on {self.day:%Y-%m-%d}: {self.count}"


class Correction(PlainTextMixin, models.Model):
    """A note an editor attaches to a published article: a correction, an update or a clarification.

    Adding one is a significant update: readers see «Обновление», feeds and JSON-LD carry it.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        UPDATE = "update", pgettext_lazy("correction kind", "Update")
        CLARIFICATION = "clarification", _("Clarification")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(_("type"), max_length=15, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("correction or update")
        verbose_name_plural = _("corrections and updates")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["correction", "update", "clarification"]), name="articles_correction_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    @property
    def shown_on_top(self) -> bool:
        """Updates lead the article; corrections and clarifications follow it."""
        return self.kind == self.Kind.UPDATE

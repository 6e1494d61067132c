"""RSS 2.0 and Atom feeds: all articles, each language, section, topic and author, and each
live blog's entries.

Items are the latest 50 published articles (``published()``: a scheduled article enters at
its minute, a withdrawn or expired one leaves). GUIDs are tag URIs built from the article's
id and creation date, so they survive edits of the headline or the address.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agencies.services import publisher_get
from articles.models import Article, Person, Section, Tag
from live.models import plain_text
from live.pages import feed_entries
from website.pages import feed_articles

FEED_ITEMS = 50


class ArticleFeed(Feed):
    """The active language's latest articles; subclasses narrow it to one subject."""

    feed_type = Rss201rev2Feed
    all_languages = False

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return None

    def items(self, obj):
        articles = Article.objects.published()
        if not self.all_languages:
            articles = articles.filter(language=get_language())
        return feed_articles(self.narrow(articles, obj))[:FEED_ITEMS]

    def narrow(self, articles, obj):
        return articles

    def title(self, obj):
        publisher = publisher_get()
        name = publisher.i18n.short_name if publisher else _("Newsroom")
        return f"{name}: {obj.i18n.name}" if obj else str(name)

    def link(self, obj):
        return obj.get_absolute_url() if obj else reverse("articles:list")

    def description(self, obj):
        if obj is None:
            return _("The latest news")
        return _("The latest news: %(subject)s") % {"subject": obj.i18n.name}

    def feed_url(self, obj):
        return self.request.path

    @property
    def language(self):
        # Django reads this as an attribute; the "all languages" feed falls back to LANGUAGE_CODE.
        return None if self.all_languages else get_language()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        notes = [f"{note.get_kind_display()}: {note.text}" for note in item.relation("corrections")]
        return "\n\n".join([item.lead, *notes]) if notes else item.lead

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        domain = self.request.get_host().split(":")[0]
        return f"tag:{domain},{item.created_at:%Y-%m-%d}:article:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.significant_update_at or item.publish_at

    def item_author_name(self, item):
        return ", ".join(author.i18n.name for author in item.relation("authors")) or None

    def item_categories(self, item):
        return [tag.i18n.name for tag in item.relation("tags")]

    def item_enclosure_url(self, item):
        return self.request.build_absolute_uri(item.photo.image.url) if item.photo else None

    def item_enclosure_length(self, item):
        if not item.photo:
            return None
        try:
            return item.photo.image.size
        except OSError:
            return 0  # the file is missing from storage; RSS allows 0 for an unknown length

    def item_enclosure_mime_type(self, item):
        if not item.photo:
            return None
        extension = item.photo.image.name.rsplit(".", 1)[-1].lower()
        return {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(
            extension, "application/octet-stream"
        )


class AllArticlesFeed(ArticleFeed):
    all_languages = True


class SectionFeed(ArticleFeed):
    def get_object(self, request, slug):
        super().get_object(request)
        return get_object_or_404(Section, slug=slug)

    def narrow(self, articles, obj):
        return articles.filter(section=obj)


class TagFeed(ArticleFeed):
    def get_object(self, request, slug):
        super().get_object(request)
        return get_object_or_404(Tag, slug=slug)

    def narrow(self, articles, obj):
        return articles.filter(tagged_items__tag=obj)


class AuthorFeed(ArticleFeed):
    def get_object(self, request, slug):
        super().get_object(request)
        return get_object_or_404(Person, slug=slug)

    def link(self, obj):
        return reverse("articles:author", kwargs={"slug": obj.slug})

    def narrow(self, articles, obj):
        return articles.filter(authors=obj)


def atom(feed_class):
    """The same feed as Atom 1.0."""
    return type(
        f"{feed_class.__name__}Atom", (feed_class,), {"feed_type": Atom1Feed, "subtitle": feed_class.description}
    )


class LiveBlogFeed(Feed):
    """A live blog's newest entries (``live.pages.feed_entries``: published entries of a
    published live blog in the page's language; anything else is a 404), each linking to its
    anchor on the blog's page. The blog itself stays one item of the other feeds."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, slug):
        self.request = request
        articles = Article.objects.published().filter(language=get_language(), coverage_start_at__isnull=False)
        return get_object_or_404(articles.only("slug", "language", "title", "lead", "created_at"), slug=slug)

    def items(self, obj):
        entries = feed_entries(obj, limit=FEED_ITEMS)
        for entry in entries:
            entry.article = obj  # its link, without a query per item
        return entries

    def title(self, obj):
        return obj.title

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return obj.lead or obj.title

    def feed_url(self, obj):
        return self.request.path

    @property
    def language(self):
        return get_language()

    def item_title(self, item):
        return item.headline or item.summary(110)

    def item_description(self, item):
        return plain_text(item.body)

    def item_link(self, item):
        return f"{self.link(item.article)}#{item.anchor}"

    def item_guid(self, item):
        domain = self.request.get_host().split(":")[0]
        return f"tag:{domain},{item.created_at:%Y-%m-%d}:live-entry:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item):
        return ", ".join(author.i18n.name for author in item.authors.all()) or None

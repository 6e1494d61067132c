"""Metadata for search engines and social networks: canonical addresses, Open Graph, and
schema.org JSON-LD (NewsArticle on article pages, LiveBlogPosting on live blogs,
NewsMediaOrganization on the front page).
The JSON-LD is data here; base.html writes it into its script tag with Jinja2's ``tojson``."""

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext

from agencies.models import Agency
from live.models import Entry, plain_text
from website.liveblog import LiveBlog
from website.pages import ArticlePage

OG_LOCALES = {"ru": "ru_RU", "kk": "kk_KZ", "en": "en_US"}


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def organization(publisher: Agency | None, request) -> dict | None:
    if publisher is None:
        return None
    data = {
        "@type": "NewsMediaOrganization",
        "name": publisher.i18n.name,
        "alternateName": publisher.i18n.short_name,
        "url": absolute(request, "/"),
    }
    if publisher.founded_year:
        data["foundingDate"] = str(publisher.founded_year)
    if publisher.logo:
        data["logo"] = {"@type": "ImageObject", "url": absolute(request, publisher.logo.url)}
    return data


def organization_ld(publisher: Agency | None, request) -> dict | None:
    data = organization(publisher, request)
    return {"@context": "https://schema.org", **data} if data else None


def news_article_ld(page: ArticlePage, publisher: Agency | None, request) -> dict:
    article = page.article
    url = absolute(request, article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.search_description,
        "datePublished": article.publish_at.isoformat(),
        "dateModified": (article.significant_update_at or article.publish_at).isoformat(),
        "inLanguage": article.language,
        "isAccessibleForFree": True,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "author": [
            {
                "@type": "Person",
                "name": author.i18n.name,
                "url": absolute(request, reverse("articles:author", args=[author.slug])),
            }
            for author in page.authors
        ],
    }
    if article.seo_title.strip() and article.seo_title.strip() != article.title:
        data["alternativeHeadline"] = article.seo_title.strip()
    if photo := article.photo:
        image = {"@type": "ImageObject", "url": absolute(request, photo.image.url)}
        if photo.width:
            image |= {"width": photo.width, "height": photo.height}
        if caption := article.lead_photo_caption:
            image["caption"] = caption
        if photo.credit:
            image["creditText"] = photo.credit
        data["image"] = [image]
    if article.section:
        data["articleSection"] = article.section.i18n.name
    if tags := [tag.i18n.name for tag in page.tags]:
        data["keywords"] = tags
    if (publisher_data := organization(publisher, request)) is not None:
        data["publisher"] = publisher_data
    about = [
        {"@type": "Person", "name": person.i18n.name, "url": absolute(request, person.get_absolute_url())}
        | ({"jobTitle": person.i18n.position} if person.position else {})
        for person in page.people
    ]
    mentions = [
        {"@type": "Country", "name": country.name, "url": absolute(request, country.get_absolute_url())}
        for country in page.countries
    ]
    if about:
        data["about"] = about
    if mentions:
        data["mentions"] = mentions
    if corrections := [note for note in page.corrections if note.kind == note.Kind.CORRECTION]:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": note.text, "datePublished": note.created_at.isoformat()}
            for note in corrections
        ]
    return data


def live_blog_ld(page: ArticlePage, live: LiveBlog, publisher: Agency | None, request) -> dict:
    """A live blog: the article's NewsArticle data as a ``LiveBlogPosting`` (schema.org; what
    Google reads for its «Live» badge), with the coverage's start, its end once ended, the
    newest entry as ``dateModified``, and the entries of this page as ``liveBlogUpdate``."""
    article = page.article
    data = news_article_ld(page, publisher, request) | {"@type": "LiveBlogPosting"}
    data["coverageStartTime"] = article.coverage_start_at.isoformat()
    if live.state == article.LiveState.ENDED:
        data["coverageEndTime"] = article.coverage_end_at.isoformat()
    modified = article.significant_update_at or article.publish_at
    if live.timeline.newest_at and live.timeline.newest_at > modified:
        data["dateModified"] = live.timeline.newest_at.isoformat()
    data["liveBlogUpdate"] = [blog_posting(entry, data["url"], request) for entry in live.shown]
    return data


def blog_posting(entry: Entry, article_url: str, request) -> dict:
    """One entry as a ``BlogPosting`` of its blog's ``liveBlogUpdate``."""
    text = plain_text(entry.body)
    data = {
        "@type": "BlogPosting",
        "headline": Truncator(entry.headline).chars(110) if entry.headline else entry.summary(110),
        "articleBody": text,
        "datePublished": entry.published_at.isoformat(),
        "dateModified": max(entry.updated_at, entry.published_at).isoformat(),
        "url": f"{article_url}#{entry.anchor}",
    }
    if authors := [
        {
            "@type": "Person",
            "name": author.i18n.name,
            "url": absolute(request, reverse("articles:author", args=[author.slug])),
        }
        for author in entry.authors.all()
    ]:
        data["author"] = authors
    return data


def front_page_description(publisher: Agency | None, sections) -> str:
    """The front page's meta description: the agency and what it covers, in the page's language."""
    name = publisher.i18n.name if publisher else gettext("Newsroom")
    covered = ", ".join(str(section.i18n.name) for section in sections)
    if not covered:
        return gettext("%(name)s: the latest news.") % {"name": name}
    return gettext("%(name)s: the latest news, as it happens. %(sections)s.") % {"name": name, "sections": covered}

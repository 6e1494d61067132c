"""Articles as IPTC ninjs 3.1 news items (https://iptc.org/standards/ninjs/), for partners.

One function per shape: ``item`` for a readable article (``pubStatus: usable``; with
``embargoedUntil``, its publication time, while it is released to partners before it), ``canceled``
for one partners must take down (withdrawn, or past its expiry). Both take an article loaded by
``distribution.api.for_partners`` (its relations as JSON columns: no query here) and the
absolute address of the site, and use the article's own language for names.

A live blog's item carries its entries in its body, after the article's own body: the newest
``ENTRIES_PER_ITEM`` published entries, newest first (loaded for a whole page at once by
``distribution.api.with_entries``), each with its anchor (``entry-<id>``, as on the site), time,
headline, authors and sanitised body. Its ``version`` adds the revisions of its entries readers
have seen to the article's own (``entry_revisions``), so every new, edited or deleted entry makes
a new version.
"""

import datetime as dt
import functools
from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from agencies.models import Agency
from articles.models import Article
from newsroom.addresses import reverse_in
from newsroom.times import newsroom_time
from photos.images import rendition_widths

NINJS_VERSION = "3.1"
NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json"
STANDARD = {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA}
# A live blog's item holds its newest entries, this many at most (the site's page has them all).
ENTRIES_PER_ITEM = 200


def stamp(moment: dt.datetime) -> str:
    """An RFC 3339 time in UTC with seconds: ``2026-11-30T12:00:00Z``."""
    return timezone.localtime(moment, dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@functools.cache
def _items_path() -> str:
    return reverse("api-v1:item", kwargs={"pk": 1}).removesuffix("1")


def item_uri(base: str, pk: int) -> str:
    """The item's identifier: its own address in the API (stable: never reused, never moved)."""
    return f"{base}{_items_path()}{pk}"


def _common(article: Article, base: str, status: str) -> dict:
    return {
        "uri": item_uri(base, article.pk),
        "type": "text",
        "version": str(article.version + getattr(article, "entry_revisions", 0)),
        "firstCreated": stamp(article.created_at),
        "versionCreated": stamp(article.version_at),
        "pubStatus": status,
        "language": article.language,
        "standard": STANDARD,
    }


def canceled(article: Article, base: str) -> dict:
    """What a partner needs to take an item down: its identity and ``pubStatus: canceled``."""
    return _common(article, base, "canceled")


def _in(row: dict, field: str, language: str) -> str:
    """``row``'s ``field`` in ``language`` (its ``_kk``/``_en`` column), else the Russian one,
    as ``obj.i18n`` reads it."""
    return row.get(f"{field}_{language}") or row[field]


def item(article: Article, base: str, publisher: Agency | None, *, entries: Sequence = ()) -> dict:
    """The whole article as a ninjs item. Its topics, authors, people and countries are read
    from the JSON columns of ``for_partners`` as they are (model instances for a hundred
    items' relations took a third of a page's time); a live blog's ``entries`` follow its body."""
    language = article.language
    data = _common(article, base, "usable")
    if article.embargoed_for_partners:
        # Released to partners before its public time: ninjs 3's ``embargoedUntil`` (1.x and 2.x
        # called it ``embargoed``); the version reached them at ``partners_version_at``.
        data["embargoedUntil"] = stamp(article.publish_at)
        data["versionCreated"] = stamp(article.partners_version_at or article.updated_at)
    data["representationType"] = "full"
    if article.publish_at:
        data["contentCreated"] = stamp(article.publish_at)
    data["headlines"] = [{"role": "main", "value": article.title}]
    if article.lead:
        data["descriptions"] = [{"role": "summary", "contentType": "text/plain", "value": article.lead}]
    person_name = "name_en" if language == "en" else "name"  # names are written once, or in Latin
    body = article.body + "".join(_entry_html(entry, person_name) for entry in entries)
    if body:
        data["bodies"] = [{"role": "main", "contentType": "text/html", "value": body}]
    authors = sorted(article.authors_json, key=lambda row: (row["name"], row["pk"]))
    if authors:
        data["by"] = ", ".join(row[person_name] or row["name"] for row in authors)
    data["renditions"] = [{"name": "web", "href": base + article.get_absolute_url(), "contentType": "text/html"}]
    subjects = []
    if article.section_id is not None:
        section = article.section
        with translation.override(language):
            name = section.i18n.name
        subjects.append(
            {
                "name": name,
                "rel": "section",
                "uri": base + reverse_in(language, "articles:section", section.slug),
                "literal": section.slug,
            }
        )
    subjects += [
        {
            "name": _in(row, "name", language),
            "rel": "topic",
            "uri": base + reverse_in(language, "articles:tag", row["slug"]),
            "literal": row["slug"],
        }
        for row in sorted(article.tags_json, key=lambda row: (row["name"], row["pk"]))
    ]
    if subjects:
        data["subjects"] = subjects
    people = [
        {
            "name": row[person_name] or row["name"],
            "rel": "mentioned",
            "uri": base + reverse_in(language, "articles:person", row["slug"]),
            "literal": row["slug"],
        }
        for row in sorted(article.people_json, key=lambda row: (row["name"], row["pk"]))
    ]
    if people:
        data["people"] = people
    country_name = {"kk": "name_kk", "en": "name_en"}.get(language, "name_ru")
    places = [
        {"name": row[country_name], "rel": "country", "literal": row["code"], "uri": f"iso3166-1a2:{row['code']}"}
        for row in sorted(article.countries_json, key=lambda row: (row["name_ru"], row["pk"]))
    ]
    if places:
        data["places"] = places
    if article.photo_id is not None:
        data["associations"] = [_photo(article, base)]
    if publisher is not None:
        with translation.override(language):
            holder = publisher.i18n.name
        data["copyrightHolder"] = holder
        data["copyrightNotice"] = f"© {(article.publish_at or article.created_at).year} {holder}"
    if article.source_id is not None:
        with translation.override(language):
            source = article.source.i18n.name
        data["infoSources"] = [{"name": source, "role": "source", "literal": article.source.slug}]
    return data


def _entry_html(entry, person_name: str) -> str:
    """One entry of a live blog: its anchor, its time (UTC in ``datetime``, newsroom time shown),
    its headline and authors escaped, and its body as stored (sanitised on every save)."""
    authors = sorted(entry.authors_json, key=lambda row: (row["name"], row["pk"]))
    names = ", ".join(row[person_name] or row["name"] for row in authors)
    return format_html(
        '<article id="{}"><p><time datetime="{}">{}</time></p>{}{}{}</article>',
        entry.anchor,
        stamp(entry.published_at),
        newsroom_time(entry.published_at),
        format_html("<h3>{}</h3>", entry.headline) if entry.headline else "",
        format_html('<p class="byline">{}</p>', names) if names else "",
        mark_safe(entry.body),  # sanitised by Entry.save (newsroom.html), as the article body
    )


def _photo(article: Article, base: str) -> dict:
    """The lead photo as an association: its caption, credit and every rendition with its size."""
    photo = article.photo
    picture = {
        "name": "leadphoto",
        "rel": "leadphoto",
        "uri": base + photo.image.url,
        "type": "picture",
        "headlines": [{"value": article.photo_caption or photo.caption or photo.alt_text}],
        "descriptions": [{"role": "alt", "contentType": "text/plain", "value": photo.alt_text}],
    }
    if photo.credit:
        picture["by"] = photo.credit
    original = {"name": "original", "href": base + photo.image.url}
    if photo.width and photo.height:
        original |= {"width": photo.width, "height": photo.height}
    renditions = [original]
    for width in rendition_widths(photo.width):
        renditions.append(
            {
                "name": f"w{width}",
                "href": base + photo.rendition_url(width),
                "contentType": "image/webp",
                "width": width,
                "height": round(width * (photo.height or 0) / (photo.width or 1)),
            }
        )
    picture["renditions"] = renditions
    return picture

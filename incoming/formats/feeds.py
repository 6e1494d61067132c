"""Partners' RSS 2.0 and Atom feeds read into ``WireItem`` objects, one an entry, by feedparser.

Before feedparser sees a byte, the feed is checked as every partner's XML is (``read_xml``): over
the size limit, or declaring entities, it is refused. feedparser is given the bytes in a stream
(a ``str`` or ``bytes`` argument may be taken for an address or a file name, and fetched or
opened), and never fetches anything. A feed that is not well-formed XML is still handed to
feedparser, whose lenient reader takes what it can (a stray ``&`` should not cost the desk a
feed); what it cannot read as a feed at all is refused.

What a feed does not say stays empty: an entry without an id has guid "" (the desk derives an
identity from its link and headline), without a date its times are None; feeds have no
versions, urgency, embargo or status (every entry is "usable").
"""

import calendar
import datetime as dt
import io
import json

import feedparser

from . import (
    FormatError,
    WireItem,
    WirePicture,
    XMLUnreadable,
    one_line,
    paragraphs,
    plain_text,
    read_xml,
    unique_pictures,
    web_url,
)

HTML_TYPES = ("text/html", "application/xhtml+xml")


def parse_feed(data: bytes) -> list[WireItem]:
    """Every entry of an RSS 2.0 or Atom feed, in the feed's order."""
    try:
        _, text = read_xml(data)
    except XMLUnreadable:
        stream, headers = io.BytesIO(data), {}  # feedparser finds the encoding and reads leniently
    else:
        # Decoded here, as NewsML is (a wrong declared encoding is common): handed on as UTF-8.
        stream, headers = io.BytesIO(text.encode()), {"content-type": "application/xml; charset=utf-8"}
    feed = feedparser.parse(stream, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    if not feed.get("version") and not feed.entries:
        reason = feed.get("bozo_exception")
        raise FormatError("not an RSS or Atom feed" + (f": {reason}" if reason else ""))
    language = feed.feed.get("language") or ""
    return [_item(entry, language) for entry in feed.entries]


def _item(entry, feed_language: str) -> WireItem:
    content = next((part for part in entry.get("content", []) if part.get("value", "").strip()), None)
    description = _description(entry)
    if content is not None:
        body = _html(content)
        summary = _text(description)
        summary = "" if summary == plain_text(body) else summary  # the body again, not a summary
    else:
        body, summary = _html(description), ""
    title = entry.get("title_detail") or {"value": entry.get("title", ""), "type": "text/plain"}
    language = (content or {}).get("language") or title.get("language") or feed_language
    published = _time(entry.get("published_parsed"))
    # Asked for an absent "updated_parsed", feedparser answers "published_parsed" (and warns).
    updated = _time(entry["updated_parsed"]) if "updated_parsed" in entry else None
    return WireItem(
        guid=(entry.get("id") or "").strip(),
        headline=_text(title),
        summary=summary,
        body_html=body,
        language=language.strip(),
        subjects=_unique_text(tag.get("term") or tag.get("label") or "" for tag in entry.get("tags", [])),
        byline=one_line((entry.get("author_detail") or {}).get("name") or entry.get("author") or ""),
        url=web_url(entry.get("link")),
        firstcreated=published,
        versioncreated=updated or published,
        pictures=_pictures(entry),
        raw=_raw(entry),
    )


def _description(entry) -> dict:
    """The entry's RSS description or Atom summary, with its type. feedparser files a
    ``media:description`` under ``summary_detail`` too: its type counts only when it holds the
    description itself."""
    value, detail = entry.get("summary", ""), entry.get("summary_detail") or {}
    return {"value": value, "type": detail.get("type") if detail.get("value") == value else "text/html"}


def _html(part: dict) -> str:
    """A content or description as HTML: as sent, or plain text as paragraphs."""
    value = (part.get("value") or "").strip()
    return value if part.get("type", "text/html") in HTML_TYPES else paragraphs(value)


def _text(part: dict) -> str:
    """A title or description as plain text on one line."""
    value = part.get("value") or ""
    return plain_text(value) if part.get("type") in HTML_TYPES else one_line(value)


def _time(parsed) -> dt.datetime | None:
    """feedparser's time (a ``struct_time`` in UTC) as an aware datetime."""
    if parsed is None:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC)


def _unique_text(values) -> list[str]:
    found = []
    for value in map(one_line, values):
        if value and value not in found:
            found.append(value)
    return found


def _pictures(entry) -> list[WirePicture]:
    """Image enclosures and ``media:content`` images, with the entry's ``media:credit``."""
    credit = one_line(entry.get("credit") or "")
    found = []
    for enclosure in entry.get("enclosures", []):
        if (enclosure.get("type") or "").lower().startswith("image/") and web_url(enclosure.get("href")):
            found.append(WirePicture(url=web_url(enclosure.get("href")), credit=credit))
    for media in entry.get("media_content", []):
        is_image = media.get("medium") == "image" or (media.get("type") or "").lower().startswith("image/")
        if is_image and web_url(media.get("url")):
            found.append(WirePicture(url=web_url(media.get("url")), credit=credit))
    return unique_pictures(found)


def _raw(entry) -> str:
    """The entry's main fields as sent, as JSON (a feed entry has no text of its own to keep)."""
    fields = ("id", "title", "link", "published", "updated", "author", "summary", "content", "tags")
    kept = {name: entry[name] for name in fields if name in entry}
    kept["enclosures"] = entry.get("enclosures", []) + entry.get("media_content", [])
    return json.dumps(kept, ensure_ascii=False, default=str)

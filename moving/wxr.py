"""Reading a WordPress export (WXR 1.0-1.2) as a stream: the site's authors, categories and
tags, then one ``Item`` at a time, whatever the file's size (each item's XML is freed once read).

WordPress's Tools → Export writes the format; its namespaces carry the version
(``http://wordpress.org/export/1.2/``; WordPress.com, and the theme unit test it exported, write
``https://``). A file that is not XML, a truncated one or one of an unknown version raises
``WXRError`` with a sentence for the report; the items read before a truncation have been
handed out already.

Titles, and the names of categories, tags and authors, are read as text. WordPress keeps them
as HTML (``&`` is saved as ``&amp;`` in a category's or an author's name, and in a title saved
through its HTML filter; a title may hold markup), and exports what it keeps: inside CDATA
(names; titles since WordPress 5.7), or escaped for XML (titles before 5.7, which the export
also stripped of tags). Either way the XML's text is HTML, what WordPress's own importer stores
as the title again, and what its readers see is that HTML's text: tags dropped, entities decoded
once (``wpbody.plain``). Contents and excerpts stay HTML for ``wpbody.convert``.
"""

import dataclasses
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from moving.wpbody import plain

KNOWN_VERSIONS = ("1.0", "1.1", "1.2")
WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/(\d+\.\d+)/$")
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


class WXRError(Exception):
    """The file cannot be read as a WordPress export; the message says why, for the report."""


@dataclasses.dataclass
class Item:
    post_id: str
    post_type: str
    status: str
    protected: bool  # a password guards it in WordPress (the password itself is not kept)
    title: str  # text (WordPress keeps HTML: see the module's docstring)
    link: str
    guid: str
    content: str  # HTML
    excerpt: str  # HTML
    slug: str
    date: str  # post_date, the site's local time, "YYYY-MM-DD HH:MM:SS"
    date_gmt: str  # "0000-00-00 00:00:00" for drafts
    modified_gmt: str
    creator: str  # the author's login
    categories: list[tuple[str, str]]  # (nicename, name as text)
    tags: list[tuple[str, str]]
    meta: dict[str, str]
    attachment_url: str


@dataclasses.dataclass
class Site:
    version: str = ""
    link: str = ""
    authors: dict[str, str] = dataclasses.field(default_factory=dict)  # login -> display name (text)
    categories: dict[str, str] = dataclasses.field(default_factory=dict)  # nicename -> name (text)


def _text(element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None and found.text else ""


class WXRReader:
    """``reader = WXRReader(file)``; ``for item in reader.items(): ...``; ``reader.site`` is
    filled as the channel's header is read (before the first item)."""

    def __init__(self, file):
        self.file = file
        self.site = Site()
        self.wp = ""
        self.excerpt = ""

    def items(self) -> Iterator[Item]:
        try:
            yield from self._items()
        except ET.ParseError as error:
            line, column = error.position
            raise WXRError(
                f"the file is not well-formed XML at line {line}, column {column} (truncated or not an export?)"
            ) from error

    def _items(self) -> Iterator[Item]:
        parser = ET.iterparse(self.file, events=("start-ns", "start", "end"))
        root = channel = None
        depth = 0  # 1: <rss>, 2: <channel>, 3: the channel's children (header elements, items)
        for event, value in parser:
            if event == "start-ns":
                prefix, uri = value
                match = WP_NAMESPACE.match(uri)
                if prefix == "wp" or match:
                    if not match or match[1] not in KNOWN_VERSIONS:
                        raise WXRError(f"unknown WXR version ({uri}): this importer reads WordPress exports 1.0 to 1.2")
                    self.wp, self.site.version = "{" + uri + "}", match[1]
                elif prefix == "excerpt":
                    self.excerpt = "{" + uri + "}encoded"
                continue
            element = value
            if event == "start":
                depth += 1
                if root is None:
                    root = element
                    if element.tag != "rss":
                        raise WXRError(f"this is not a WordPress export (the document is <{element.tag}>, not <rss>)")
                elif channel is None and element.tag == "channel":
                    channel = element
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue  # inside an item or a header element: read with its parent
            if not self.wp:
                raise WXRError("this RSS file is not a WordPress export (no wp: namespace); use import_feed")
            if element.tag == "item":
                yield self._item(element)
            else:
                self._channel_element(element)
            channel.remove(element)  # memory stays bounded: each element is forgotten once read
        if root is None:
            raise WXRError("the file is empty")

    def _channel_element(self, element) -> None:
        wp = self.wp
        if element.tag == "link" and not self.site.link:
            self.site.link = (element.text or "").strip()
        elif element.tag == wp + "author":
            login = _text(element, wp + "author_login")
            self.site.authors[login] = plain(_text(element, wp + "author_display_name")) or login
        elif element.tag == wp + "category":
            nicename = _text(element, wp + "category_nicename")
            self.site.categories[nicename] = plain(_text(element, wp + "cat_name")) or nicename

    def _item(self, element) -> Item:
        wp = self.wp
        categories, tags = [], []
        for category in element.findall("category"):
            pair = (category.get("nicename", ""), plain(category.text or ""))
            if category.get("domain") == "category":
                categories.append(pair)
            elif category.get("domain") == "post_tag":
                tags.append(pair)
        meta = {_text(m, wp + "meta_key"): _text(m, wp + "meta_value") for m in element.findall(wp + "postmeta")}
        return Item(
            post_id=_text(element, wp + "post_id"),
            post_type=_text(element, wp + "post_type") or "post",
            status=_text(element, wp + "status"),
            protected=bool(_text(element, wp + "post_password")),
            title=plain(element.findtext("title") or ""),
            link=_text(element, "link"),
            guid=_text(element, "guid"),
            content=element.findtext(CONTENT) or "",
            excerpt=(element.findtext(self.excerpt) or "") if self.excerpt else "",
            slug=_text(element, wp + "post_name"),
            date=_text(element, wp + "post_date"),
            date_gmt=_text(element, wp + "post_date_gmt"),
            modified_gmt=_text(element, wp + "post_modified_gmt"),
            creator=_text(element, DC_CREATOR),
            categories=categories,
            tags=tags,
            meta=meta,
            attachment_url=_text(element, wp + "attachment_url"),
        )

"""Partners' IPTC ninjs (1.x, 2.x and 3.x JSON) read into ``WireItem`` objects: a page of an API, or one item.

One reader serves the three generations, whose names differ mostly in case (1.x and 2.x write
``versioncreated``, 3.x ``versionCreated``): every object's keys are read lowercased. What differs
beyond case is read both ways:

- headline: ``headline`` (1.x) or ``headlines: [{value, role, contenttype}]`` (2.x, 3.x);
- body: ``body_html``/``body_xhtml``/``body_text`` (1.x) or ``bodies`` (2.x, 3.x); a plain text
  body becomes escaped ``<p>`` paragraphs;
- summary: ``description_text``/``description_html`` (1.x) or ``descriptions`` (2.x, 3.x);
- subjects: ``subject`` (1.x, with ``code``) or ``subjects`` (2.x, 3.x, with ``literal``);
- byline: ``byline`` (1.x) or ``by`` (2.x, 3.x); embargo: ``embargoed`` or ``embargoedUntil`` (3.x);
- renditions and associations: objects keyed by name (1.x) or arrays (2.x, 3.x).

An item is refused (``FormatError``) when it has no ``uri`` (nor Superdesk's ``guid``), or when a
field it uses has the wrong type or an unreadable value; in a page, the message names the item's
index, and the whole page is refused.
"""

import json

from . import (
    FormatError,
    WireItem,
    WirePicture,
    check_size,
    one_line,
    paragraphs,
    parse_time,
    plain_text,
    read_pubstatus,
    read_urgency,
    shown,
    unique_pictures,
    web_url,
)

HTML_TYPES = ("text/html", "application/xhtml+xml")
# Descriptions that say what a picture shows to someone who cannot see it: never an item's summary.
ALT_ROLES = ("alt", "alttext", "alt_text")


def parse_page(data: bytes, *, skipped: list[str] | None = None) -> tuple[list[WireItem], str | None, bool]:
    """A partner API's answer: its items, the cursor to ask from next (None when it gives none)
    and whether more items wait. Reads this project's envelope ``{"items": [...], "next": cursor,
    "more": bool}``, a bare list of items, or a single ninjs object. An item that is not ninjs
    refuses the page, unless ``skipped`` is given: then the reason is added to it and the page's
    other items are read (one bad item must not hold up a partner's stream for good)."""
    check_size(data)
    try:
        document = json.loads(data)
    except UnicodeDecodeError:
        raise FormatError("not JSON: the bytes are not UTF-8 text") from None
    except ValueError as error:
        raise FormatError(f"not JSON: {error}") from None
    except RecursionError:
        raise FormatError("not JSON that can be read: nested too deep") from None

    if isinstance(document, dict) and "items" in document:
        objects, cursor, more = document["items"], document.get("next"), document.get("more", False)
        if not isinstance(objects, list):
            raise FormatError("not a page of ninjs items: «items» is not a list")
        if cursor is not None and not isinstance(cursor, str):
            raise FormatError("not a page of ninjs items: «next» is not a string")
        if not isinstance(more, bool):
            raise FormatError("not a page of ninjs items: «more» is not true or false")
        return _items(objects, skipped), cursor or None, more
    if isinstance(document, list):
        return _items(document, skipped), None, False
    if isinstance(document, dict):
        return [parse_item(document)], None, False
    raise FormatError(f"not ninjs: the JSON is a {type(document).__name__}, not an object or a list")


def _items(objects: list, skipped: list[str] | None = None) -> list[WireItem]:
    items = []
    for index, obj in enumerate(objects):
        try:
            items.append(parse_item(obj))
        except FormatError as error:
            if skipped is None:
                raise FormatError(f"item {index}: {error}") from None
            skipped.append(f"item {index}: {error}")
    return items


def parse_item(obj: dict) -> WireItem:
    """One ninjs object (1.x, 2.x or 3.x) as a ``WireItem``."""
    if not isinstance(obj, dict):
        raise FormatError(f"not ninjs: the item is a {type(obj).__name__}, not an object")
    fields = _lowered(obj)
    guid = _text(fields, "uri") or _text(fields, "guid")
    if not guid.strip():
        raise FormatError("not ninjs: the item has no «uri» (nor «guid»)")
    try:
        return _item(fields, guid.strip(), json.dumps(obj, ensure_ascii=False))
    except FormatError as error:
        raise FormatError(f"{guid.strip()}: {error}") from None


def _item(fields: dict, guid: str, raw: str) -> WireItem:
    embargoed = "embargoeduntil" if "embargoeduntil" in fields else "embargoed"
    pictures = [picture for picture in map(_picture, _associations(fields)) if picture is not None]
    if _text(fields, "type") == "picture":  # a picture sent on its own is its own picture
        itself = _picture(fields)
        pictures = ([itself] if itself else []) + pictures
    return WireItem(
        guid=guid,
        version=_version(fields),
        headline=one_line(_headline(fields)),
        summary=_description(fields, alt=False),
        body_html=_body(fields),
        language=_text(fields, "language").strip(),
        urgency=read_urgency(fields.get("urgency")),
        subjects=_subjects(fields),
        keywords=_keywords(fields),
        byline=one_line(_byline(fields)),
        dateline=one_line(_located(fields)),
        url=_web_address(fields),
        firstcreated=parse_time(fields.get("firstcreated"), "firstcreated"),
        versioncreated=parse_time(fields.get("versioncreated"), "versioncreated"),
        embargoed=parse_time(fields.get(embargoed), embargoed),
        pubstatus=read_pubstatus(fields.get("pubstatus")),
        pictures=unique_pictures(pictures),
        raw=raw,
    )


# -- Reading fields, with their types checked ---------------------------------------------------


def _lowered(obj: dict) -> dict:
    """``obj`` with its keys lowercased: ``versionCreated`` (3.x) reads as ``versioncreated``."""
    return {key.lower(): value for key, value in obj.items()}


def _text(fields: dict, name: str) -> str:
    value = fields.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FormatError(f"«{name}» is not text: {shown(value)}")
    return value


def _list(fields: dict, name: str) -> list:
    value = fields.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise FormatError(f"«{name}» is not a list")
    return value


def _objects(fields: dict, name: str) -> list[dict]:
    """A list of objects (``headlines``, ``subjects``...), each with its keys lowercased."""
    found = []
    for value in _list(fields, name):
        if not isinstance(value, dict):
            raise FormatError(f"«{name}» holds a {type(value).__name__}, not an object")
        found.append(_lowered(value))
    return found


def _named(fields: dict, name: str) -> list[dict]:
    """Renditions or associations: an object keyed by name (1.x) or a list (2.x, 3.x)."""
    value = fields.get(name)
    if isinstance(value, dict):
        value = [entry | {"name": key} if isinstance(entry, dict) else entry for key, entry in value.items()]
    return _objects({name: value}, name)


def _version(fields: dict) -> str:
    value = fields.get("version")
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int | str):
        return str(value).strip()
    raise FormatError(f"«version» is not text: {shown(value)}")


def _kind(entry: dict) -> str | None:
    """How a headline, body or description's ``value`` is written: "html", "text", or None for
    a markup we do not read (NITF, JSON). Without a content type, by its role or its look."""
    content_type = _text(entry, "contenttype").split(";")[0].strip().lower()
    if content_type:
        return "html" if content_type in HTML_TYPES else "text" if content_type == "text/plain" else None
    if "html" in _text(entry, "role").lower():
        return "html"
    return "html" if _text(entry, "value").lstrip().startswith("<") else "text"


def _role(entry: dict, name: str = "role") -> str:
    """A role or relation without its scheme: "main" for "main" or "hlrole:main"."""
    return _text(entry, name).lower().rsplit(":", 1)[-1]


def _main_first(entries: list[dict]) -> list[dict]:
    """``entries`` with those whose role is "main" (or none) first, in their order."""
    return sorted(entries, key=lambda entry: _role(entry) not in ("", "main"))


def _headline(fields: dict) -> str:
    headlines = [entry for entry in _objects(fields, "headlines") if _text(entry, "value").strip()]
    if headlines:
        entry = _main_first(headlines)[0]
        value = _text(entry, "value")
        return plain_text(value) if _kind(entry) == "html" else value
    return _text(fields, "headline")


def _body(fields: dict) -> str:
    bodies = [entry for entry in _objects(fields, "bodies") if _text(entry, "value").strip()]
    for wanted in ("html", "text"):
        for entry in _main_first(bodies):
            if _kind(entry) == wanted:
                value = _text(entry, "value").strip()
                return value if wanted == "html" else paragraphs(value)
    # 1.x: body_html, body_xhtml, any other body_*html*, then body_text.
    named_html = sorted(name for name in fields if name.startswith("body_") and "html" in name)
    for name in ("body_html", "body_xhtml", *named_html):
        if _text(fields, name).strip():
            return _text(fields, name).strip()
    return paragraphs(_text(fields, "body_text"))


def _description(fields: dict, *, alt: bool) -> str:
    """The item's description as plain text; a picture (``alt=True``) may fall back on its alt text."""
    descriptions = [entry for entry in _objects(fields, "descriptions") if _text(entry, "value").strip()]
    usable = [entry for entry in descriptions if _role(entry) not in ALT_ROLES]
    for entry in usable + (descriptions if alt else []):
        kind = _kind(entry)
        if kind is not None:
            value = _text(entry, "value")
            return plain_text(value) if kind == "html" else value.strip()
    # 1.x: description_text, then a marked-up one.
    if _text(fields, "description_text").strip():
        return _text(fields, "description_text").strip()
    for name in sorted(name for name in fields if name.startswith("description_")):
        if _text(fields, name).strip():
            return plain_text(_text(fields, name))
    return ""


def _subjects(fields: dict) -> list[str]:
    names = []
    for entry in _objects(fields, "subjects") + _objects(fields, "subject"):
        name = one_line(_text(entry, "name") or _text(entry, "literal") or _text(entry, "code") or _text(entry, "uri"))
        if name and name not in names:
            names.append(name)
    return names


def _keywords(fields: dict) -> list[str]:
    found = []
    for value in _list(fields, "keywords"):
        if not isinstance(value, str):
            raise FormatError(f"«keywords» holds a {type(value).__name__}, not text")
        if value.strip() and value.strip() not in found:
            found.append(value.strip())
    return found


def _byline(fields: dict) -> str:
    if _text(fields, "by") or _text(fields, "byline"):
        return _text(fields, "by") or _text(fields, "byline")
    names = []
    for value in _list(fields, "bylines"):  # a list some 3.x providers send: names or objects
        entry = _lowered(value) if isinstance(value, dict) else {"byline": value}
        names.append(_text(entry, "byline") or _text(entry, "name") or _text(entry, "value"))
    return ", ".join(name.strip() for name in names if name.strip())


def _located(fields: dict) -> str:
    if _text(fields, "located").strip():
        return _text(fields, "located")
    for place in _objects(fields, "places") + _objects(fields, "place"):
        if _role(place, "rel") == "located":
            return _text(place, "name")
    return ""


def _web_address(fields: dict) -> str:
    """The story on the partner's site: ``webUrl``, else its HTML rendition (this project's API
    sends one named "web")."""
    if web_url(fields.get("weburl")):
        return web_url(fields["weburl"])
    for rendition in _named(fields, "renditions"):
        content_type = (_text(rendition, "contenttype") or _text(rendition, "mimetype")).lower()
        if content_type.startswith("text/html") and web_url(rendition.get("href")):
            return web_url(rendition["href"])
    return ""


# -- Pictures -----------------------------------------------------------------------------------


def _associations(fields: dict) -> list[dict]:
    return [entry for entry in _named(fields, "associations") if _text(entry, "type") == "picture"]


def _best_rendition(fields: dict) -> str:
    """The address of the widest image rendition (the first one when none says its width)."""
    images = []
    for rendition in _named(fields, "renditions"):
        content_type = (_text(rendition, "contenttype") or _text(rendition, "mimetype")).lower()
        if web_url(rendition.get("href")) and (not content_type or content_type.startswith("image/")):
            width = rendition.get("width")
            images.append((width if isinstance(width, int | float) else 0, web_url(rendition["href"])))
    return max(images, key=lambda image: image[0])[1] if images else ""


def _picture(fields: dict) -> WirePicture | None:
    """An association of type "picture" (or a picture item) as a ``WirePicture``; None when it
    gives no address to download it from."""
    url = _best_rendition(fields) or web_url(fields.get("uri"))
    if not url:
        return None
    credit = next(
        (
            _text(fields, name)
            for name in ("creditline", "by", "byline", "copyrightnotice", "copyrightholder")
            if _text(fields, name).strip()
        ),
        "",
    )
    description = _description(fields, alt=False) or _headline(fields) or _description(fields, alt=True)
    return WirePicture(
        url=url,
        credit=one_line(credit),
        description=one_line(description),
        guid=(_text(fields, "uri") or _text(fields, "guid")).strip(),
    )

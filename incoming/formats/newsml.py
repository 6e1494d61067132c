"""Partners' IPTC NewsML-G2 files (a newsItem, a packageItem, or a newsMessage of several) as ``WireItem`` objects.

What a file gives the desk:

- a text ``newsItem`` is one story: its body from ``contentSet`` (an XHTML or NITF body in
  ``inlineXML``, serialised as HTML without namespace prefixes, or ``inlineData`` text as
  paragraphs), its pictures from its ``itemMeta/link`` elements: a picture newsItem of the same
  file named by ``residref``, or an image ``href``;
- a ``packageItem`` is one item too: its headline (or title), its pictures from the
  ``itemRef``\\ s that are pictures, and a body listing the titles of the others (the stories
  themselves come as their own newsItems);
- a picture ``newsItem`` that an item or a package of the file refers to is that item's picture,
  not an item of its own; one nobody refers to is returned as an item with itself as its picture.

XML is parsed by defusedxml only (``read_xml``): a file that declares entities is refused.
"""

import copy
import dataclasses
import html
import xml.etree.ElementTree as ET  # the tree's types and serialiser: parsing is defusedxml's

from . import (
    FormatError,
    WireItem,
    WirePicture,
    one_line,
    paragraphs,
    parse_time,
    read_pubstatus,
    read_urgency,
    read_xml,
    unique_pictures,
    web_url,
)

NAR = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
NITF = "http://iptc.org/std/NITF/2006-10-18/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NEWS_ITEM, PACKAGE_ITEM = f"{{{NAR}}}newsItem", f"{{{NAR}}}packageItem"
_EMPTY = ET.Element("empty")  # stands for an optional block the item leaves out


def _nar(name: str) -> str:
    return f"{{{NAR}}}{name}"


def _local(tag: str) -> str:
    """A tag without its namespace: "newsItem" for "{http://iptc.org/...}newsItem"."""
    return tag.rsplit("}", 1)[-1]


def parse_file(data: bytes) -> list[WireItem]:
    """Every item of a NewsML-G2 file, in the file's order."""
    root, text = read_xml(data)
    if root.tag == _nar("newsMessage"):
        elements = [
            element for element in root.iterfind(f"{_nar('itemSet')}/*") if element.tag in (NEWS_ITEM, PACKAGE_ITEM)
        ]
    elif root.tag in (NEWS_ITEM, PACKAGE_ITEM):
        elements = [root]
    else:
        raise FormatError(
            f"not NewsML-G2: the file is a <{_local(root.tag)}>, not a newsItem, packageItem or newsMessage "
            f"in the namespace {NAR}"
        )

    try:
        return _items(elements, root, text)
    except RecursionError:  # copying or serialising a body of thousands of nested elements
        raise FormatError("not readable: elements nested too deep") from None


def _items(elements: list[ET.Element], root: ET.Element, text: str) -> list[WireItem]:
    picture_items = [e for e in elements if e.tag == NEWS_ITEM and _is_picture(e.find(_nar("itemMeta")))]
    pictures = {_guid(element): element for element in picture_items}  # the file's pictures, by guid
    referenced = set()  # the guids of those a story or a package refers to
    read = {}
    for element in elements:
        if element.tag == PACKAGE_ITEM:
            read[element] = _package(element, pictures, referenced)
        elif element not in picture_items:
            read[element] = _news_item(element, pictures, referenced)
    items = []
    for element in elements:
        if element in read:
            item = read[element]
        elif _guid(element) in referenced:
            continue  # a story's or a package's picture, not an item of its own
        else:
            item = _lone_picture(element)
        item.raw = text if element is root else _xml_text(element)
        items.append(item)
    return items


# -- What every item has ------------------------------------------------------------------------


def _guid(element: ET.Element) -> str:
    guid = (element.get("guid") or "").strip()
    if not guid:
        raise FormatError(f"not NewsML-G2: a <{_local(element.tag)}> has no guid")
    return guid


def _text(element: ET.Element | None) -> str:
    """An element's text, children's included, on one line; "" for a missing element."""
    return "" if element is None else one_line("".join(element.itertext()))


def _bare(code: str | None) -> str:
    """A code without its scheme: "usable" for "stat:usable" or for a NewsCodes URI ending in
    "/usable"; "summary" for the role "drol:summary"."""
    return (code or "").rsplit(":", 1)[-1].rsplit("/", 1)[-1].strip().lower()


def _code(element: ET.Element | None) -> str:
    """A concept's code (its qcode, or its URI) without its scheme."""
    return "" if element is None else _bare(element.get("qcode") or element.get("uri"))


def _preferred(elements: list[ET.Element], *roles: str) -> ET.Element | None:
    """The first element whose role (without its scheme) is the first of ``roles`` found, then
    the first with no role, then the first of all."""
    for role in roles:
        for element in elements:
            if _bare(element.get("role")) == role and _text(element):
                return element
    with_text = [element for element in elements if _text(element)]
    without_role = [element for element in with_text if not element.get("role")]
    return (without_role or with_text or [None])[0]


def _name(element: ET.Element, language: str) -> str:
    """A concept's name, in ``language`` when it has several; its code when it has none."""
    names = element.findall(_nar("name"))
    for name in names:
        if language and (name.get(XML_LANG) or "").lower().startswith(language.lower()[:2]) and _text(name):
            return _text(name)
    return _text(names[0]) if names and _text(names[0]) else (element.get("qcode") or element.get("literal") or "")


def _creators(content: ET.Element) -> str:
    """The names of the content's creators (an author, a photographer), joined."""
    names = (_text(creator.find(_nar("name"))) for creator in content.findall(_nar("creator")))
    return ", ".join(name for name in names if name)


def _common(element: ET.Element) -> WireItem:
    """What a newsItem and a packageItem both say of themselves."""
    meta = element.find(_nar("itemMeta"))
    meta = _EMPTY if meta is None else meta
    content = element.find(_nar("contentMeta"))
    content = _EMPTY if content is None else content
    guid = _guid(element)
    try:
        language_tag = content.find(_nar("language"))
        language = (language_tag.get("tag") if language_tag is not None else None) or element.get(XML_LANG) or ""
        headline = _preferred(content.findall(_nar("headline")), "main")
        description = _preferred(content.findall(_nar("description")), "summary", "caption")
        subjects = []
        for subject in content.findall(_nar("subject")):
            name = one_line(_name(subject, language))
            if name and name not in subjects:
                subjects.append(name)
        keywords = []
        for keyword in content.findall(_nar("keyword")):
            if _text(keyword) and _text(keyword) not in keywords:
                keywords.append(_text(keyword))
        located = content.find(_nar("located"))
        status = meta.find(_nar("pubStatus"))
        return WireItem(
            guid=guid,
            version=(element.get("version") or "").strip(),
            headline=_text(headline) or _text(meta.find(_nar("title"))),
            summary=_text(description),
            language=language.strip(),
            urgency=read_urgency(_text(content.find(_nar("urgency")))),
            subjects=subjects,
            keywords=keywords,
            byline=_text(content.find(_nar("by"))) or _creators(content) or _text(content.find(_nar("creditline"))),
            dateline=(_name(located, language) if located is not None else "") or _text(content.find(_nar("dateline"))),
            firstcreated=parse_time(_text(meta.find(_nar("firstCreated"))), "firstCreated"),
            versioncreated=parse_time(_text(meta.find(_nar("versionCreated"))), "versionCreated"),
            embargoed=parse_time(_text(meta.find(_nar("embargoed"))), "embargoed"),
            pubstatus=read_pubstatus(_code(status)),
        )
    except FormatError as error:
        raise FormatError(f"{guid}: {error}") from None


# -- Stories --------------------------------------------------------------------------------------


def _news_item(element: ET.Element, pictures: dict, referenced: set) -> WireItem:
    item = _common(element)
    item.body_html = _body(element.find(_nar("contentSet")))
    meta = element.find(_nar("itemMeta"))
    links = meta.findall(_nar("link")) if meta is not None else []
    found = (_picture_ref(link, pictures, referenced) for link in links)
    item.pictures = unique_pictures([picture for picture in found if picture is not None])
    return item


def _body(content_set: ET.Element | None) -> str:
    """The story's text as HTML: the first of the content set's renditions that has one."""
    for content in content_set if content_set is not None else []:
        if content.tag == _nar("inlineXML"):
            # An XHTML document's body, an NITF document's body.content, else all it holds.
            bodies = (
                content.find(path) for path in (f".//{{{XHTML}}}body", f".//{{{NITF}}}body.content", ".//body.content")
            )
            markup = _inner_html(next((body for body in bodies if body is not None), content))
        elif content.tag == _nar("inlineData"):
            value = "".join(content.itertext())
            content_type = (content.get("contenttype") or "text/plain").split(";")[0].strip().lower()
            markup = value.strip() if content_type == "text/html" else paragraphs(value)
        else:
            continue
        if markup:
            return markup
    return ""


def _inner_html(element: ET.Element) -> str:
    """The children of ``element`` as an HTML string, their tags without namespaces (``<p>``, not
    ``<html:p>``); ``xml:lang`` becomes ``lang``, other namespaced attributes are dropped."""
    element = copy.deepcopy(element)
    for node in element.iter():
        node.tag = _local(node.tag)
        for name in [name for name in node.attrib if name.startswith("{")]:
            value = node.attrib.pop(name)
            if name == XML_LANG:
                node.set("lang", value)
    children = "".join(ET.tostring(child, encoding="unicode", method="html") for child in element)
    return (html.escape(element.text or "", quote=False) + children).strip()


# -- Pictures and packages ----------------------------------------------------------------------


def _is_picture(element: ET.Element | None) -> bool:
    """Whether an item's meta, a link or an itemRef says it is a picture (its itemClass, or an
    image content type)."""
    if element is None:
        return False
    if _code(element.find(_nar("itemClass"))) == "picture":
        return True
    return (element.get("contenttype") or "").lower().startswith("image/")


def _picture(element: ET.Element) -> WirePicture | None:
    """A picture newsItem as a ``WirePicture``: its widest image ``remoteContent``, its credit
    and caption; None when it gives no web address to download it from."""
    content_set = element.find(_nar("contentSet"))
    images = []
    for remote in content_set.findall(_nar("remoteContent")) if content_set is not None else []:
        content_type = (remote.get("contenttype") or "").lower()
        if (not content_type or content_type.startswith("image/")) and web_url(remote.get("href")):
            width = remote.get("width") or ""
            images.append((int(width) if width.isdigit() else 0, web_url(remote.get("href"))))
    if not images:
        return None
    content = element.find(_nar("contentMeta"))
    content = _EMPTY if content is None else content
    holder = element.find(f"{_nar('rightsInfo')}/{_nar('copyrightHolder')}")
    credit = (
        _text(content.find(_nar("creditline")))
        or _text(content.find(_nar("by")))
        or _creators(content)
        or (_name(holder, "") if holder is not None else "")
    )
    caption = _preferred(content.findall(_nar("description")), "caption", "summary")
    return WirePicture(
        url=max(images, key=lambda image: image[0])[1],
        credit=one_line(credit),
        description=_text(caption) or _text(_preferred(content.findall(_nar("headline")), "main")),
        guid=_guid(element),
    )


def _picture_ref(ref: ET.Element, pictures: dict, referenced: set) -> WirePicture | None:
    """The picture a ``link`` or an ``itemRef`` refers to: a picture newsItem of the file (by
    ``residref``), captioned by the reference when it has no caption of its own, else the image
    at its ``href``; None when it refers to no picture (or to none the desk can download)."""
    residref = (ref.get("residref") or "").strip()
    caption = _text(_preferred(ref.findall(_nar("description")), "caption", "summary"))
    caption = caption or _text(ref.find(_nar("title")))
    if residref in pictures:
        referenced.add(residref)
        picture = _picture(pictures[residref])
        if picture is not None:
            return picture if picture.description else dataclasses.replace(picture, description=caption)
    if (residref in pictures or _is_picture(ref)) and web_url(ref.get("href")):
        return WirePicture(url=web_url(ref.get("href")), description=caption, guid=residref)
    return None


def _lone_picture(element: ET.Element) -> WireItem:
    """A picture newsItem no story of the file refers to, as an item of its own."""
    item = _common(element)
    picture = _picture(element)
    item.pictures = [picture] if picture is not None else []
    return item


def _package(element: ET.Element, pictures: dict, referenced: set) -> WireItem:
    """A packageItem: its pictures, and its other references listed by title in its body."""
    item = _common(element)
    found, entries = [], []
    for ref in element.iter(_nar("itemRef")):
        residref = (ref.get("residref") or "").strip()
        if residref in pictures or _is_picture(ref):
            picture = _picture_ref(ref, pictures, referenced)
            if picture is not None:
                found.append(picture)
        else:
            label = html.escape(_text(ref.find(_nar("title"))) or residref)
            href = web_url(ref.get("href"))
            entries.append(f'<li><a href="{html.escape(href)}">{label}</a></li>' if href else f"<li>{label}</li>")
    item.pictures = unique_pictures(found)
    item.body_html = f"<ul>{''.join(entries)}</ul>" if entries else ""
    return item


def _xml_text(element: ET.Element) -> str:
    """One item of a newsMessage as XML text (a lone item keeps the file's own text), with
    NewsML-G2 as its default namespace rather than ElementTree's ``ns0:`` prefixes."""
    if any(not node.tag.startswith("{") for node in element.iter()):
        return ET.tostring(element, encoding="unicode")  # an element in no namespace: prefixes needed
    element = copy.deepcopy(element)
    for node in element.iter():
        if node.tag.startswith(f"{{{NAR}}}"):
            node.tag = _local(node.tag)
    element.set("xmlns", NAR)
    return ET.tostring(element, encoding="unicode")

"""What a partner's wire says, read from its format: ``WireItem`` (one story, one version) and
``WirePicture``, the parsers' common result, and the limits every parser keeps.

Each module here reads one format into ``WireItem`` objects and knows nothing of the database:
``ninjs`` (IPTC ninjs 1.x, 2.x and 3.x JSON), ``newsml`` (IPTC NewsML-G2 newsItem and
packageItem XML) and ``feeds`` (RSS 2.0 and Atom). Input is hostile until read: a parser
refuses what is over ``MAX_PAYLOAD_BYTES``, XML with entity declarations or external references,
and anything it cannot decode, by raising ``FormatError`` with a reason an editor can read.
"""

import codecs
import datetime as dt
import html
import logging
import urllib.parse
import xml.etree.ElementTree as ET  # the tree's types and serialiser: parsing is defusedxml's
import xml.parsers.expat
from dataclasses import dataclass, field
from html.parser import HTMLParser

import defusedxml
import defusedxml.ElementTree

# A feed, a ninjs answer or a NewsML-G2 file larger than this is refused unread (bytes).
MAX_PAYLOAD_BYTES = 20 * 1024 * 1024


class FormatError(ValueError):
    """The payload cannot be read as its format: the message says why (never with credentials)."""


@dataclass
class WirePicture:
    """A picture an item references: downloaded into the photo library only when the item is taken."""

    url: str
    credit: str = ""
    description: str = ""
    guid: str = ""  # the partner's own id of the picture, when it gives one


@dataclass
class WireItem:
    """One version of one story, as the partner sent it. Text fields are plain text except
    ``body_html`` (HTML as sent: the desk sanitises it before storing). Empty strings, not None,
    for text the partner left out."""

    guid: str  # the partner's id; "" when it sent none (the desk then derives one)
    version: str = ""  # the partner's version ("3"), "" when it has none
    headline: str = ""
    summary: str = ""
    body_html: str = ""
    language: str = ""  # as sent ("ru", "kk-KZ", "en"); "" when unknown
    urgency: int | None = None  # 1 (most urgent) .. 9
    subjects: list[str] = field(default_factory=list)  # subject names (or codes when unnamed)
    keywords: list[str] = field(default_factory=list)
    byline: str = ""
    dateline: str = ""  # where the story comes from: "Астана", "ALMATY"
    url: str = ""  # the story on the partner's site
    firstcreated: dt.datetime | None = None  # aware (UTC) datetimes
    versioncreated: dt.datetime | None = None
    embargoed: dt.datetime | None = None
    pubstatus: str = "usable"  # "usable", "withheld" or "canceled"
    pictures: list[WirePicture] = field(default_factory=list)
    raw: str = ""  # the item as received (its JSON or XML text), kept for audit


# -- Helpers the parsers share -------------------------------------------------------------------
# Partners' bytes are read here once, the same way for every format: the size limit, XML through
# defusedxml in the encodings worth trying, times as aware UTC datetimes, text as HTML and back.

log = logging.getLogger("incoming")

PUBSTATUSES = ("usable", "withheld", "canceled")


def refused(reason: str) -> FormatError:
    """The error for a payload refused unread, logged (a partner sending one is worth a look)."""
    log.warning("Refused a partner's payload: %s", reason)
    return FormatError(f"refused: {reason}")


def check_size(data: bytes) -> None:
    """Refuse a payload over ``MAX_PAYLOAD_BYTES``."""
    if len(data) > MAX_PAYLOAD_BYTES:
        raise refused(f"{len(data):,} bytes, over the limit of {MAX_PAYLOAD_BYTES:,}")


def shown(value: object) -> str:
    """``value`` as an error message quotes it: its ``repr``, cut short."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:76]}...{text[-1]}"


def parse_time(value: object, field: str) -> dt.datetime | None:
    """An ISO 8601 / RFC 3339 time (``Z``, an offset, or none: UTC) as an aware UTC datetime;
    None for an empty value. Raises ``FormatError`` naming ``field`` when it cannot be read."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise FormatError(f"«{field}» is not a time: {shown(value)}")
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise FormatError(f"unreadable «{field}» time: {shown(value)}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def read_urgency(value: object) -> int | None:
    """An urgency from 1 to 9 (a number, or its digits as text); None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9:
        raise FormatError(f"«urgency» is not a number from 1 to 9: {shown(value)}")
    return value


def read_pubstatus(value: object) -> str:
    """``usable``, ``withheld`` or ``canceled`` (also spelt ``cancelled``); ``usable`` when absent."""
    if value is None or value == "":
        return "usable"
    status = value.strip().lower() if isinstance(value, str) else value
    status = "canceled" if status == "cancelled" else status
    if status not in PUBSTATUSES:
        raise FormatError(f"«pubstatus» is none of {', '.join(PUBSTATUSES)}: {shown(value)}")
    return status


def one_line(text: str) -> str:
    """``text`` with every run of whitespace as one space: a headline, a name, a caption."""
    return " ".join(text.split())


def web_url(href: object) -> str:
    """``href`` when it is an absolute http(s) address, else "": the desk downloads pictures from
    these, and a ``file:`` or relative address is nothing it should fetch."""
    if not isinstance(href, str):
        return ""
    href = href.strip()
    parts = urllib.parse.urlsplit(href)
    return href if parts.scheme in ("http", "https") and parts.netloc else ""


def unique_pictures(pictures: list[WirePicture]) -> list[WirePicture]:
    """``pictures`` without a second one at an address already listed."""
    unique = {}
    for picture in pictures:
        unique.setdefault(picture.url, picture)
    return list(unique.values())


def paragraphs(text: str) -> str:
    """Plain text as HTML: each non-empty line a ``<p>``, escaped."""
    return "".join(f"<p>{html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip())


class _TextOnly(HTMLParser):
    BREAKS = {"p", "br", "div", "li", "tr", "td", "th", "blockquote", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6"}
    HIDDEN = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BREAKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def plain_text(markup: str) -> str:
    """The text of an HTML fragment on one line, its entities as characters (a summary)."""
    reader = _TextOnly()
    reader.feed(markup)
    reader.close()
    return one_line("".join(reader.parts))


# -- XML: through defusedxml, in the encodings worth trying -------------------------------------

# What defusedxml refuses (its defaults), as an editor reads it. A bare <!DOCTYPE> is let
# through: expat never fetches it, and old feeds still carry one; what makes XML dangerous is an
# entity declaration (billion laughs, XXE) or an external reference, and those are refused.
_REFUSALS = {
    defusedxml.EntitiesForbidden: "the file declares entities",
    defusedxml.ExternalReferenceForbidden: "the file refers to an external resource",
}


class XMLUnreadable(FormatError):
    """The bytes are no well-formed XML in any encoding tried (a feed may still be read leniently)."""


class _Declared(Exception):
    pass


def _declared_encoding(data: bytes) -> str | None:
    """The encoding the XML declaration names. Only the declaration is read: expat is stopped
    there, or at the first doctype or element when there is none, so no DTD is ever reached
    (the document itself is parsed by defusedxml, in ``read_xml``)."""
    found = []

    def declaration(version, encoding, standalone):
        found.append(encoding)
        raise _Declared

    def stop(*args):
        raise _Declared

    parser = xml.parsers.expat.ParserCreate()
    parser.XmlDeclHandler = declaration
    parser.StartDoctypeDeclHandler = stop
    parser.StartElementHandler = stop
    try:
        parser.Parse(data[:1024], False)
    except (_Declared, xml.parsers.expat.ExpatError):
        pass
    return found[0] if found else None


def _encodings(data: bytes) -> list[str]:
    """The encodings to decode ``data`` with, in order. A byte order mark settles it. Otherwise
    UTF-8 first: bytes that are valid UTF-8 are UTF-8 whatever the declaration says (Cyrillic in
    Windows-1251 is never valid UTF-8, while UTF-8 read as Windows-1251 is silent garbage);
    then the declared encoding, then Windows-1251 (what a Kazakh or Russian partner's file that
    declares UTF-8 by mistake usually is)."""
    if data.startswith(codecs.BOM_UTF8):
        return ["utf-8-sig"]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    names = []
    for candidate in ("utf-8", _declared_encoding(data), "cp1251"):
        try:
            name = codecs.lookup(candidate).name if candidate else None
        except LookupError:  # a declared encoding Python does not know
            continue
        if name and name not in names:
            names.append(name)
    return names


def read_xml(data: bytes) -> tuple[ET.Element, str]:
    """The root element of a partner's XML and its text, parsed by defusedxml. Raises
    ``FormatError`` for a payload over the limit or one that declares entities or refers to
    external resources (both logged), and ``XMLUnreadable`` when no encoding tried gives
    well-formed XML."""
    check_size(data)
    first_error = None
    tried = _encodings(data)
    for encoding in tried:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            return defusedxml.ElementTree.fromstring(text), text
        except defusedxml.DefusedXmlException as error:
            reason = next((reason for kind, reason in _REFUSALS.items() if isinstance(error, kind)), "unsafe XML")
            raise refused(reason) from None
        except ET.ParseError as error:
            first_error = first_error or error
    if first_error is None:
        raise XMLUnreadable(f"cannot decode the file (tried {', '.join(tried)})")
    raise XMLUnreadable(f"not well-formed XML: {first_error}")

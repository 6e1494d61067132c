"""What a partner's wire says, read from its format: ``WireItem`` (one story, one version) and
``WirePicture``, the parsers' common result, and the limits every parser keeps.

Each module here reads one format into ``WireItem`` objects and knows nothing of the database:
``ninjs`` (IPTC ninjs 1.x, 2.x and 3.x JSON), ``newsml`` (IPTC NewsML-G2 newsItem and
packageItem XML) and ``feeds`` (RSS 2.0 and Atom). Input is hostile until read: a parser
refuses what is over ``MAX_PAYLOAD_BYTES``, XML with entity declarations or external references,
and anything it cannot decode, by raising ``FormatError`` with a reason an editor can read.
"""

import datetime as dt
from dataclasses import dataclass, field

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

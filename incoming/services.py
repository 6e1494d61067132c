"""The incoming desk's writes: storing what a source sent (new items, newer versions), polling a
source with backoff, and taking an item to the desk as a draft article."""

import dataclasses
import datetime as dt
import hashlib
import ipaddress
import json
import logging
import re
import socket
from collections import Counter
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.module_loading import import_string
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from agencies.models import Agency
from articles.models import Article
from incoming.formats import WireItem
from incoming.kinds import READERS, PollError, http_get
from incoming.models import Item, ItemVersion, RoutingRule, Source, TakenPicture
from newsroom.html import sanitize_html
from newsroom.text import plain
from photos.images import clean_image, max_upload_bytes
from photos.models import Photo
from photos.services import content_hash, photo_make_renditions

log = logging.getLogger("incoming")

LOOKUP_CHUNK = 500  # guids looked up per query when a poll brings many items
# What the desk compares to tell a changed item from the same one sent again.
VERSIONED_FIELDS = ("headline", "summary", "body", "pubstatus", "embargoed", "urgency", "url")


# -- Storing ---------------------------------------------------------------------------------


def stable_guid(wire: WireItem) -> str:
    """The partner's guid, or one derived from the item's link and headline (a feed without
    guids): the same story polled again gets the same identity, so it is never stored twice."""
    if wire.guid.strip():
        return plain(wire.guid.strip())[:500]
    basis = f"{wire.url.strip()}\n{' '.join(wire.headline.split())}"
    return "derived:" + hashlib.sha256(basis.encode()).hexdigest()


def language_of(wire: WireItem, source: Source) -> str:
    """The item's language as the site names it ("kk-KZ" is "kk"), or the source's."""
    code = wire.language.strip().lower().replace("_", "-").split("-")[0]
    known = {language for language, _name in settings.LANGUAGES}
    return code if code in known else source.language


def _text(value: str, limit: int | None = None) -> str:
    value = " ".join(plain(value or "").split())
    return value[:limit] if limit else value


def _fields(wire: WireItem, source: Source, rules: list[RoutingRule]) -> dict:
    """The Item fields of one wire item (plain, sanitised, cut to their columns)."""
    headline = _text(wire.headline, 1000) or Truncator(_text(strip_tags(wire.summary or wire.body_html))).words(
        12, truncate="…"
    )
    fields = {
        "guid": stable_guid(wire),
        "version": _text(wire.version, 50),
        "headline": headline[:1000] or "—",
        "summary": _text(strip_tags(wire.summary)),
        "body": sanitize_html(plain(wire.body_html or "")),
        "language": language_of(wire, source),
        "urgency": wire.urgency if isinstance(wire.urgency, int) and 0 <= wire.urgency <= 9 else None,
        "subjects": [_text(subject, 200) for subject in wire.subjects if _text(subject)][:50],
        "keywords": [_text(keyword, 200) for keyword in wire.keywords if _text(keyword)][:50],
        "byline": _text(wire.byline, 500),
        "dateline": _text(wire.dateline, 300),
        "url": url if (url := _text(wire.url, 2000)).startswith(("http://", "https://")) else "",
        "pictures": [
            {key: _text(value, 2000) for key, value in dataclasses.asdict(picture).items()}
            for picture in wire.pictures
            if picture.url.startswith(("http://", "https://"))
        ][:20],
        "firstcreated": wire.firstcreated,
        "versioncreated": wire.versioncreated,
        "embargoed": wire.embargoed,
        "pubstatus": wire.pubstatus if wire.pubstatus in Item.Status.values else Item.Status.USABLE,
        "raw": plain(wire.raw or ""),
    }
    fields["digest"] = hashlib.sha256(
        json.dumps([str(fields[name]) for name in VERSIONED_FIELDS], ensure_ascii=False).encode()
    ).hexdigest()
    fields["section"], fields["flagged"] = route(rules, fields, default=source.section)
    return fields


def route(rules: list[RoutingRule], fields: dict, *, default=None) -> tuple:
    """(section, flagged): the first rule naming one of the item's subjects or keywords, or a
    word of its headline, gives the section; any matching rule with ``notify`` flags it."""
    names = {name.casefold() for name in [*fields["subjects"], *fields["keywords"]]}
    headline = fields["headline"].casefold()
    section, flagged = None, False
    for rule in rules:
        if any(term in names or re.search(rf"(?<!\w){re.escape(term)}(?!\w)", headline) for term in rule.terms()):
            section = section or rule.section
            flagged = flagged or rule.notify
    return section or default, flagged


def is_newer(fields: dict, item: Item) -> bool:
    """Whether ``fields`` is a newer version of ``item``. Same version: no (the partner sent it
    again). Numbered versions compare as numbers; otherwise the later ``versioncreated``; an item
    without versions is newer when what it says changed."""
    new, old = fields["version"], item.version
    if new and new == old:
        return False
    if new.isdecimal() and old.isdecimal():
        return int(new) > int(old)
    if fields["versioncreated"] and item.versioncreated and new != old:
        return fields["versioncreated"] >= item.versioncreated
    return fields["digest"] != item.digest


def items_store(*, source: Source, wires: list[WireItem], now: dt.datetime | None = None) -> Counter:
    """Store a poll's items: new ones created, newer versions replacing the stored one (which is
    kept as an ``ItemVersion``), the rest left as they are. Counts of "new", "updated",
    "unchanged". Run inside the poll's transaction."""
    now = now or timezone.now()
    rules = list(RoutingRule.objects.filter(source=source).select_related("section"))
    incoming: dict[str, dict] = {}
    for wire in wires:
        fields = _fields(wire, source, rules)
        known = incoming.get(fields["guid"])
        if known is None or fields["version"] != known["version"] or fields["digest"] != known["digest"]:
            incoming[fields["guid"]] = fields  # a page naming one item twice: the later one
    guids = list(incoming)
    stored: dict[str, Item] = {}
    for start in range(0, len(guids), LOOKUP_CHUNK):
        chunk = guids[start : start + LOOKUP_CHUNK]
        stored.update((item.guid, item) for item in Item.objects.filter(source=source, guid__in=chunk).defer("raw"))
    counts = Counter(new=0, updated=0, unchanged=0)
    new = [
        Item(source=source, received_at=now, updated_at=now, **fields)
        for guid, fields in incoming.items()
        if guid not in stored
    ]
    Item.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    counts["new"] = len(new)
    for guid, fields in incoming.items():
        item = stored.get(guid)
        if item is None:
            continue
        if not is_newer(fields, item):
            counts["unchanged"] += 1
            continue
        # Again under the row's lock: a Take or another poll of the source may be on it now.
        locked = Item.objects.select_for_update().get(pk=item.pk)
        if not is_newer(fields, locked):
            counts["unchanged"] += 1
            continue
        item_new_version(item=locked, fields=fields, now=now)
        counts["updated"] += 1
    return counts


def item_new_version(*, item: Item, fields: dict, now: dt.datetime) -> None:
    """Keep the stored version (``item``, locked) as an ``ItemVersion`` and put ``fields`` in its
    place. Who took it is never touched; a taken item keeps its section, and the article's page
    tells its editor what changed (``incoming.notices``) and the functions of
    ``settings.INCOMING_CORRECTION_LISTENERS`` hear of it (called with the ``item``, as it was
    taken, and the new ``fields``: planning tells whoever took it). A later embargo reaches an
    article not yet published at once."""
    previous = item.raw
    ItemVersion.objects.create(
        item=item,
        version=item.version,
        digest=item.digest,
        headline=item.headline,
        summary=item.summary,
        body=item.body,
        pubstatus=item.pubstatus,
        versioncreated=item.versioncreated,
        embargoed=item.embargoed,
        received_at=item.updated_at,
        raw=previous,
    )
    changes = {
        name: value for name, value in fields.items() if not (item.article_id and name in {"section", "flagged"})
    }
    Item.objects.filter(pk=item.pk).update(**changes, updated_at=now)
    if item.article_id is None:
        return
    for path in settings.INCOMING_CORRECTION_LISTENERS:
        import_string(path)(item=item, fields=fields)
    if fields["pubstatus"] != Item.Status.USABLE:
        log.warning("wire item %s (article %s) is now %s at its source", item.pk, item.article_id, fields["pubstatus"])
    embargo = fields["embargoed"]
    if embargo is not None and embargo > now:
        article = Article.objects.filter(pk=item.article_id).exclude(status=Article.Status.PUBLISHED).first()
        if article is not None and (article.embargo_until is None or article.embargo_until < embargo):
            article.embargo_until = embargo
            article._change_reason = _("The source moved the embargo")
            article.save(update_fields=["embargo_until"])


# -- Polling ---------------------------------------------------------------------------------


def backoff_seconds(source: Source, failures: int) -> int:
    """A failing source waits its interval, doubled with each failure, at most the maximum."""
    return min(source.poll_seconds * 2 ** min(failures, 20), settings.INCOMING_MAX_BACKOFF_SECONDS)


def source_poll(*, source_id: int) -> str:
    """Poll one source: each batch it answers is stored with the source's new cursor in one
    transaction. A failure is recorded on the source (its page shows it) and the next poll
    backs off; the items of the batches before it stay."""
    source = Source.objects.filter(pk=source_id, active=True).first()
    if source is None:
        return "not polled: the source is gone or inactive"
    reader = READERS[source.kind]
    counts = Counter(new=0, updated=0, unchanged=0)
    error, retry_after = "", None
    try:
        for batch in reader.batches(source):
            with transaction.atomic():
                # The source's row first: another poll of it (an editor's "poll now" while
                # this one runs) waits here, then finds the cursor moved and stops.
                still = Source.objects.select_for_update().filter(pk=source.pk, **batch.expected).exists()
                if not still:
                    raise PollError("another poll of this source went further; this one stopped")
                stored = items_store(source=source, wires=batch.items)
                state = dict(batch.state)
                if stored["new"] or stored["updated"]:
                    state["item_at"] = timezone.now()
                Source.objects.filter(pk=source.pk).update(**state)
                if batch.after_commit is not None:
                    transaction.on_commit(batch.after_commit)
            for name, value in state.items():
                setattr(source, name, value)
            counts.update(stored)
    except PollError as failure:
        error, retry_after = str(failure), failure.retry_after
    except Exception as failure:  # a reader's bug must not stop the others: shown on the source
        log.exception("polling source %s failed", source.pk)
        error = f"unexpected error ({type(failure).__name__}); see the worker's log"
    now = timezone.now()
    summary = f"{counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged"
    if not error:
        Source.objects.filter(pk=source.pk).update(polled_at=now, succeeded_at=now, failures=0, last_error="")
        return summary
    failures = source.failures + 1
    wait = max(backoff_seconds(source, failures), retry_after or 0)
    Source.objects.filter(pk=source.pk).update(
        polled_at=now,
        failures=failures,
        last_error=f"{timezone.localtime(now):%d.%m.%Y %H:%M:%S}: {error}"[:2000],
        next_poll_at=now + dt.timedelta(seconds=wait),
    )
    log.warning("source %s poll failed (%d in a row; next in %d s): %s", source.pk, failures, wait, error)
    return f"failed: {error}; {summary}"


def sources_due(*, now: dt.datetime | None = None) -> list[int]:
    """Claim the active sources due a poll (their next poll moved an interval ahead): their ids."""
    now = now or timezone.now()
    claimed = []
    for pk, seconds in Source.objects.filter(active=True, next_poll_at__lte=now).values_list("pk", "poll_seconds"):
        moved = Source.objects.filter(pk=pk, next_poll_at__lte=now).update(
            next_poll_at=now + dt.timedelta(seconds=seconds)
        )
        if moved:
            claimed.append(pk)
    return claimed


# -- Taking ----------------------------------------------------------------------------------


class AlreadyTaken(Exception):
    def __init__(self, item: Item):
        super().__init__(f"item {item.pk} is taken")
        self.item = item


def user_can_take(user) -> bool:
    return bool(
        user and user.is_active and user.has_perm("incoming.take_item") and user.has_perm("articles.add_article")
    )


def item_take(*, item: Item, by) -> Article:
    """Make a draft article of ``item`` for ``by`` to rewrite: its headline, summary as the lead,
    text, language, section (routing rules, else the source's), the source's agency as credit,
    the original link and the embargo. One journalist per item: a second gets ``AlreadyTaken``.
    Pictures are downloaded into the photo library after the draft exists (once per picture)."""
    if not user_can_take(by):
        raise PermissionDenied(_("You may not take wire items."))
    now = timezone.now()
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("source").get(pk=item.pk)
        if locked.article_id is not None:
            raise AlreadyTaken(Item.objects.select_related("article", "taken_by").get(pk=item.pk))
        if locked.pubstatus != Item.Status.USABLE:
            raise ValidationError(
                _("The source has marked this item «%(status)s»: it cannot be taken.")
                % {"status": locked.get_pubstatus_display()}
            )
        article = Article(
            title=Truncator(locked.headline).chars(300),
            lead=locked.summary,
            body=locked.body,
            language=locked.language or locked.source.language or Article.Language.RUSSIAN,
            section_id=locked.section_id or locked.source.section_id,
            source=Agency.objects.get(pk=locked.source.agency_id),
            status=Article.Status.DRAFT,
            created_by=by,
            source_url=locked.url if is_url(locked.url) else "",
            embargo_until=locked.embargoed if locked.embargoed and locked.embargoed > now else None,
        )
        article._history_user = by
        article._change_reason = _("Taken from the wire: %(source)s") % {"source": locked.source.name}
        article.save()
        locked.article, locked.taken_by, locked.taken_at = article, by, now
        locked.taken_version, locked.taken_digest = locked.version, locked.digest
        locked.save(update_fields=["article", "taken_by", "taken_at", "taken_version", "taken_digest"])
        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=[article],
            action_flag=ADDITION,
            change_message=article._change_reason,
            single_object=True,
        )
    item.article, item.taken_by, item.taken_at = article, by, now
    photo = None
    for picture in locked.pictures:
        taken = picture_take(source=locked.source, picture=picture)
        photo = photo or taken
    if photo is not None:
        Article.objects.filter(pk=article.pk, photo__isnull=True).update(photo=photo)
        article.photo = photo
    return article


def is_url(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def public_address(url: str) -> bool:
    """Whether ``url``'s host resolves only to public addresses: a partner's item must not make
    the newsroom's server fetch from inside its own network (the loopback, private ranges, the
    cloud's metadata address). ``INCOMING_PICTURES_FROM_PRIVATE_ADDRESSES`` lifts it (tests)."""
    if settings.INCOMING_PICTURES_FROM_PRIVATE_ADDRESSES:
        return True
    host = urlsplit(url).hostname
    if not host:
        return False
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return False
    return bool(addresses) and all(ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses)


def picture_take(*, source: Source, picture: dict) -> Photo | None:
    """The library's photo of a partner's picture: downloaded the first time only. None when it
    cannot be downloaded or is not a usable image (logged; the draft is made without it)."""
    key = (picture.get("guid") or picture.get("url") or "")[:2000]
    known = TakenPicture.objects.filter(source=source, key=key).select_related("photo").first()
    if known is not None:
        return known.photo
    if not public_address(picture["url"]):
        log.warning("picture of source %s not taken: its address is not a public one", source.pk)
        return None
    try:
        status, data, _headers = http_get(picture["url"], {"Accept": "image/*"}, follow_redirects=False)
        if status != 200 or len(data) > max_upload_bytes():
            raise PollError(f"the partner answered {status}")
        cleaned = clean_image(data)
    except (PollError, ValidationError) as error:
        log.warning("picture of source %s not taken: %s", source.pk, error)
        return None
    upload = ContentFile(
        cleaned.content, name=f"{hashlib.sha256(cleaned.content).hexdigest()[:20]}.{cleaned.extension}"
    )
    digest = content_hash(upload)
    photo = Photo.objects.filter(sha256=digest).first()
    if photo is None:
        photo = Photo(
            image=upload,
            sha256=digest,
            width=cleaned.width,
            height=cleaned.height,
            caption=Truncator(picture.get("description", "")).chars(300),
            alt_text=Truncator(picture.get("description", "")).chars(250),
            credit=Truncator(picture.get("credit", "")).chars(200),
        )
        photo.save()
        photo_make_renditions(photo=photo)
    TakenPicture.objects.get_or_create(source=source, key=key, defaults={"photo": photo})
    return photo

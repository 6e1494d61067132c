"""How the desk reads each kind of source: one ``Reader`` per ``Source.Kind``, each yielding
``Batch``es of wire items with the source state to save beside them.

A batch's items and its state (the API's next cursor, the feed's ETag) are committed together
(``incoming.services.source_poll``), so a worker killed mid-poll leaves the source where its last
committed batch left it and the next poll asks again from there: nothing the partner answered is
lost, and nothing is stored twice (an item is unique by source and guid). Another kind (mail,
SFTP pull) is one more ``Reader`` in ``READERS``; no other reader changes.

Errors are ``PollError``s whose message an editor reads on the source's page; it never holds the
source's key or address (a key may ride in a query string).
"""

import datetime as dt
import email.utils
import functools
import logging
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from django.conf import settings

from incoming.formats import MAX_PAYLOAD_BYTES, FormatError, WireItem, feeds, newsml, ninjs

log = logging.getLogger("incoming")

# A ninjs source is read at most this many pages per poll (the rest at the next poll, at once).
MAX_PAGES_PER_POLL = 20
# A NewsML-G2 folder: at most this many files per poll.
MAX_FILES_PER_POLL = 200
USER_AGENT = "newsroom-incoming/1 (+https://github.com/)"


class PollError(Exception):
    """The poll failed; ``retry_after``: the partner asked to be left alone this many seconds."""

    def __init__(self, message: str, *, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Batch:
    items: list[WireItem]
    state: dict = field(default_factory=dict)  # Source fields saved with the items
    # Source fields that must still hold what this poll read (another poll of the same source
    # may have moved the cursor meanwhile: then this batch is not stored).
    expected: dict = field(default_factory=dict)
    after_commit: Callable[[], None] | None = None  # e.g. move the file to done/


class Reader:
    def batches(self, source) -> Iterator[Batch]:
        raise NotImplementedError


# -- HTTP -------------------------------------------------------------------------------------


@functools.cache
def tls() -> ssl.SSLContext:
    """httpx's TLS settings, made once per process (building them reads the CA file)."""
    return httpx.create_ssl_context()


def retry_after_seconds(value: str | None) -> int | None:
    """``Retry-After`` as seconds: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdecimal():
        return min(int(value), settings.INCOMING_MAX_BACKOFF_SECONDS)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return min(max(0, int((moment - dt.datetime.now(dt.UTC)).total_seconds())), settings.INCOMING_MAX_BACKOFF_SECONDS)


def http_get(url: str, headers: dict, *, follow_redirects: bool = True) -> tuple[int, bytes, httpx.Headers]:
    """GET ``url``: (status, body, headers). The body is read up to ``MAX_PAYLOAD_BYTES``; a
    larger one is refused. 429 and 5xx become ``PollError``; so do timeouts and refused
    connections, in words without the address."""
    timeout = httpx.Timeout(settings.INCOMING_TIMEOUT_SECONDS, connect=min(10, settings.INCOMING_TIMEOUT_SECONDS))
    headers = {"User-Agent": USER_AGENT, **headers}
    deadline = time.monotonic() + settings.INCOMING_TIMEOUT_SECONDS
    try:
        with httpx.stream(
            "GET", url, headers=headers, timeout=timeout, verify=tls(), follow_redirects=True
        ) as response:
            if response.status_code == 429:
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                raise PollError(
                    f"the partner asked to wait (429){f' {wait} s' if wait is not None else ''}", retry_after=wait
                )
            if response.status_code >= 400:
                wait = retry_after_seconds(response.headers.get("Retry-After")) if response.status_code == 503 else None
                raise PollError(f"the partner answered {response.status_code}", retry_after=wait)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > MAX_PAYLOAD_BYTES:
                raise PollError(f"refused: the answer is over {MAX_PAYLOAD_BYTES // 1024 // 1024} MB")
            body = bytearray()
            for chunk in response.iter_bytes():
                if time.monotonic() > deadline:  # a partner dripping bytes: the timeout is per read
                    raise httpx.ReadTimeout("the whole answer took too long")
                body += chunk
                if len(body) > MAX_PAYLOAD_BYTES:
                    raise PollError(f"refused: the answer is over {MAX_PAYLOAD_BYTES // 1024 // 1024} MB")
            return response.status_code, bytes(body), response.headers
    except httpx.TimeoutException:
        raise PollError(f"no answer within {settings.INCOMING_TIMEOUT_SECONDS:g} s") from None
    except httpx.InvalidURL:
        raise PollError("the source's address is not a valid URL") from None
    except httpx.UnsupportedProtocol:
        raise PollError("the source's address must start with http:// or https://") from None
    except httpx.TransportError as error:
        raise PollError(f"could not reach the partner ({type(error).__name__})") from None


# -- Kinds ------------------------------------------------------------------------------------


class FeedReader(Reader):
    """RSS 2.0 or Atom: one GET, conditional on the last answer's ETag and Last-Modified."""

    def batches(self, source) -> Iterator[Batch]:
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
        if source.etag:
            headers["If-None-Match"] = source.etag
        if source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        if source.credentials:
            headers["Authorization"] = f"Bearer {source.credentials}"
        status, body, answer = http_get(source.address, headers)
        if status == 304:
            return
        try:
            items = feeds.parse_feed(body)
        except FormatError as error:
            raise PollError(str(error)) from None
        state = {"etag": answer.get("ETag", "")[:500], "last_modified": answer.get("Last-Modified", "")[:100]}
        yield Batch(items, state)


class NinjsReader(Reader):
    """A partner API like this project's own: Bearer key, ``since`` cursor, pages of ninjs items."""

    def batches(self, source) -> Iterator[Batch]:
        headers = {"Accept": "application/json"}
        if source.credentials:
            headers["Authorization"] = f"Bearer {source.credentials}"
        cursor = source.cursor
        skipped: list[str] = []
        for _page in range(MAX_PAGES_PER_POLL):
            url = str(httpx.URL(source.address).copy_merge_params({"since": cursor})) if cursor else source.address
            status, body, _answer = http_get(url, headers)
            if status == 304:
                break
            try:
                items, next_cursor, more = ninjs.parse_page(body, skipped=skipped)
            except FormatError as error:
                raise PollError(str(error)) from None
            yield Batch(items, {"cursor": (next_cursor or cursor or "")[:2000]}, expected={"cursor": cursor})
            if not more or not next_cursor or next_cursor == cursor:
                break
            cursor = next_cursor
        if skipped:  # the rest of each page is stored; these are named on the source's page
            raise PollError("items not stored, not ninjs: " + "; ".join(skipped)[:1500])


class NewsmlReader(Reader):
    """A folder NewsML-G2 files are dropped into (by FTP/SFTP): each file read once, then moved
    to ``done/`` (or ``failed/``, with a ``.reason`` file beside it)."""

    def batches(self, source) -> Iterator[Batch]:
        folder = source.drop_folder()
        if folder is None:
            raise PollError("the drop folder must be a folder inside INCOMING_DROP_ROOT")
        if not folder.is_dir():
            raise PollError("the drop folder does not exist or is not a folder")
        files = sorted(
            (path for path in folder.iterdir() if path.is_file() and path.suffix.lower() == ".xml"),
            key=lambda path: (path.stat().st_mtime, path.name),
        )
        failures = []
        for path in files[:MAX_FILES_PER_POLL]:
            try:
                if path.stat().st_size > MAX_PAYLOAD_BYTES:
                    raise FormatError(f"refused: the file is over {MAX_PAYLOAD_BYTES // 1024 // 1024} MB")
                items = newsml.parse_file(path.read_bytes())
            except FormatError as error:
                move(path, "failed", reason=str(error))
                failures.append(f"{path.name}: {error}")
                continue
            except OSError as error:
                failures.append(f"{path.name}: could not be read ({error.strerror})")
                continue
            yield Batch(items, after_commit=functools.partial(move, path, "done"))
        if failures:
            raise PollError("; ".join(failures)[:2000])


def move(path: Path, to: str, *, reason: str = "") -> None:
    """Move a dropped file into ``done/`` or ``failed/`` beside it (a name taken: a numbered one)."""
    target_folder = path.parent / to
    target_folder.mkdir(exist_ok=True)
    target = target_folder / path.name
    number = 1
    while target.exists():
        target = target_folder / f"{path.stem}.{number}{path.suffix}"
        number += 1
    path.rename(target)
    if reason:
        target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
        log.warning("file %s refused and moved to %s: %s", path.name, to, reason)


READERS: dict[str, Reader] = {"feed": FeedReader(), "ninjs": NinjsReader(), "newsml": NewsmlReader()}

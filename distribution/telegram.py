"""Telegram's Bot API for the agency's channels: the message an article or a live blog's key event
becomes (escaped, within Telegram's limits) and one request, with an answer that says whether to
retry.

The token is part of every request's address (``/bot<token>/<method>``): it never leaves this
module in an error text (``Answer.error`` is built from Telegram's description and the kind of
failure only, and redacted anyway), and httpx's request log is kept quiet in settings.LOGGING.
"""

import dataclasses
import functools
import html
import re
import ssl

import httpx
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from live.models import plain_text

# Telegram counts characters in UTF-16 code units, after the HTML is parsed.
CAPTION_LIMIT = 1024  # sendPhoto's caption
TEXT_LIMIT = 4096  # sendMessage's text
ELLIPSIS = "…"


# -- The message ------------------------------------------------------------------------------


def visible_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def cut_at_word(text: str, limit: int) -> str:
    """``text`` within ``limit`` visible characters: cut at the last whole word, with "…"."""
    if visible_length(text) <= limit:
        return text
    if limit <= 1:
        return ""
    keep = []
    used = 0
    for char in text:
        used += visible_length(char)
        if used > limit - 1:
            break
        keep.append(char)
    cut = "".join(keep)
    at_word = re.sub(r"\s+\S*$", "", cut)  # drop the word the limit fell in
    if at_word.strip():
        cut = at_word
    return cut.rstrip(" ,;:–—-\u00a0\n") + ELLIPSIS


@dataclasses.dataclass
class Message:
    html: str  # Telegram's HTML: <b>, <i>, <a>; everything else escaped
    photo: str | None  # the storage name of the lead photo's 1024 px rendition


def escape(text: str) -> str:
    """Text for Telegram's HTML: only <, > and & are special (and quotes inside attributes)."""
    return html.escape(text, quote=False)


def render(article, *, url: str, with_photo: bool) -> str:
    """The headline in bold, the lead, «Обновлено» after a significant update, and the link,
    in the article's language; the lead is cut at a word so that the whole fits Telegram's limit
    (1024 for a photo's caption, 4096 for a text message)."""
    limit = CAPTION_LIMIT if with_photo else TEXT_LIMIT
    with translation.override(article.language):
        link_text = _("Read on the site")
        updated = ""
        if article.significant_update_at:
            when = timezone.localtime(article.significant_update_at).strftime("%d.%m.%Y %H:%M")
            updated = _("Updated %(time)s") % {"time": when}
    headline = cut_at_word(" ".join(article.title.split()), limit // 2)
    tail = [part for part in (updated, link_text) if part]
    fixed = visible_length(headline) + sum(visible_length(part) + 2 for part in tail)
    lead = article.lead.strip()
    if lead:
        lead = cut_at_word(lead, limit - fixed - 2)
    parts = [f"<b>{escape(headline)}</b>"]
    if lead:
        parts.append(escape(lead))
    if updated:
        parts.append(f"<i>{escape(updated)}</i>")
    parts.append(f'<a href="{html.escape(url, quote=True)}">{escape(link_text)}</a>')
    return "\n\n".join(parts)


def message_for(article, *, url: str) -> Message:
    photo = article.photo.rendition_file(1024) if article.photo_id else None
    return Message(html=render(article, url=url, with_photo=photo is not None), photo=photo)


def entry_text(entry) -> str:
    """An entry's words as a reader sees them: its HTML's tags dropped and its entities read
    (``&lt;script&gt;`` typed in the editor is the text «<script>», escaped again when sent)."""
    return html.unescape(plain_text(entry.body))


def render_entry(entry, *, url: str) -> str:
    """A live blog's key event: the blog named in italics («Live: …»), the entry's headline in
    bold, its text (cut at a word to fit a text message), and the link to the entry on the
    blog's page, in the blog's language. Without a headline the text leads."""
    article = entry.article
    with translation.override(article.language):
        blog = _("Live: %(title)s") % {"title": " ".join(article.title.split())}
        link_text = _("Read on the site")
    blog = cut_at_word(blog, TEXT_LIMIT // 8)
    headline = cut_at_word(" ".join(entry.headline.split()), TEXT_LIMIT // 8)
    fixed = sum(visible_length(part) + 2 for part in (blog, headline, link_text) if part)
    text = cut_at_word(entry_text(entry), TEXT_LIMIT - fixed - 2)
    parts = [f"<i>{escape(blog)}</i>"]
    if headline:
        parts.append(f"<b>{escape(headline)}</b>")
    if text:
        parts.append(escape(text))
    parts.append(f'<a href="{html.escape(url, quote=True)}">{escape(link_text)}</a>')
    return "\n\n".join(parts)


def message_for_entry(entry, *, url: str) -> Message:
    """A key event goes as text: Telegram shows the page's preview card under it."""
    return Message(html=render_entry(entry, url=url), photo=None)


# -- One request ------------------------------------------------------------------------------


class Result:
    OK = "ok"
    RETRY = "retry"  # certainly not done: try again later
    FAILED = "failed"  # Telegram refused it (bad chat, bot removed, bad token): not retried
    UNKNOWN = "unknown"  # it may have reached Telegram: a person decides


@dataclasses.dataclass
class Answer:
    result: str
    value: object = None  # Telegram's "result" when ok
    error: str = ""
    error_code: int | None = None
    retry_after: int | None = None


def redact(text: str, token: str) -> str:
    return text.replace(token, "•••") if token else text


@functools.cache
def tls() -> ssl.SSLContext:
    """httpx's TLS settings (certifi's CAs), made once per process: building them reads the CA
    file, 57 ms of each request when every request made its own (bench/telegram_delivery.py).
    Each request still opens its own connection, as before."""
    return httpx.create_ssl_context()


def call(token: str, method: str, *, data: dict, files: dict | None = None) -> Answer:
    """POST one Bot API method. JSON for text; multipart when a file goes with it."""
    url = f"{settings.TELEGRAM_API_BASE.rstrip('/')}/bot{token}/{method}"
    timeout = httpx.Timeout(settings.TELEGRAM_TIMEOUT_SECONDS, connect=min(10, settings.TELEGRAM_TIMEOUT_SECONDS))
    try:
        if files:
            fields = {key: str(value) for key, value in data.items()}
            response = httpx.post(url, data=fields, files=files, timeout=timeout, verify=tls())
        else:
            response = httpx.post(url, json=data, timeout=timeout, verify=tls())
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
        # Nothing reached Telegram.
        return Answer(Result.RETRY, error=redact(f"could not connect to Telegram ({type(error).__name__})", token))
    except httpx.TransportError as error:
        # The request went out, the answer did not come back: it may have been done.
        return Answer(Result.UNKNOWN, error=redact(f"no answer from Telegram ({type(error).__name__})", token))
    try:
        body = response.json()
        ok = bool(body.get("ok"))
    except (ValueError, AttributeError):
        if response.status_code >= 500:
            code = response.status_code
            return Answer(Result.RETRY, error=f"Telegram answered {code}", error_code=code)
        return Answer(Result.UNKNOWN, error=f"Telegram answered {response.status_code} without JSON")
    if ok:
        return Answer(Result.OK, value=body.get("result"))
    code = body.get("error_code") or response.status_code
    description = redact(str(body.get("description") or f"error {code}")[:500], token)
    if code == 429:
        retry_after = (body.get("parameters") or {}).get("retry_after")
        retry_after = int(retry_after) if isinstance(retry_after, int | float) and retry_after >= 0 else 5
        return Answer(Result.RETRY, error=description, error_code=code, retry_after=retry_after)
    if code >= 500:
        return Answer(Result.RETRY, error=description, error_code=code)
    return Answer(Result.FAILED, error=description, error_code=code)


def send(token: str, chat_id: str, message: Message, photo_file=None) -> Answer:
    """sendPhoto with ``photo_file`` (an open file), else sendMessage."""
    if photo_file is not None:
        data = {"chat_id": chat_id, "caption": message.html, "parse_mode": "HTML"}
        return call(token, "sendPhoto", data=data, files={"photo": ("photo.webp", photo_file, "image/webp")})
    return call(token, "sendMessage", data={"chat_id": chat_id, "text": message.html, "parse_mode": "HTML"})


def edit(token: str, chat_id: str, message_id: int, message: Message, *, with_photo: bool) -> Answer:
    """Edit a sent message (its caption when it is a photo). "Not modified" counts as done."""
    if with_photo:
        data = {"chat_id": chat_id, "message_id": message_id, "caption": message.html, "parse_mode": "HTML"}
        answer = call(token, "editMessageCaption", data=data)
    else:
        data = {"chat_id": chat_id, "message_id": message_id, "text": message.html, "parse_mode": "HTML"}
        answer = call(token, "editMessageText", data=data)
    if answer.result == Result.FAILED and "message is not modified" in answer.error:
        return Answer(Result.OK)
    return answer


def delete(token: str, chat_id: str, message_id: int) -> Answer:
    """Delete a sent message. One that is already gone counts as done."""
    answer = call(token, "deleteMessage", data={"chat_id": chat_id, "message_id": message_id})
    if answer.result == Result.FAILED and "message to delete not found" in answer.error:
        return Answer(Result.OK)
    return answer

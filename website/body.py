"""An article body as readers get it: library figures as responsive pictures, lone links to a
Telegram post, a YouTube video or an X post as embeds that load nothing until the reader asks,
and the reading time.

The stored body is sanitised HTML in the editor's schema (``newsroom.html``), so its markup is
regular: nh3 writes tags in lower case with double-quoted attributes, which is what the
patterns here rely on.
"""

import html
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from django.template import engines
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_FIGURE = re.compile(r'<figure data-photo-id="(\d+)">(.*?)</figure>', re.DOTALL)
_FIGCAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.DOTALL)
_IMG = re.compile(r"<img\b[^>]*>")
# A paragraph that holds one link and nothing else (its text may be anything, usually the URL),
# or a bare URL typed as the whole paragraph.
_LONE_LINK = re.compile(r'<p>\s*<a\b[^>]*\bhref="([^"]+)"[^>]*>[^<]*</a>\s*</p>|<p>\s*(https?://[^\s<>"]+)\s*</p>')
_WORD = re.compile(r"\w+")
_TAG = re.compile(r"<[^>]*>")

# Inline figures show at the lead photo's size.
FIGURE_SIZES = "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
WORDS_PER_MINUTE = 200

# Where each kind of embed is loaded from once the reader asks; the page's CSP allows these
# frame origins only on pages that carry such an embed.
EMBED_ORIGINS = {
    "youtube": "https://www.youtube-nocookie.com",
    "telegram": "https://t.me",
    "x": "https://platform.twitter.com",
}


@dataclass
class Embed:
    kind: str  # youtube, telegram, x
    url: str  # the address the journalist pasted (the card links to it)
    src: str  # what the frame loads once the reader asks
    label: str  # what the card says: «Видео на YouTube», «Пост в Telegram: @channel»


def embed_for(url: str) -> Embed | None:
    """The embed a lone link stands for, or None (then it stays a plain link)."""
    try:
        parts = urlsplit(html.unescape(url))
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"}:
        return None
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    path = [piece for piece in parts.path.split("/") if piece]
    if host in {"t.me", "telegram.me"}:
        if path[:1] == ["s"]:
            path = path[1:]
        if len(path) == 2 and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", path[0]) and path[1].isdigit():
            channel, post = path
            return Embed(
                "telegram",
                url,
                f"https://t.me/{channel}/{post}?embed=1",
                _("Post in Telegram: @%(channel)s") % {"channel": channel},
            )
        return None
    video = None
    if host == "youtu.be" and len(path) == 1:
        video = path[0]
    elif host == "youtube.com":
        if path == ["watch"]:
            video = parse_qs(parts.query).get("v", [""])[0]
        elif len(path) == 2 and path[0] in {"shorts", "embed", "live"}:
            video = path[1]
    if video is not None:
        if re.fullmatch(r"[A-Za-z0-9_-]{11}", video):
            return Embed("youtube", url, f"https://www.youtube-nocookie.com/embed/{video}", _("Video on YouTube"))
        return None
    if host in {"twitter.com", "x.com"} and len(path) == 3 and path[1] == "status" and path[2].isdigit():
        return Embed(
            "x",
            url,
            f"https://platform.twitter.com/embed/Tweet.html?id={path[2]}&dnt=true",
            _("Post on X by @%(user)s") % {"user": path[0]},
        )
    return None


def _macros():
    """The body's pieces as Jinja2 macros (templates/jinja2/includes/body.html)."""
    return engines["jinja2"].env.get_template("includes/body.html").module


@dataclass
class RenderedBody:
    html: SafeString
    embeds: set[str] = field(default_factory=set)  # the kinds of embed on the page

    @property
    def frame_origins(self) -> list[str]:
        return sorted(EMBED_ORIGINS[kind] for kind in self.embeds)


def render_body(body: str, photos: dict) -> RenderedBody:
    """The stored body as readers see it. ``photos`` maps the ids of the body's figures to their
    ``photos.Photo``; a figure whose photo is gone is left out, and so is any other image."""
    macros = _macros()
    embeds = set()

    def figure(match: re.Match) -> str:
        photo = photos.get(int(match[1]))
        if photo is None or not photo.image:
            return ""
        caption = _FIGCAPTION.search(match[2])
        caption_html = caption[1].strip() if caption else ""
        # The figure's own caption (sanitised rich text), else the photo's (plain text).
        shown = mark_safe(caption_html) if strip_tags(caption_html).strip() else photo.caption
        return str(macros.body_photo(photo, shown, FIGURE_SIZES))

    def lone_link(match: re.Match) -> str:
        embed = embed_for(match[1] or match[2])
        if embed is None:
            return match[0]
        embeds.add(embed.kind)
        return str(macros.embed(embed, urlsplit(EMBED_ORIGINS[embed.kind]).hostname))

    if "<img" in body:  # library figures become pictures; any other image is left out
        pieces, start = [], 0
        for match in _FIGURE.finditer(body):
            pieces += [_IMG.sub("", body[start : match.start()]), figure(match)]
            start = match.end()
        rendered = "".join([*pieces, _IMG.sub("", body[start:])])
    else:
        rendered = _FIGURE.sub(figure, body) if "<figure" in body else body
    if "http" in rendered:
        rendered = _LONE_LINK.sub(lone_link, rendered)
    return RenderedBody(mark_safe(rendered), embeds)  # the body was sanitised on save


def reading_minutes(body: str) -> int:
    """Minutes a reader needs for the body, at 200 words a minute, at least one. (The body is
    sanitised, so a tag is ``<`` to the next ``>``: a regular expression is enough, and ten
    times faster than Django's ``strip_tags`` on every uncached article page.)"""
    words = len(_WORD.findall(_TAG.sub(" ", body)))
    return max(1, round(words / WORDS_PER_MINUTE))

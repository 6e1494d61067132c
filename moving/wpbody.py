"""A WordPress post's content as this CMS's body: block comments dropped (their HTML kept), bare
text made into paragraphs as WordPress's ``wpautop`` does, ``[caption]`` and ``[gallery]`` as
library figures, embeds as the editor's embed paragraph (a lone link), other shortcodes removed
and named. The result still goes through the site's allowlist when the article is saved.
"""

import dataclasses
import html
import re
from collections.abc import Callable
from html.parser import HTMLParser

MORE = re.compile(r"<!--\s*more\b.*?-->", re.IGNORECASE)
BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->", re.DOTALL)
# WordPress's embed block keeps the address alone in a wrapper: <figure class="wp-block-embed ...">
# <div class="wp-block-embed__wrapper">https://youtu.be/...</div></figure>
EMBED_BLOCK = re.compile(
    r'<figure[^>]*class="[^"]*wp-block-embed[^"]*"[^>]*>\s*<div[^>]*wp-block-embed__wrapper[^>]*>\s*'
    r"(https?://[^\s<]+)\s*</div>.*?</figure>",
    re.DOTALL,
)
EMBED_SHORTCODE = re.compile(r"\[embed[^\]]*\]\s*(https?://[^\s\[]+)\s*\[/embed\]", re.IGNORECASE)
CAPTION = re.compile(r"\[(caption|wp_caption)([^\]]*)\](.*?)\[/\1\]", re.DOTALL | re.IGNORECASE)
GALLERY = re.compile(r"\[gallery([^\]]*)\]", re.IGNORECASE)
SHORTCODE = re.compile(r"\[(/?)([a-zA-Z_][\w-]*)((?:\s[^\]]*)?)\]")
IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
SRC = re.compile(r'\bsrc\s*=\s*["\']([^"\']+)["\']', re.IGNORECASE)
ALT = re.compile(r'\balt\s*=\s*["\']([^"\']*)["\']', re.IGNORECASE)
ATTRIBUTE = re.compile(r'(\w+)\s*=\s*["\']([^"\']*)["\']')
BLOCK_TAGS = (
    "address|article|aside|blockquote|div|dl|fieldset|figure|figcaption|footer|form|h[1-6]|header|hr|"
    "li|ol|p|pre|section|table|tbody|thead|tr|td|th|ul|iframe|script|style"
)
STARTS_WITH_BLOCK = re.compile(rf"^\s*</?({BLOCK_TAGS})\b", re.IGNORECASE)
FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL | re.IGNORECASE)
# Elements a browser shows apart from the text around them: their tags leave a space in the text.
SEPARATE = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 "
    "h6 header hr li ol p pre section table tbody td tfoot th thead tr ul".split()
)


@dataclasses.dataclass
class Converted:
    lead: str  # plain text
    body: str  # HTML, before the site's sanitiser
    problems: list[str]
    photos: list[int]  # the library photos the body's figures show


class _Text(HTMLParser):
    """The text of an HTML fragment as a browser shows it (see ``plain``)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)  # character references decoded, once
        self.parts: list[str] = []
        self.hidden = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag in SEPARATE:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden = max(self.hidden - 1, 0)
        elif tag in SEPARATE:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def plain(fragment: str) -> str:
    """HTML as one line of text, as a browser shows it: tags dropped (``Mark<sup>up</sup>`` is
    «Markup»; a paragraph, a list item or a <br> leaves a space), script and style left out,
    entities decoded once (``&amp;amp;`` is the text «&amp;»), a ``<`` that starts no tag kept.

    WordPress keeps titles, excerpts and the names of categories, tags and authors as HTML
    (``&`` saved as ``&amp;``); this is their text."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return " ".join("".join(parser.parts).split())


def autop(text: str) -> str:
    """WordPress's ``wpautop``, the part that matters for an archive: text between blank lines
    becomes a paragraph (single line breaks inside it, <br>), block HTML is left as it is."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", text) if chunk.strip()]
    out = []
    for chunk in chunks:
        if STARTS_WITH_BLOCK.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def convert(
    content: str,
    excerpt: str,
    *,
    photo_for_url: Callable[[str], tuple[int, str] | None],
    photo_for_attachment: Callable[[str], tuple[int, str] | None],
) -> Converted:
    """The lead and body of a post. ``photo_for_url`` / ``photo_for_attachment`` make (or find)
    the library photo of an uploaded image and return its id and address, or None when the
    file is missing."""
    problems: list[str] = []
    photos: list[int] = []

    def figure(photo: tuple[int, str], caption: str = "", alt: str = "") -> str:
        photo_id, url = photo
        photos.append(photo_id)
        caption_html = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        # (data-imported: not to be taken for another upload below; the sanitiser drops it.)
        image = f'<img data-imported src="{html.escape(url)}" alt="{html.escape(alt)}">'
        return f'<figure data-photo-id="{photo_id}">{image}{caption_html}</figure>'

    def image(tag: str, caption: str = "") -> str:
        if "data-imported" in tag:
            return tag
        src = SRC.search(tag)
        if not src:
            return ""
        photo = photo_for_url(html.unescape(src[1]))
        if photo is None:
            problems.append(f"image not found: {src[1]}")
            return ""
        alt = ALT.search(tag)
        return figure(photo, caption, html.unescape(alt[1]) if alt else "")

    def caption(match: re.Match) -> str:
        inner = match[3]
        tag = IMG.search(inner)
        text = plain(IMG.sub("", re.sub(r"</?a\b[^>]*>", "", inner)))
        attributes = dict(ATTRIBUTE.findall(match[2]))
        text = text or attributes.get("caption", "")
        return "\n\n" + (image(tag[0], text) if tag else "") + "\n\n"

    def gallery(match: re.Match) -> str:
        ids = dict(ATTRIBUTE.findall(match[1])).get("ids", "")
        figures = []
        for attachment in [part.strip() for part in ids.split(",") if part.strip()]:
            photo = photo_for_attachment(attachment)
            if photo is None:
                problems.append(f"gallery image {attachment} not found")
            else:
                figures.append(figure(photo))
        if not ids:
            problems.append("a [gallery] without ids= (the post's attached images) was left out")
        return "\n\n" + "\n\n".join(figures) + "\n\n"

    def embed(match: re.Match) -> str:
        url = html.escape(match[1], quote=True)
        return f'\n\n<p><a href="{url}">{url}</a></p>\n\n'

    unknown: set[str] = set()

    def shortcode(match: re.Match) -> str:
        unknown.add(match[2])
        return ""

    def to_html(text: str) -> str:
        text = BLOCK_COMMENT.sub("", text)
        text = EMBED_BLOCK.sub(embed, text)
        text = EMBED_SHORTCODE.sub(embed, text)
        text = CAPTION.sub(caption, text)
        text = GALLERY.sub(gallery, text)
        text = SHORTCODE.sub(shortcode, text)
        text = IMG.sub(lambda match: image(match[0]), text)
        # A line holding only an address is how WordPress embeds a video or a post: the
        # editor's embed paragraph is the same thing.
        text = re.sub(r"(?m)^\s*(https?://\S+)\s*$", embed, text)
        return autop(text)

    more = MORE.search(content)
    if more and not excerpt.strip():
        # The teaser before <!--more--> is the lead; the rest is the body.
        lead = plain(to_html(content[: more.start()]))
        body = to_html(content[more.end() :])
    else:
        body = to_html(MORE.sub("\n\n", content))
        lead = plain(excerpt)
        if not lead:
            first = FIRST_PARAGRAPH.search(body)
            lead = plain(first[1]) if first else ""
            if first and lead:
                body = (body[: first.start()] + body[first.end() :]).strip()
    if unknown:
        problems.append("shortcodes removed: " + ", ".join(f"[{name}]" for name in sorted(unknown)))
    return Converted(lead=lead, body=body, problems=problems, photos=photos)

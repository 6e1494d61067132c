"""Rich text: the article editor's schema, and the server-side sanitiser built from it.

``BODY_EXTENSIONS`` is the one list of what an article body may hold. The editor in the admin
(django-prose-editor, ProseMirror) offers exactly these, and ``sanitize_html`` keeps exactly
the tags and attributes they produce (django-prose-editor derives the nh3 allowlist from the
same configuration), so whatever writes a body (the editor, an import, the shell, an API) ends
up with markup the editor can open again. ``RICH_TEXT_EXTENSIONS`` is the smaller set for short
texts (a person's bio, a section's or topic's description).

Both editors run under the site's Content-Security-Policy: django-prose-editor ships its
JavaScript as static files (no CDN, no inline script but its import map, which the admin
renders with the request's nonce).
"""

import re

import nh3
from django.utils.functional import cached_property
from django_prose_editor.config import allowlist_from_extensions, html_tags
from js_asset import static_lazy

LINK = {"enableTarget": True, "protocols": ["http", "https", "mailto"]}

BODY_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Cite": True,  # the attribution under a quote: «— Айдос Сарсенбаев, министр культуры и спорта»
    "HorizontalRule": True,
    "Link": LINK,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "LibraryPhoto": True,  # a figure with a photo from the library (photos.Photo), its caption
    "NewsroomPaste": True,  # Word, Google Docs, LibreOffice and web pages pasted as clean structure
    "NewsroomDesk": True,  # Russian and Kazakh labels, hints on links that readers get as embeds
}

RICH_TEXT_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Link": LINK,
    "NewsroomPaste": True,
    "NewsroomDesk": True,
}

# The newsroom's own editor extensions (static/newsroom/editor/extensions.js) and the markup
# each may produce; django-prose-editor reads this setting for both the editor and the allowlist.
EDITOR_EXTENSIONS = [
    {"js": [static_lazy("newsroom/editor/paste.js")], "extensions": {"NewsroomPaste": html_tags([])}},
    {
        "js": [static_lazy("newsroom/editor/extensions.js")],
        "extensions": {
            "Cite": html_tags(["cite"]),
            "LibraryPhoto": html_tags(
                ["figure", "img", "figcaption"], {"figure": ["data-photo-id"], "img": ["src", "alt"]}
            ),
            "NewsroomDesk": html_tags([]),
        },
    },
]

_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|<br>)*</p>")
_SYNONYMS = re.compile(r"<(/?)([bi])(?=[\s/>])", re.IGNORECASE)
# Links opened in a new tab never get a handle on this page (reverse tabnabbing).
_BLANK_TARGET_WITHOUT_REL = re.compile(r'<a (?![^>]*\brel=)([^>]*\btarget="_blank"[^>]*)>')


class Sanitizer:
    """An nh3 cleaner for one editor configuration."""

    def __init__(self, extensions: dict):
        self.extensions = extensions

    @cached_property
    def cleaner(self) -> nh3.Cleaner:
        config = allowlist_from_extensions(self.extensions)
        config["attributes"] = {tag: set(attributes) for tag, attributes in config["attributes"].items()}
        config.setdefault("url_schemes", set(LINK["protocols"]))
        return nh3.Cleaner(**config, strip_comments=True)

    def clean(self, html: str) -> str:
        # <b> and <i> are what older bodies (and other editors) wrote; the editor reads them as
        # <strong> and <em>, and so does the sanitiser, instead of dropping the emphasis.
        html = _SYNONYMS.sub(lambda match: f"<{match[1]}{'strong' if match[2] == 'b' else 'em'}", html)
        cleaned = self.cleaner.clean(html)
        cleaned = _EMPTY_PARAGRAPH.sub("", cleaned)  # the editor's trailing blank lines
        return _BLANK_TARGET_WITHOUT_REL.sub(r'<a rel="noopener" \1>', cleaned)


_body = Sanitizer(BODY_EXTENSIONS)
_rich_text = Sanitizer(RICH_TEXT_EXTENSIONS)


def sanitize_html(html: str) -> str:
    """Keep what the article editor can produce; drop scripts, styles, handlers and unsafe URLs."""
    return _body.clean(html)


def sanitize_rich_text(html: str) -> str:
    """Keep what the short-text editor (bio, description) can produce."""
    return _rich_text.clean(html)

"""Text as the site stores it: without the characters that HTML and XML cannot carry.

A paste from Word brings its line break (a vertical tab) and page break (a form feed); other
programs bring control characters and Unicode's noncharacters. Browsers show none of them, yet
each is a parse error in an HTML page and makes an RSS or Atom feed or a sitemap invalid XML
(Django's feed writer refuses them outright). ``PlainTextMixin`` drops them from a model's text
fields whenever it is saved, whatever saves it: a form, an import, the shell. A one-line field
(a ``CharField``: a headline, a name) keeps no line break either: HTML shows it as a space and
reads a carriage return as a newline, so the page would not say what was stored.
"""

import re

from django.db import models

# Word's line and page breaks become a space; the other C0 controls but tab, newline and carriage
# return, DEL, the C1 controls and the noncharacters go.
_BREAKS = re.compile("[\x0b\x0c]")
_LINE_BREAKS = re.compile("\r\n|[\r\n]")
_UNCARRIED = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)


def plain(value: str) -> str:
    """``value`` without the characters HTML and XML cannot carry (Word's breaks as spaces)."""
    if _UNCARRIED.search(value) is None and _BREAKS.search(value) is None:
        return value
    return _UNCARRIED.sub("", _BREAKS.sub(" ", value))


def one_line(value: str) -> str:
    """``plain(value)`` with its line breaks as spaces."""
    return _LINE_BREAKS.sub(" ", plain(value))


class PlainTextMixin:
    """A model whose every text field (``CharField``, ``TextField`` and their kinds) is saved
    through ``plain()``, and every one-line field (``CharField``) through ``one_line()``."""

    def save(self, *args, **kwargs):
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(
                        self, field.attname, one_line(value) if isinstance(field, models.CharField) else plain(value)
                    )
        super().save(*args, **kwargs)

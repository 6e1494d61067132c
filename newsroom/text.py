"""Text as the site stores it: without the characters that HTML and XML cannot carry.

A paste from Word brings its line break (a vertical tab) and page break (a form feed); other
programs bring control characters and Unicode's noncharacters. Browsers show none of them, yet
each is a parse error in an HTML page and makes an RSS or Atom feed or a sitemap invalid XML
(Django's feed writer refuses them outright). ``PlainTextMixin`` drops them from a model's text
fields whenever it is saved, whatever saves it: a form, an import, the shell.
"""

import re

from django.db import models

# Word's line and page breaks become a space; the other C0 controls but tab, newline and carriage
# return, DEL, the C1 controls and the noncharacters go.
_BREAKS = re.compile("[\x0b\x0c]")
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


class PlainTextMixin:
    """A model whose every text field (``CharField``, ``TextField`` and their kinds) is saved
    through ``plain()``."""

    def save(self, *args, **kwargs):
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, plain(value))
        super().save(*args, **kwargs)

"""ASCII slugs for Russian, Kazakh and everything else.

Russian and Kazakh letters are transliterated by an explicit table, so that every Kazakh
letter (Ә Ғ Қ Ң Ө Ұ Ү Һ І) keeps a distinct, readable spelling in URLs; anything else goes
through anyascii (ISC licence, covers all of Unicode). Slugs are lower-case ASCII letters,
digits and single hyphens, at most ``max_length`` bytes, never empty.
"""

import re
import unicodedata

from anyascii import anyascii
from django.db import IntegrityError, models, router, transaction

CYRILLIC = {
    # Russian (the common web transliteration, close to ISO 9 / GOST 7.79 system B)
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Kazakh letters beyond Russian (after the 2021 Kazakh Latin alphabet, in plain ASCII)
    "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
    "і": "i",
}  # fmt: skip

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _ascii(char: str) -> str:
    if char in CYRILLIC:
        return CYRILLIC[char]
    # Letters and digits of any script are spelt out; emoji and symbols are word breaks
    # (anyascii would spell 🔥 as "fire", which no reader expects in a URL).
    return anyascii(char) if unicodedata.category(char)[0] in "LN" else " "


def transliterate(text: str) -> str:
    """Lower-case ASCII spelling of the letters and digits in ``text``."""
    return "".join(_ascii(char) for char in text.lower()).lower()


def slugify(text: str, *, max_length: int = 120, fallback: str = "item") -> str:
    """An ASCII slug of ``text``: cut at a word boundary, ``fallback`` when nothing is left."""
    slug = _NOT_SLUG.sub("-", transliterate(text)).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[:max_length] else cut[:max_length]
        slug = slug.strip("-")
    return slug or fallback


def with_suffix(slug: str, number: int, *, max_length: int) -> str:
    """``slug-<number>``, shortening ``slug`` so that the result fits ``max_length``."""
    suffix = f"-{number}"
    return slug[: max_length - len(suffix)].rstrip("-") + suffix


def unique_slug(instance: models.Model, text: str, *, field: str = "slug", fallback: str = "item") -> str:
    """A slug for ``instance`` built from ``text`` that no other row of its model uses.

    A collision gets the first free numeric suffix (``title-2``, ``title-3``...). Callers that
    race on the same slug still hit the unique constraint: see ``save_with_unique_slug``.
    """
    model = type(instance)
    max_length = model._meta.get_field(field).max_length
    base = slugify(text, max_length=max_length, fallback=fallback)
    others = model._default_manager.exclude(pk=instance.pk) if instance.pk else model._default_manager.all()
    taken = set(others.filter(**{f"{field}__startswith": base[: max_length - 12]}).values_list(field, flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = with_suffix(base, number, max_length=max_length)
    return slug


class UniqueSlugMixin(models.Model):
    """Fills an empty ``slug`` from ``slug_source`` on save, unique within the model.

    A slug that is already set is never recomputed, so editing a title does not move a URL.
    When two saves race for the same slug, the loser retries with the next free suffix instead
    of failing with an IntegrityError.
    """

    slug_source = "name"
    slug_fallback = "item"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.slug:
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        for attempt in range(5):
            self.slug = unique_slug(self, getattr(self, self.slug_source), fallback=self.slug_fallback)
            try:
                with transaction.atomic(using=using):
                    return super().save(*args, **kwargs)
            except IntegrityError:
                self.slug = ""
                if attempt == 4:
                    raise
        return None

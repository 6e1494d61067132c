"""What editors type once in Russian and readers read in their own language: one column per
language on the same row (``name``, ``name_kk``, ``name_en``), read through ``obj.i18n``.

``section.i18n.name`` is the section's name in the active language (the page's: /kk/, /en/),
or the Russian one when that translation is empty; never an empty string when Russian is set.
The Russian value stays the field itself (``name``), so the addresses, the topics' keys in
django-taggit and every existing row keep working; only readers' templates and texts ask for
``i18n``. (Why not django-modeltranslation: docs/architecture.md, Languages.)
"""

from django.utils.translation import get_language

# The languages besides Russian (the field itself) that have their own columns.
TRANSLATIONS = ("kk", "en")


class Translations:
    """``obj.i18n.<field>``: the field in the active language, else in Russian."""

    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def __getattr__(self, field: str):
        language = get_language()
        if language in TRANSLATIONS:
            value = getattr(self._obj, f"{field}_{language}", "")
            if value:
                return value
        return getattr(self._obj, field)


class TranslatedMixin:
    """``i18n`` for a model whose ``translated_fields`` have ``_kk`` and ``_en`` columns."""

    translated_fields: tuple[str, ...] = ()

    @property
    def i18n(self) -> Translations:
        return Translations(self)

    def missing_translations(self) -> list[str]:
        """The languages some translated field has no text in, while Russian has."""
        return [
            language
            for language in TRANSLATIONS
            if any(
                getattr(self, field) and not getattr(self, f"{field}_{language}", "")
                for field in self.translated_fields
            )
        ]


def translation(field_class, verbose_name, **options):
    """A Kazakh or English column beside the Russian field: optional, and empty (never NULL) in
    the rows that existed before it."""
    return field_class(verbose_name, blank=True, default="", db_default="", **options)

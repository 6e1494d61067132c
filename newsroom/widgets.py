"""Admin widgets shared by the apps."""

import json

from django import forms

from newsroom.slugs import CYRILLIC


class SlugInput(forms.TextInput):
    """A slug box filled from another field as the journalist types, with the server's spelling.

    Django's own prepopulated_fields drop the Kazakh letters (Қ Ұ Ә ...); this widget uses the
    same table as ``newsroom.slugs`` and never rewrites a slug that already has a value.
    """

    class Media:
        js = ["newsroom/slug.js"]

    def __init__(self, source: str, max_length: int, attrs=None):
        super().__init__(
            {
                "data-slug-from": source,
                "data-slug-max": str(max_length),
                "data-slug-map": json.dumps(CYRILLIC, ensure_ascii=False),
                "class": "vTextField",
                **(attrs or {}),
            }
        )


class SlugAdminMixin:
    """Use ``SlugInput`` for the model's ``slug``, filled from its ``slug_source`` field."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "slug" and hasattr(self.model, "slug_source"):
            kwargs["widget"] = SlugInput(self.model.slug_source, db_field.max_length)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

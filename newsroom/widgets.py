"""Admin widgets shared by the apps."""

import json

from django import forms
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import InlineStyle

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


class RichTextWidget(AdminProseEditorWidget):
    """The rich-text editor (django-prose-editor) with one of ``newsroom.html``'s configurations:
    the toolbar offers exactly what the sanitiser keeps."""

    def __init__(self, extensions: dict, attrs=None):
        super().__init__(attrs=attrs, config={"extensions": extensions}, preset="configurable")

    @property
    def media(self):
        # Tiptap injects its base CSS as an inline <style data-tiptap-style> unless one exists:
        # an empty one carrying the request's nonce (the admin renders media with it) takes its
        # place, and the rules come from prosemirror.css.
        return super().media + forms.Media(
            css={
                "all": [
                    InlineStyle("", **{"data-tiptap-style": ""}),
                    "newsroom/editor/prosemirror.css",
                    "newsroom/editor/editor.css",
                ]
            }
        )

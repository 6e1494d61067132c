"""The lead-photo field: search the library with thumbnails (the admin's select2), and the chosen
photo shown under the field."""

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import get_select2_language
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from photos.models import Photo


class PhotoSelect(forms.Select):
    """A foreign key to ``photos.Photo``. Only the chosen photo is rendered as an option; the
    others come from the library's search (``PhotoAdmin.choices_view``) as one types. The
    admin's "+" next to it uploads a new photo in a pop-up."""

    def __init__(self, choices_url: str, attrs=None):
        self.choices_url = choices_url
        super().__init__(attrs)

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.update(
            {
                "class": "photo-select",
                "data-choices-url": str(self.choices_url),
                "data-placeholder": _("Search the library: caption, credit, description"),
                "lang": get_select2_language() or "",
            }
        )
        return attrs

    def selected_photo(self, value) -> Photo | None:
        if value in (None, ""):
            return None
        if isinstance(value, Photo):
            return value
        return Photo.objects.filter(pk=value).first() if str(value).isdigit() else None

    def optgroups(self, name, value, attrs=None):
        photo = self.selected_photo(value[0] if value else None)
        self.choices = [("", "")] + ([(photo.pk, str(photo))] if photo else [])
        return super().optgroups(name, value, attrs)

    def render(self, name, value, attrs=None, renderer=None):
        select = super().render(name, value, attrs, renderer)
        photo = self.selected_photo(value)
        preview_id = f"{(attrs or {}).get('id', 'id_' + name)}_preview"
        if photo is None:
            return format_html('{}<figure class="photo-select-preview" id="{}" hidden></figure>', select, preview_id)
        return format_html(
            '{}<figure class="photo-select-preview" id="{}"><img src="{}" alt="{}">'
            "<figcaption>{}</figcaption></figure>",
            select,
            preview_id,
            photo.rendition_url(640),
            photo.alt_text,
            photo.credit or "",
        )

    @property
    def media(self):
        extra = "" if settings.DEBUG else ".min"
        i18n = get_select2_language()
        return forms.Media(
            js=(
                f"admin/js/vendor/jquery/jquery{extra}.js",
                f"admin/js/vendor/select2/select2.full{extra}.js",
                *((f"admin/js/vendor/select2/i18n/{i18n}.js",) if i18n else ()),
                "admin/js/jquery.init.js",
                "photos/photo-select.js",
            ),
            css={
                "screen": (
                    f"admin/css/vendor/select2/select2{extra}.css",
                    "admin/css/autocomplete.css",
                    "photos/photo-select.css",
                )
            },
        )

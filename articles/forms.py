"""Admin form pieces for articles: topics picked with autocomplete, new ones typed in place."""

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import get_select2_language
from django.utils.translation import gettext_lazy as _

from articles.models import Tag

TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length


class TagAutocompleteWidget(forms.SelectMultiple):
    """The admin's select2 autocomplete, in "tags" mode: existing topics are suggested by the
    server, and a topic that does not exist yet can be typed and is created on save.

    Options are topic names, not ids, so that a typed name can never be mistaken for an id.
    """

    def __init__(self, url: str, attrs=None):
        self.url = url
        self.i18n_name = get_select2_language()
        super().__init__(attrs)

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.update(
            {
                "class": "admin-autocomplete",
                "data-ajax--url": self.url,
                "data-ajax--cache": "true",
                "data-ajax--delay": 250,
                "data-ajax--type": "GET",
                "data-theme": "admin-autocomplete",
                "data-tags": "true",
                "data-token-separators": '[","]',
                "data-allow-clear": "false",
                "data-placeholder": _("Start typing a topic"),
                "lang": self.i18n_name,
                "style": "width: 30em",
            }
        )
        return attrs

    def optgroups(self, name, value, attrs=None):
        # Render just the chosen topics; select2 asks the server for the others as one types.
        self.choices = [(tag_name, tag_name) for tag_name in value if tag_name]
        return super().optgroups(name, value, attrs)

    @property
    def media(self):
        extra = "" if settings.DEBUG else ".min"
        i18n = (f"admin/js/vendor/select2/i18n/{self.i18n_name}.js",) if self.i18n_name else ()
        return forms.Media(
            js=(
                f"admin/js/vendor/jquery/jquery{extra}.js",
                f"admin/js/vendor/select2/select2.full{extra}.js",
                *i18n,
                "admin/js/jquery.init.js",
                "admin/js/autocomplete.js",
            ),
            css={"screen": (f"admin/js/vendor/select2/select2{extra}.css", "admin/css/autocomplete.css")},
        )


class TagNamesField(forms.Field):
    """A list of topic names; taggit creates the ones that do not exist yet."""

    widget = TagAutocompleteWidget

    def __init__(self, *, url: str, **kwargs):
        kwargs.setdefault("widget", TagAutocompleteWidget(url))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        return [getattr(item, "name", item) for item in value]

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        names, seen = [], set()
        for raw in value:
            name = " ".join(str(raw).split())
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
        return names

    def validate(self, value):
        super().validate(value)
        too_long = [name for name in value if len(name) > TAG_NAME_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("A topic can be at most %(max)d characters long: %(name)s"),
                params={"max": TAG_NAME_MAX_LENGTH, "name": too_long[0][:40] + "…"},
            )

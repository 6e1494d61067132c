"""Admin form pieces for articles: topics picked with autocomplete, new ones typed in place."""

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import get_select2_language
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Tag
from articles.services import (
    EDITABLE_BY_AUTHOR,
    EMBARGO_FIELDS,
    EMBARGO_REFUSED,
    PLACEMENT_FIELDS,
    PLACEMENT_REFUSED,
    user_can_publish,
)
from newsroom.text import plain

TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length
# The longest article body the form takes, in characters of HTML: ten times a very long story,
# and well under the request size Django accepts (DATA_UPLOAD_MAX_MEMORY_SIZE, 5 MB), so an
# oversized text gets this clear error instead of a refused request.
BODY_MAX_LENGTH = 300_000


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
                "data-width": "30em",
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
            css={"screen": (f"admin/css/vendor/select2/select2{extra}.css", "admin/css/autocomplete.css")},
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
            name = " ".join(plain(str(raw)).split())  # as the topic will be saved (newsroom.text)
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


class ArticleAdminForm(forms.ModelForm):
    """The article form: permission checks for the workflow and optimistic locking.

    ``user`` is set by ``ArticleAdmin.get_form``. ``loaded_version`` travels with the form, so
    a save over a stale copy is refused with a message naming who changed the article, while
    everything the user typed stays in the form.
    """

    user = None
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    significant_update = forms.BooleanField(
        label=_("Significant update"),
        required=False,
        help_text=_("Tick for news updates: readers then see «Обновление» with this time. Leave it for typo fixes."),
    )

    class Meta:
        model = Article
        fields = [
            "title", "slug", "lead", "body", "seo_title", "seo_description", "language", "section", "tags", "people",
            "countries", "source",
            "authors", "photo", "photo_caption", "status", "publish_at", "expire_at", "embargo_until", "partners_from",
            "importance", "pinned_until", "breaking_until",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["loaded_version"] = self.instance.version
        if "importance" in self.fields:  # a form posted without it (an older page, a script) keeps the place
            self.fields["importance"].required = False
        if "status" in self.fields and not user_can_publish(self.user):
            self.fields["status"].choices = [
                (value, label) for value, label in Article.Status.choices if value in EDITABLE_BY_AUTHOR
            ]

    def clean_importance(self):
        return self.cleaned_data.get("importance") or self.instance.importance or Article.Importance.NORMAL

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        if len(body) > BODY_MAX_LENGTH:
            raise forms.ValidationError(
                _("The text is %(length)s characters long; an article may have up to %(limit)s. Split it in two."),
                code="body_too_long",
                params={
                    "length": f"{len(body):,}".replace(",", " "),
                    "limit": f"{BODY_MAX_LENGTH:,}".replace(",", " "),
                },
            )
        return body

    def clean(self):
        cleaned = super().clean()
        if not user_can_publish(self.user):
            if self.data.get("status", Article.Status.DRAFT) not in EDITABLE_BY_AUTHOR:
                # Say why, instead of the generic "not one of the available choices".
                self.errors.pop("status", None)
                self.add_error(
                    "status", _("Only an editor can publish or withdraw an article; submit it for review instead.")
                )
            # A journalist's form has no time or placement fields; a request that carries them was crafted.
            if any(key.startswith(("publish_at", "expire_at")) and value for key, value in self.data.items()):
                raise forms.ValidationError(_("Only an editor can set the publication or expiry time."))
            if any(key.startswith(PLACEMENT_FIELDS) and value for key, value in self.data.items()):
                raise forms.ValidationError(PLACEMENT_REFUSED)
            if any(key.startswith(EMBARGO_FIELDS) and value for key, value in self.data.items()):
                raise forms.ValidationError(EMBARGO_REFUSED)
        if self.instance.pk is not None:
            self._check_version(cleaned.get("loaded_version"))
        return cleaned

    def _check_version(self, loaded_version):
        if loaded_version is None:
            raise forms.ValidationError(_("The form is incomplete: reload the article and try again."))
        # Touching the row takes its write lock until the admin's transaction ends, so two
        # simultaneous saves cannot both pass this check (PostgreSQL and SQLite alike).
        unchanged = Article.objects.filter(pk=self.instance.pk, version=loaded_version).update(version=F("version"))
        if unchanged:
            self.instance.version = loaded_version
            return
        last = self.instance.history.select_related("history_user").first()
        who = (
            (last.history_user.get_full_name() or last.history_user.get_username())
            if last and last.history_user
            else _("someone")
        )
        when = timezone.localtime(last.history_date).strftime("%d.%m.%Y %H:%M:%S") if last else "?"
        raise forms.ValidationError(
            _(
                "%(who)s changed this article at %(when)s, after you opened it. Your changes were not saved "
                "and are still in the form below: copy what you need, open the article again and reapply them."
            ),
            code="edit_conflict",
            params={"who": who, "when": when},
        )


class PreviewLinkForm(forms.Form):
    hours = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        initial=48,
        choices=[
            (1, _("1 hour")),
            (6, _("6 hours")),
            (24, _("1 day")),
            (48, _("2 days")),
            (72, _("3 days")),
            (168, _("1 week")),
        ],
    )

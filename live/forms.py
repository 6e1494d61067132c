"""The desk's forms: the entry box on a live blog's admin page, the coverage's start time, and the
entry's own admin form. They only read what was typed; live.services decides what is allowed."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from articles.admin import body_extensions, newsroom_zone
from live.models import Entry
from newsroom.widgets import RichTextWidget


def newsroom_time_help(text: str = "") -> str:
    """A time field's help: what it does, and which zone it is typed in."""
    zone = _("newsroom time, %(zone)s") % {"zone": newsroom_zone()}
    return f"{text} ({zone})" if text else str(zone).capitalize()


class NewsroomTimeInput(forms.DateTimeInput):
    """The browser's own date and time picker; the value is newsroom time (the admin's zone)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class EntryBoxForm(forms.Form):
    """The box above a live blog's entries: what a journalist types, and for editors the time
    and the flags (``curating``). Field names are the model's, so the services' errors land on
    the field they name."""

    headline = forms.CharField(
        label=_("Headline"), required=False, max_length=Entry._meta.get_field("headline").max_length
    )
    body = forms.CharField(label=_("Text"), required=False)
    published_at = forms.DateTimeField(label=_("Publication time"), required=False)
    key_event = forms.BooleanField(label=_("Key event"), required=False)
    pinned = forms.BooleanField(label=_("Pinned"), required=False)
    telegram = forms.BooleanField(label=_("Send to Telegram"), required=False)

    CURATED = ("published_at", "key_event", "pinned", "telegram")
    prefix = "live"  # beside the article's form on its page: no two fields share a name or an id

    def __init__(self, *args, curating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["headline"].widget.attrs.update({"class": "vTextField", "placeholder": _("Optional")})
        # The article's editor: the same schema, toolbar and photo picker; an empty box is the
        # service's refusal, with its message, not the browser's.
        self.fields["body"].widget = RichTextWidget(body_extensions())
        self.fields["published_at"].widget = NewsroomTimeInput()
        self.fields["published_at"].help_text = newsroom_time_help(_("empty: now; a later time schedules it"))
        self.fields["telegram"].help_text = _("Key events only.")
        if not curating:
            for name in self.CURATED:
                del self.fields[name]


class CoverageStartForm(forms.Form):
    """When the coverage starts: now (empty) or a newsroom time."""

    at = forms.DateTimeField(label=_("Start at"), required=False, widget=NewsroomTimeInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].help_text = newsroom_time_help(_("empty: now"))


class EntryAdminForm(forms.ModelForm):
    """The entry's admin page. ``refusal`` is what the services said when the same form was
    saved a moment ago (EntryAdmin): shown on the form, with everything typed kept."""

    refusal: ValidationError | None = None

    class Meta:
        model = Entry
        fields = ["article", "headline", "body", "authors", "published_at", "key_event", "pinned", "telegram"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "published_at" in self.fields:  # a new entry: empty is now
            self.fields["published_at"].required = False
            self.initial["published_at"] = None

    def clean(self):
        cleaned = super().clean()
        if self.refusal is not None:
            add_refusal(self, self.refusal)
        return cleaned

    def validate_constraints(self):
        """Not here: pinning an entry unpins the blog's previous one (``live.services``), which
        the one-pinned-entry constraint would refuse before the service could do it."""


def add_refusal(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError on ``form``: on the fields it names that the form shows, the
    rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)

"""The readers' newsletter forms: signing up (the full page's checkboxes, or the footer's address
alone, which takes every newsletter of the page's language) and the preferences page."""

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from newsletters.models import Newsletter

# A number past the database's integers is no newsletter; SQLite cannot even compare it
# (OverflowError: a 500 for a forged form).
LARGEST_ID = 2**63 - 1


class NewsletterChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name

    def clean(self, value):
        for pk in value or []:
            try:
                too_large = abs(int(pk)) > LARGEST_ID
            except (TypeError, ValueError):
                continue  # not a number: Django's own check says so
            if too_large:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)


class SignupForm(forms.Form):
    """``all`` marks the footer's and the article page's short form (an address only); the full
    page sends the ticked newsletters. ``website`` is the honeypot: hidden from people, filled by
    bots (the view answers those as if they had signed up, and does nothing)."""

    email = forms.EmailField(label=_("Your email"), max_length=254)
    newsletters = NewsletterChoiceField(
        label=_("Newsletters"),
        queryset=Newsletter.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    all = forms.BooleanField(required=False, widget=forms.HiddenInput)
    website = forms.CharField(required=False)

    def __init__(self, *args, newsletters: QuerySet[Newsletter], **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = list(newsletters)
        self.fields["newsletters"].queryset = newsletters
        self.fields["email"].error_messages.update(
            {
                "required": _("Enter your email address."),
                "invalid": _("This does not look like an email address. Check it: name@example.kz."),
                "max_length": _("An email address has at most 254 characters; this one has %(show_value)d."),
            }
        )

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def chosen(self) -> list[Newsletter]:
        """The newsletters asked for: all offered for the short form, else those ticked."""
        if self.cleaned_data.get("all"):
            return self.offered
        return list(self.cleaned_data.get("newsletters") or [])

    def clean(self):
        cleaned = super().clean()
        if self.offered and not cleaned.get("all") and not cleaned.get("newsletters"):
            self.add_error("newsletters", _("Choose at least one newsletter."))
        return cleaned

    def ticked(self, newsletter: Newsletter) -> bool:
        """Whether the page shows ``newsletter`` ticked: as sent, or all of them at first (and
        after the short form, which asked for all)."""
        if not self.is_bound or self.data.get("all"):
            return True
        return str(newsletter.pk) in self.data.getlist("newsletters")


class PreferencesForm(forms.Form):
    newsletters = NewsletterChoiceField(
        label=_("Newsletters"),
        queryset=Newsletter.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(label=_("Language of the mails"), choices=settings.LANGUAGES)

    def __init__(self, *args, newsletters: QuerySet[Newsletter], **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = list(newsletters)
        self.fields["newsletters"].queryset = newsletters
        self.fields["language"].error_messages["invalid_choice"] = _("Choose one of the languages offered.")

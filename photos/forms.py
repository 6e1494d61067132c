"""The photo form: the admin's and the editor's uploads both go through it."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from photos.models import Photo
from photos.services import photo_duplicate


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["image", "alt_text", "caption", "credit", "focal_x", "focal_y"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and "image" in self.changed_data:
            duplicate = photo_duplicate(image)
            if duplicate is not None and duplicate.pk != self.instance.pk:
                raise forms.ValidationError(
                    format_html(
                        '{} <a href="{}" target="_blank">{}</a>',
                        _("This photo is already in the library:"),
                        reverse("admin:photos_photo_change", args=[duplicate.pk]),
                        str(duplicate),
                    ),
                    code="duplicate",
                    params={"photo": duplicate.pk},
                )
        return image

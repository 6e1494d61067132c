"""The photo library: one row per uploaded picture, used by any number of articles and figures."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from newsroom.text import PlainTextMixin
from photos.images import THUMBNAIL_MAX_WIDTH, DatedPath, SafeImageField, rendition_name, rendition_widths


class Photo(PlainTextMixin, models.Model):
    """A picture in the library. The file is stored once, under a content-hash name, without
    EXIF/GPS; articles point at it (``Article.photo``, figures in the body) and may override its
    caption for their own use. WebP renditions are made when it is uploaded or re-cropped."""

    image = SafeImageField(
        _("image"),
        upload_to=DatedPath("photos"),
        width_field="width",
        height_field="height",
        help_text=_("JPEG, PNG, WebP or AVIF. Location data is removed; smaller copies are made for phones."),
    )
    alt_text = models.CharField(
        _("description (alt text)"),
        max_length=300,
        help_text=_("What the photo shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_("e.g. Фото: пресс-служба министерства")
    )
    focal_x = models.PositiveSmallIntegerField(
        _("focal point: from the left, 0–100"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("Thumbnails are cropped around this point."),
    )
    focal_y = models.PositiveSmallIntegerField(
        _("focal point: from the top, 0–100"), default=50, validators=[MaxValueValidator(100)]
    )
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    # The SHA-256 of the stored bytes: the same picture uploaded twice is found, not stored twice.
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at"], name="photos_photo_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["sha256"],
                condition=~Q(sha256=""),
                name="photos_photo_unique_content",
                violation_error_message=_("This photo is already in the library."),
            ),
            models.CheckConstraint(
                condition=Q(focal_x__lte=100) & Q(focal_y__lte=100), name="photos_photo_focal_point_percent"
            ),
        ]

    def __str__(self):
        return self.caption or self.alt_text or self.image.name.rsplit("/", 1)[-1]

    def rendition_url(self, width: int, *, thumbnail: bool = False) -> str:
        """The address of the rendition nearest ``width`` (no storage I/O: names are derived)."""
        return self.image.storage.url(self.rendition_file(width, thumbnail=thumbnail))

    def rendition_file(self, width: int, *, thumbnail: bool = False) -> str:
        """The storage name of the rendition nearest ``width`` (the original when it has none)."""
        widths = [w for w in rendition_widths(self.width) if not thumbnail or w <= THUMBNAIL_MAX_WIDTH]
        if not widths:
            return self.image.name
        chosen = min(widths, key=lambda w: (w < width, abs(w - width)))
        return rendition_name(self.image.name, chosen, thumbnail=thumbnail)

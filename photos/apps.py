from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhotosConfig(AppConfig):
    """The photo library: safe uploads, WebP renditions, focal points, captions and credits."""

    name = "photos"
    verbose_name = _("Photo library")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings
        from PIL import Image

        # Pillow refuses to open images over twice this many pixels (decompression bombs).
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS

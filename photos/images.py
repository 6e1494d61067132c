"""Image uploads that are safe to store and serve, and their WebP renditions.

An upload is judged by decoding it with Pillow, never by its name or the browser's content
type: only JPEG, PNG, WebP and AVIF pass; SVG, HTML, PDFs renamed to .jpg, GIFs, truncated
or corrupt files and decompression bombs get a form error. What is stored is re-encoded from
the decoded pixels: the EXIF orientation is applied and EXIF/GPS/XMP metadata is gone.
Stored names are content hashes under a dated folder, so two uploads never overwrite each
other. Everything goes through Django's storage API (STORAGES), so S3 works by configuration.

Renditions: WebP copies at fixed widths (never wider than the original), made when the image
is saved and named after the original, so templates know their URLs without touching storage.
"""

import hashlib
import io
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif"}
RENDITION_WIDTHS = (320, 640, 1024, 1600)
THUMBNAIL_RATIO = 3 / 2  # teaser thumbnails: 3:2, cropped around the focal point
THUMBNAIL_MAX_WIDTH = 640


def max_upload_bytes() -> int:
    return settings.IMAGE_MAX_UPLOAD_BYTES


def max_pixels() -> int:
    return settings.IMAGE_MAX_PIXELS


@dataclass
class CleanImage:
    content: bytes
    extension: str
    width: int
    height: int


def decode(data: bytes) -> Image.Image:
    """Fully decode ``data``; raise ``forms.ValidationError`` with a reader-friendly message.

    The pixel limit is checked from the header before any pixel is decoded (Pillow itself
    refuses twice ``Image.MAX_IMAGE_PIXELS``, which ``PhotosConfig.ready`` sets).
    """
    too_large = forms.ValidationError(
        _("The image is too large: at most %(megapixels)d megapixels."),
        code="image_pixels",
        params={"megapixels": max_pixels() // 1_000_000},
    )
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ACCEPTED_FORMATS:
            raise forms.ValidationError(
                _("This is a %(format)s file. Upload a JPEG, PNG, WebP or AVIF image."),
                code="image_format",
                params={"format": image.format},
            )
        if image.width * image.height > max_pixels():
            raise too_large
        image.load()  # decodes every pixel: truncated and corrupt files fail here
    except Image.DecompressionBombError:
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise forms.ValidationError(
            _("The file is not an image or is damaged. Upload a JPEG, PNG, WebP or AVIF image."),
            code="image_invalid",
        ) from None
    return image


def clean_image(data: bytes) -> CleanImage:
    """Validate ``data`` and re-encode it upright, without metadata, in its own format."""
    image = decode(data)
    image_format = image.format
    upright = ImageOps.exif_transpose(image)
    buffer = io.BytesIO()
    if image_format == "JPEG":
        upright.convert("RGB").save(buffer, "JPEG", quality=90, optimize=True, progressive=True)
    elif image_format == "PNG":
        upright.save(buffer, "PNG", optimize=True)
    else:
        upright.save(buffer, image_format, quality=90)
    return CleanImage(buffer.getvalue(), ACCEPTED_FORMATS[image_format], upright.width, upright.height)


class SafeImageFormField(forms.ImageField):
    """A form field that hands the model a cleaned, content-named image (see ``clean_image``)."""

    def to_python(self, data):
        if data in self.empty_values:
            return None
        if data.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                code="file_size",
                params={"size": filesizeformat(data.size), "limit": filesizeformat(max_upload_bytes())},
            )
        cleaned = clean_image(data.read())
        digest = hashlib.sha256(cleaned.content).hexdigest()[:20]
        result = ContentFile(cleaned.content, name=f"{digest}.{cleaned.extension}")
        result.content_type = f"image/{'jpeg' if cleaned.extension == 'jpg' else cleaned.extension}"
        return result


class SafeImageField(models.ImageField):
    """``ImageField`` whose forms accept only safe images (``SafeImageFormField``); with
    ``upload_to=DatedPath(folder)`` files land at ``<folder>/<year>/<month>/<content hash>.<ext>``."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SafeImageFormField, **kwargs})


@deconstructible
class DatedPath:
    """``upload_to`` for content-named files: ``<folder>/2026/11/<hash>.jpg``."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename):
        return f"{self.folder}/{timezone.now():%Y/%m}/{filename}"

    def __eq__(self, other):
        return isinstance(other, DatedPath) and other.folder == self.folder


# -- Renditions ------------------------------------------------------------------------------


def rendition_name(name: str, width: int, *, thumbnail: bool = False) -> str:
    stem = name.rsplit(".", 1)[0]
    return f"renditions/{stem}-{'t' if thumbnail else ''}{width}.webp"


def rendition_widths(original_width: int | None) -> list[int]:
    """The rendition widths an image of ``original_width`` has: the standard widths below it,
    and the original width itself up to the largest standard one. Never upscaled."""
    if not original_width:
        return []
    smaller = [width for width in RENDITION_WIDTHS if width < original_width]
    return smaller if original_width > RENDITION_WIDTHS[-1] else [*smaller, original_width]


def focal_crop(image: Image.Image, ratio: float, focal_x: float, focal_y: float) -> Image.Image:
    """The largest ``ratio`` (width/height) crop whose centre is as close to the focal point
    (percentages of width and height) as the image allows."""
    width, height = image.size
    if width / height > ratio:
        crop_w, crop_h = round(height * ratio), height
    else:
        crop_w, crop_h = width, round(width / ratio)
    left = min(max(round(width * focal_x / 100 - crop_w / 2), 0), width - crop_w)
    top = min(max(round(height * focal_y / 100 - crop_h / 2), 0), height - crop_h)
    return image.crop((left, top, left + crop_w, top + crop_h))


def make_renditions(name: str, *, focal_x: float = 50, focal_y: float = 50, storage=default_storage) -> list[str]:
    """Write the WebP renditions of the stored image ``name`` (full-frame and 3:2 thumbnails)."""
    with storage.open(name, "rb") as handle:
        image = ImageOps.exif_transpose(Image.open(handle))
        image.load()
    image = image.convert("RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB")
    written = []
    thumbnail_source = focal_crop(image, THUMBNAIL_RATIO, focal_x, focal_y)
    for width in rendition_widths(image.width):
        for source, thumbnail in ((image, False), (thumbnail_source, True)):
            if thumbnail and width > THUMBNAIL_MAX_WIDTH:
                continue  # thumbnails are small
            height = round(source.height * width / source.width)
            resized = source.resize((width, height), Image.Resampling.LANCZOS) if width < source.width else source
            buffer = io.BytesIO()
            resized.save(buffer, "WEBP", quality=82, method=4)
            target = rendition_name(name, width, thumbnail=thumbnail)
            if storage.exists(target):
                storage.delete(target)
            written.append(storage.save(target, ContentFile(buffer.getvalue())))
    return written

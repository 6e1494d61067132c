"""The addresses a responsive picture of a library photo needs (``picture_attrs``): WebP
renditions for ``srcset`` and the fallback image. The markup is the Jinja2 macro ``picture``
(templates/jinja2/includes/pictures.html)."""

from django.core.files.storage import default_storage

from photos.images import THUMBNAIL_MAX_WIDTH, THUMBNAIL_RATIO, rendition_name, rendition_widths


def picture_attrs(photo, *, thumbnail: bool = False) -> dict:
    """``srcset``, ``src``, ``width`` and ``height`` of a <picture> of ``photo`` (a library
    ``Photo``): WebP renditions in ``srcset``, the original (or, for a thumbnail, its largest
    focal crop) as ``src``. Empty for no photo or a photo without an image. No storage I/O:
    rendition names are derived from the image's name."""
    image = getattr(photo, "image", None)
    if not image:
        return {}
    widths = [w for w in rendition_widths(photo.width) if not thumbnail or w <= THUMBNAIL_MAX_WIDTH]
    srcset = ", ".join(
        f"{default_storage.url(rendition_name(image.name, w, thumbnail=thumbnail))} {w}w" for w in widths
    )
    if not thumbnail:
        return {"srcset": srcset, "src": image.url, "width": photo.width, "height": photo.height}
    if not widths:
        return {"srcset": "", "src": image.url, "width": photo.width, "height": photo.height}
    return {
        "srcset": srcset,
        "src": default_storage.url(rendition_name(image.name, widths[-1], thumbnail=True)),
        "width": widths[-1],
        "height": round(widths[-1] / THUMBNAIL_RATIO),
    }

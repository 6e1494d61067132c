"""Responsive <picture> elements with WebP renditions (``picture_html``; the public templates'
``photo()``)."""

from django.core.files.storage import default_storage
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from photos.images import THUMBNAIL_MAX_WIDTH, THUMBNAIL_RATIO, rendition_name, rendition_widths


def picture(image, *, width, height, alt, sizes, thumbnail=False, lazy=True, css_class=""):
    """What a <picture> of ``image`` shows: WebP renditions in srcset, the original as the fallback.

    ``width``/``height`` are the original's (stored on the model): the <img> gets explicit
    dimensions, so nothing shifts while it loads. No storage I/O: rendition names are derived.
    """
    if not image:
        return {}
    widths = [w for w in rendition_widths(width) if not thumbnail or w <= THUMBNAIL_MAX_WIDTH]
    srcset = ", ".join(
        f"{default_storage.url(rendition_name(image.name, w, thumbnail=thumbnail))} {w}w" for w in widths
    )
    if thumbnail:
        shown_width = widths[-1] if widths else width
        shown_height = round(shown_width / THUMBNAIL_RATIO)
        src = default_storage.url(rendition_name(image.name, widths[-1], thumbnail=True)) if widths else image.url
    else:
        shown_width, shown_height, src = width, height, image.url
    return {
        "srcset": srcset,
        "sizes": sizes,
        "src": src,
        "width": shown_width,
        "height": shown_height,
        "alt": alt,
        "lazy": lazy,
        "css_class": css_class,
    }


def photo_html(photo, *, sizes, alt=None, lazy=True) -> SafeString:
    """``picture_html`` for a library ``Photo`` (its own size and alt text); nothing for None."""
    if photo is None:
        return mark_safe("")
    return picture_html(
        photo.image,
        width=photo.width,
        height=photo.height,
        alt=photo.alt_text if alt is None else alt,
        sizes=sizes,
        lazy=lazy,
    )


def picture_html(image, *, width, height, alt, sizes, thumbnail=False, css_class="", lazy=True) -> SafeString:
    """The <picture> for ``image``: WebP renditions in ``srcset``, the original as the fallback
    <img> (list teasers, lead photos, figures in article bodies). Written in Python: through
    the template engine it took about 0.3 ms per teaser."""
    attrs = picture(
        image, width=width, height=height, alt=alt, sizes=sizes, thumbnail=thumbnail, css_class=css_class, lazy=lazy
    )
    if not attrs.get("src"):
        return mark_safe("")
    source = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', attrs["srcset"], attrs["sizes"])
        if attrs["srcset"]
        else ""
    )
    size = (
        format_html(' width="{}" height="{}"', attrs["width"], attrs["height"])
        if attrs["width"] and attrs["height"]
        else ""
    )
    css = format_html(' class="{}"', attrs["css_class"]) if attrs["css_class"] else ""
    loading = ' loading="lazy"' if attrs["lazy"] else ' fetchpriority="high"'
    return format_html(
        '<picture>{}<img src="{}" alt="{}"{}{}{} decoding="async"></picture>',
        source,
        attrs["src"],
        attrs["alt"],
        size,
        css,
        mark_safe(loading),
    )

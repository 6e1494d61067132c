"""``{% teaser article %}``: one article in a list, rendered in Python.

A list page shows twenty of these; through the template engine each cost about 0.3 ms, most
of an uncached list page. The markup is the one ``includes/picture.html`` and the former
``teaser`` partial produced (tests/test_html_validity.py checks it).
"""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from newsroom.templatetags.site import iso, picture

register = template.Library()

THUMB_SIZES = "(min-width: 40rem) 160px, 96px"


def picture_html(image, *, width, height, alt, sizes, thumbnail, css_class) -> SafeString:
    attrs = picture(image, width=width, height=height, alt=alt, sizes=sizes, thumbnail=thumbnail, css_class=css_class)
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


@register.simple_tag
def teaser(article) -> SafeString:
    image = (
        picture_html(
            article.image,
            width=article.image_width,
            height=article.image_height,
            alt="",
            sizes=THUMB_SIZES,
            thumbnail=True,
            css_class="thumb",
        )
        if article.image
        else ""
    )
    section = (
        format_html(' · <a href="{}">{}</a>', article.section.get_absolute_url(), article.section.name)
        if article.section
        else ""
    )
    snippet = getattr(article, "snippet", None)
    if snippet:
        text = format_html('<p class="snippet">{}</p>', snippet)
    elif article.lead:
        text = format_html('<p class="lead">{}</p>', article.lead)
    else:
        text = ""
    return format_html(
        '<article class="teaser">{}<div class="teaser-text"><h2><a href="{}">{}</a></h2>'
        '<p class="meta"><time datetime="{}">{}</time>{}</p>{}</div></article>',
        image,
        article.get_absolute_url(),
        article.title,
        iso(article.publish_at),
        date_format(timezone.localtime(article.publish_at), "j E Y, H:i"),
        section,
        text,
    )

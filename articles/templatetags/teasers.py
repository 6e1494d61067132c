"""``{% teaser article %}``: one article in a list, rendered in Python.

A list page shows twenty of these; through the template engine each cost about 0.3 ms, most
of an uncached list page. The markup is the one ``includes/picture.html`` and the former
``teaser`` partial produced (tests/test_html_validity.py checks it).
"""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from newsroom.templatetags.site import iso
from photos.templatetags.photos import picture_html

register = template.Library()

THUMB_SIZES = "(min-width: 40rem) 160px, 96px"


@register.simple_tag
def teaser(article) -> SafeString:
    photo = article.photo
    image = (
        picture_html(
            photo.image,
            width=photo.width,
            height=photo.height,
            alt="",
            sizes=THUMB_SIZES,
            thumbnail=True,
            css_class="thumb",
        )
        if photo
        else ""
    )
    section = (
        format_html(' · <a href="{}">{}</a>', article.section.get_absolute_url(), article.section.i18n.name)
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

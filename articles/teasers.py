"""``teaser(article)``: one article in a list, rendered in Python; and the front page's pieces:
``lead_story``, ``card``, ``feed_item``, ``most_read_item`` (globals of the public templates,
``articles.templating``).

A list page shows twenty of these; through the template engine each cost about 0.3 ms, most
of an uncached list page (tests/test_html_validity.py checks the markup).
"""

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import ngettext

from newsroom.templating import iso
from photos.pictures import picture_html

THUMB_SIZES = "(min-width: 40rem) 160px, 96px"


def _thumbnail(article, *, sizes: str, css_class: str) -> str:
    """The article's lead photo cropped as a teaser thumbnail (decorative: the headline beside
    it says what it is), or nothing."""
    photo = article.photo
    if not photo:
        return ""
    return picture_html(
        photo.image, width=photo.width, height=photo.height, alt="", sizes=sizes, thumbnail=True, css_class=css_class
    )


def teaser(article) -> SafeString:
    image = _thumbnail(article, sizes=THUMB_SIZES, css_class="thumb")
    section = (
        format_html(' · <a href="{}">{}</a>', article.section.get_absolute_url(), article.section.i18n.name)
        if article.section
        else ""
    )
    recent = getattr(article, "recent_views", None)  # a most-read list
    if recent is not None:
        section = format_html(
            '{} · <span class="views">{}</span>',
            section,
            ngettext("%(counter)s view", "%(counter)s views", recent)
            % {"counter": number_format(recent, force_grouping=True)},
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


# The main story's photo: the whole main column on a wide screen, the screen's width on a phone.
LEAD_SIZES = "(min-width: 64rem) 48rem, 100vw"
# A card in the top block or a section block: a third to a half of the main column.
CARD_SIZES = "(min-width: 64rem) 24rem, (min-width: 40rem) 50vw, 96px"


def _section_link(article, css_class="section-name") -> SafeString:
    if not article.section:
        return format_html("")
    return format_html(
        '<a class="{}" href="{}">{}</a>', css_class, article.section.get_absolute_url(), article.section.i18n.name
    )


def _published_time(article, pattern: str) -> SafeString:
    return format_html(
        '<time datetime="{}">{}</time>',
        iso(article.publish_at),
        date_format(timezone.localtime(article.publish_at), pattern),
    )


def lead_story(article) -> SafeString:
    """The front page's main story: a large photo loaded first (it is the page's largest
    element), the headline, the lead, the time and the section."""
    photo = article.photo
    image = (
        picture_html(
            photo.image, width=photo.width, height=photo.height, alt=photo.alt_text, sizes=LEAD_SIZES, lazy=False
        )
        if photo
        else ""
    )
    section = _section_link(article)
    return format_html(
        '<article class="lead-story">{}<div class="lead-story-text"><h2><a href="{}">{}</a></h2>{}'
        '<p class="meta">{}{}</p></div></article>',
        image,
        article.get_absolute_url(),
        article.title,
        format_html('<p class="lead">{}</p>', article.lead) if article.lead else "",
        _published_time(article, "j E Y, H:i"),
        format_html(" · {}", section) if section else "",
    )


def card(article) -> SafeString:
    """A teaser in the top block or a section block: a photo (a thumbnail on a phone), the
    headline as the only link, the time and the section."""
    image = _thumbnail(article, sizes=CARD_SIZES, css_class="card-image")
    section = _section_link(article)
    return format_html(
        '<article class="card">{}<div class="card-text"><h3><a href="{}">{}</a></h3><p class="meta">{}{}</p></div>'
        "</article>",
        image,
        article.get_absolute_url(),
        article.title,
        _published_time(article, "j E, H:i"),
        format_html(" · {}", section) if section else "",
    )


def feed_item(article) -> SafeString:
    """A line of the news feed: the time (with the date when it is not today, newsroom time),
    the headline and the section."""
    local = timezone.localtime(article.publish_at)
    today = timezone.localdate()
    pattern = "H:i" if local.date() == today else ("j E, H:i" if local.year == today.year else "j E Y, H:i")
    section = _section_link(article, "feed-section")
    return format_html(
        '<li class="feed-item">{} <a class="feed-title" href="{}">{}</a>{}</li>',
        _published_time(article, pattern),
        article.get_absolute_url(),
        article.title,
        format_html(" {}", section) if section else "",
    )


def most_read_item(article) -> SafeString:
    """A line of a most-read list: the headline and how many read it in the period."""
    views = ngettext("%(counter)s view", "%(counter)s views", article.recent_views) % {
        "counter": number_format(article.recent_views, force_grouping=True)
    }
    return format_html(
        '<li><a href="{}">{}</a> <span class="views">{}</span></li>', article.get_absolute_url(), article.title, views
    )

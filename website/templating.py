"""The Jinja2 environment of the reader-facing pages (templates/jinja2/): the kernel's
(``newsroom.templating``: Django's translations, static files, URLs and dates) with the
pictures' addresses and the messages of this app. Teasers, cards, feed lines and pictures are
macros in templates/jinja2/includes/.

Translations: ``_("...")`` in a template is found by ``make messages``; a message with
placeholders or plural forms is formatted here, in Python, where ``make messages`` finds it
too (it cannot read Jinja2's ``{% trans %}``).
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localdate, localtime
from django.utils.translation import gettext, ngettext
from jinja2 import Environment

from newsroom import numbers, templating
from photos.pictures import picture_attrs


def reading_time(minutes: int) -> str:
    return ngettext("%(minutes)s min read", "%(minutes)s min read", minutes) % {"minutes": minutes}


def feed_time_pattern(moment) -> str:
    """How a line of the news feed dates an article: the time alone today, with the day this
    year, with the year before (in the newsroom's zone)."""
    day, today = localtime(moment).date(), localdate()
    if day == today:
        return "H:i"
    return "j E, H:i" if day.year == today.year else "j E Y, H:i"


def source_credit(source: str, source_url: str) -> SafeString:
    message = gettext('reports <a href="%(source_url)s">%(source)s</a>')
    return mark_safe(message % {"source_url": escape(source_url), "source": escape(source)})  # both escaped


def imprint(publisher) -> str:
    return gettext(
        "%(name)s is registered by: %(authority)s. Mass media registration certificate No. %(number)s issued %(date)s."
    ) % {
        "name": publisher.i18n.name,
        "authority": publisher.i18n.registration_authority,
        "number": publisher.i18n.registration_number,
        "date": templating.date(publisher.registration_date, "j E Y"),
    }


def search_heading(query: str) -> str:
    return gettext("Search: «%(query)s»") % {"query": query}


def search_found(found: int, found_more: bool) -> str:
    if found_more:
        return gettext("The %(count)s newest of many matching articles") % {"count": found}
    return ngettext("%(counter)s article found", "%(counter)s articles found", found) % {"counter": found}


def page_number(number: int) -> str:
    return gettext("Page %(number)s") % {"number": number}


def environment(**options) -> Environment:
    env = templating.environment(**options)
    env.globals.update(
        picture_attrs=picture_attrs,
        feed_time_pattern=feed_time_pattern,
        reading_time=reading_time,
        views=numbers.views,
        source_credit=source_credit,
        imprint=imprint,
        search_heading=search_heading,
        search_found=search_found,
        page_number=page_number,
    )
    return env

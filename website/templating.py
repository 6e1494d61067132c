"""The Jinja2 environment of the reader-facing pages (templates/jinja2/): the kernel's
(``newsroom.templating``: Django's translations, static files, URLs and dates) with the
pictures' addresses, counts' number format and the news feed's date pattern. Teasers, cards,
feed lines, pictures and counts are macros in templates/jinja2/includes/.

Translations: messages live in the templates, ``_("...")`` and ``{% trans %}`` blocks (with
their placeholders and plural forms); ``make messages`` extracts them with Babel's Jinja2
extractor (babel.cfg).
"""

from django.utils.timezone import localdate, localtime
from jinja2 import Environment

from newsroom import numbers, templating
from photos.pictures import picture_attrs


def feed_time_pattern(moment) -> str:
    """How a line of the news feed dates an article: the time alone today, with the day this
    year, with the year before (in the newsroom's zone)."""
    day, today = localtime(moment).date(), localdate()
    if day == today:
        return "H:i"
    return "j E, H:i" if day.year == today.year else "j E Y, H:i"


def environment(**options) -> Environment:
    env = templating.environment(**options)
    env.globals.update(
        picture_attrs=picture_attrs,
        feed_time_pattern=feed_time_pattern,
        grouped=numbers.grouped,
    )
    return env

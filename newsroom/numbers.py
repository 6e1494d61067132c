"""Counts as readers and editors read them: «1 234 просмотра», «1 234 қаралым», «1,234 views»."""

from django.utils.formats import number_format
from django.utils.translation import ngettext


def grouped(number: int) -> str:
    """``number`` with its thousands grouped as the active language writes them: a no-break
    space in Russian and Kazakh (newsroom/formats/kk/), a comma in English."""
    return number_format(number, force_grouping=True)


def views(count: int) -> str:
    """«1 234 просмотра»: a view count with its noun in the right plural form."""
    return ngettext("%(counter)s view", "%(counter)s views", count) % {"counter": grouped(count)}

"""Numbers as readers and editors read them: «1 234» in Russian and Kazakh, «1,234» in English.
Counts with their nouns («1 234 просмотра») are messages in the templates:
templates/jinja2/includes/numbers.html for readers, templates/admin/index.html for the desk."""

from django.utils.formats import number_format


def grouped(number: int) -> str:
    """``number`` with its thousands grouped as the active language writes them: a no-break
    space in Russian and Kazakh (newsroom/formats/kk/), a comma in English."""
    return number_format(number, force_grouping=True)

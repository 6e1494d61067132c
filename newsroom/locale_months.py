"""Month names in the genitive as the date filter's "E" format uses them ("26 қараша 2026").

Django's Kazakh catalogue lacks these (it would print "26 Қараша 2026"); marking them here
puts them in our catalogue, where locale/kk provides them. Nothing imports this module.
"""

from django.utils.translation import pgettext_lazy

MONTHS_GENITIVE = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]

"""Kazakh number formats (Django ships none): a decimal comma and thousands grouped by a
no-break space, as Kazakh is written («1 234,5»). Dates keep the project's own patterns."""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # no-break space
NUMBER_GROUPING = 3

"""``{% load site %}`` for the admin's and the sitemap's Django templates: the ``iso`` filter
and ``views`` («1 234 просмотра»); the public pages' Jinja2 templates have both from
``newsroom.templating`` and ``newsroom.numbers``."""

from django import template

from newsroom import numbers
from newsroom.templating import iso

register = template.Library()
register.filter("iso", iso)
register.filter("views", numbers.views)

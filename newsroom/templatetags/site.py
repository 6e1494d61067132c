"""``{% load site %}`` for the admin's and the sitemap's Django templates: the ``iso`` filter
(the public pages' Jinja2 templates have it from ``newsroom.templating``)."""

from django import template

from newsroom.templating import iso

register = template.Library()
register.filter("iso", iso)

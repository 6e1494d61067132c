"""``{% desk_for user as lists %}``: the admin index's desk (``articles.desk``)."""

from django import template

from articles.desk import desk_for as load_desk

register = template.Library()


@register.simple_tag
def desk_for(user):
    return load_desk(user)

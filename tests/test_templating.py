"""The public pages' Jinja2 helpers (newsroom/templating.py) agree with the Django template
filters and tags they stand in for."""

import datetime as dt

import pytest
from django.template import Context, Template, engines
from django.templatetags.static import static as django_static
from django.test import override_settings
from django.utils.text import Truncator

from newsroom import templating


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Короткий лид",
        "х" * 300,
        "х" * 301,
        "Министр " * 60,
        "Cafe\u0301 " * 80,  # combining accents are not counted as characters
        "e\u0301" * 299,
    ],
)
@pytest.mark.parametrize("length", [200, 300])
def test_truncatechars_is_djangos(text, length):
    assert templating.truncatechars(text, length) == Truncator(text).chars(length)


def test_date_and_iso_are_in_the_newsrooms_zone_as_djangos_filters():
    moment = dt.datetime(2026, 11, 30, 20, 5, tzinfo=dt.UTC)
    django = Template('{% load site %}{{ moment|date:"j E Y, H:i" }}|{{ moment|iso }}').render(
        Context({"moment": moment})
    )
    assert f"{templating.date(moment, 'j E Y, H:i')}|{templating.iso(moment)}" == django
    assert templating.date(None, "j E Y") == "" and templating.iso(None) == ""


def test_static_addresses_follow_the_storage_setting():
    assert templating.static("css/site.css") == django_static("css/site.css")
    with override_settings(STATIC_URL="/elsewhere/"):
        assert templating.static("css/site.css") == django_static("css/site.css")
        assert templating.static("css/site.css").startswith("/elsewhere/")
    assert not templating.static("css/site.css").startswith("/elsewhere/")


@pytest.mark.django_db
def test_a_missing_variable_is_empty_as_in_django_templates(rf):
    template = engines["jinja2"].from_string("[{{ nobody }}|{{ nobody.name.first }}|{% if nobody.x %}x{% endif %}]")
    assert template.render({}, rf.get("/")) == "[||]"

"""The public pages' Jinja2 helpers (newsroom/templating.py) agree with the Django template
filters and tags they stand in for, and every reader's page is rendered by the Jinja2 engine it
names."""

import copy
import datetime as dt
from pathlib import Path

import pytest
from django.template import Context, Template, engines
from django.templatetags.static import static as django_static
from django.test import override_settings
from django.utils.text import Truncator

from articles.models import Article
from newsroom import templating
from tests.factories import ArticleFactory, PersonFactory, PublisherFactory, SectionFactory


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


DECOY_TEMPLATES = Path(__file__).resolve().parent / "data" / "decoy_templates"


@pytest.fixture
def reader_pages():
    """One address of each kind of reader's page: (address, status)."""
    publisher = PublisherFactory()
    section = SectionFactory(slug="politika")
    person = PersonFactory(slug="dina")
    article = ArticleFactory(title="Министр встретился с послом", section=section, source=publisher)
    article.people.set([person])
    ArticleFactory(slug="otozvana", status=Article.Status.WITHDRAWN)
    return [
        ("/", 200),
        ("/news/", 200),
        ("/popular/", 200),
        ("/section/politika/", 200),
        ("/person/dina/", 200),
        ("/search/?q=министр", 200),
        (article.get_absolute_url(), 200),
        ("/kk/", 200),
        ("/no-such-page/", 404),
        ("/news/otozvana/", 410),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("decoys", [False, True], ids=["default-templates", "django-decoys-first"])
def test_every_readers_page_is_rendered_by_jinja2(client, settings, reader_pages, decoys):
    if decoys:  # Django templates of the same names, found first by an engine left to choose
        templates = copy.deepcopy(settings.TEMPLATES)
        templates[0]["DIRS"] = [DECOY_TEMPLATES, *templates[0]["DIRS"]]
        settings.TEMPLATES = templates
    for address, status in reader_pages:
        response = client.get(address)
        html = response.content.decode()
        assert response.status_code == status, address
        assert "DECOY" not in html and '<footer class="site-footer">' in html, address

"""newsroom.addresses.slug_url: the same addresses as Django's reverse(), faster."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils.translation import override

from newsroom.addresses import slug_url, view_url

VIEWS = [
    "articles:detail",
    "articles:section",
    "articles:tag",
    "articles:person",
    "articles:author",
    "articles:country",
    "articles:source",
    "articles:tag_feed_rss",
    "articles:author_feed_atom",
]
SLUGS = ["a", "novost-nomer-1", "zhana_2026", "Upper-Case-9"]


@pytest.mark.parametrize("viewname", VIEWS)
@pytest.mark.parametrize("prefix", ["/", "/newsroom/"])
def test_the_same_as_reverse_in_every_language_and_under_a_script_prefix(viewname, prefix):
    set_script_prefix(prefix)
    try:
        for code, _name in settings.LANGUAGES:
            with override(code):
                for slug in SLUGS:
                    expected = reverse(viewname, kwargs={"slug": slug})
                    assert slug_url(viewname, slug) == expected
                    assert expected.startswith(prefix)
            for slug in SLUGS:
                with override(code):
                    expected = reverse(viewname, kwargs={"slug": slug})
                with override("ru"):
                    assert slug_url(viewname, slug, language=code) == expected
    finally:
        clear_script_prefix()
        set_script_prefix("/")


def test_follows_a_changed_urlconf():
    with override("ru"):
        assert slug_url("articles:tag", "neft") == "/topic/neft/"
        with override_settings(ROOT_URLCONF="tests.urls_moved"):
            assert slug_url("articles:tag", "neft") == "/moved/topic/neft/"
        assert slug_url("articles:tag", "neft") == "/topic/neft/"


@pytest.mark.parametrize("prefix", ["/", "/newsroom/"])
def test_front_pages_are_the_same_as_reverse(prefix):
    set_script_prefix(prefix)
    try:
        for code, _name in settings.LANGUAGES:
            with override(code):
                assert view_url("articles:list") == reverse("articles:list")
                expected = reverse("articles:list")
            assert view_url("articles:list", language=code) == expected
    finally:
        clear_script_prefix()
        set_script_prefix("/")

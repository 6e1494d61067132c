"""newsroom.addresses.reverse_in: an address in a language other than the active one, as
Django's reverse() gives it in that language, under a script prefix and a moved URLconf too."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils.translation import override

from newsroom.addresses import reverse_in


@pytest.mark.parametrize("prefix", ["/", "/newsroom/"])
def test_an_address_in_each_language_under_a_script_prefix(prefix):
    set_script_prefix(prefix)
    try:
        for code, _name in settings.LANGUAGES:
            with override(code):
                expected = reverse("articles:detail", args=["novost-1"])
            with override("ru"):
                assert reverse_in(code, "articles:detail", "novost-1") == expected
            assert expected.startswith(prefix if code == "ru" else f"{prefix}{code}/")
    finally:
        clear_script_prefix()


def test_an_address_follows_the_urlconf():
    with override_settings(ROOT_URLCONF="tests.urls_moved"):
        assert reverse_in("kk", "articles:tag", "neft") == "/moved/topic/neft/"  # no language prefix there
    assert reverse_in("kk", "articles:tag", "neft") == "/kk/topic/neft/"

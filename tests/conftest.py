import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (the publisher and other cached reads)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a per-test folder, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language (a request to /kk/ activates Kazakh)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def subprocess_env(**overrides) -> dict:
    """The environment for a Django process started by a test: this one, minus what only the
    test process needs (the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE) and what the test sets."""
    drop = {"DJANGO_ALLOW_ASYNC_UNSAFE", *overrides}
    return {**{key: value for key, value in os.environ.items() if key not in drop}, **overrides}

"""Fixtures of the partner API's tests: a partner's key and a client that sends it (IPTC's
ninjs schema, ``ninjs_validator``, is in tests/conftest.py)."""

import pytest

from distribution.models import ApiKey


@pytest.fixture
def api_key(db):
    """A partner's key as the partner holds it."""
    return ApiKey.issue("Партнёр")[1]


@pytest.fixture
def partner(client, api_key, settings):
    """A client that sends the partner's key; versions are listed at once (no settle time)."""
    settings.API_SETTLE_SECONDS = 0
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_key}"
    return client

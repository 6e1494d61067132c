"""Fixtures of the partner API's tests: a partner's key, a client that sends it, and IPTC's
ninjs 3.1 schema (tests/data/, with its source and licence)."""

import json
from pathlib import Path

import jsonschema
import pytest

from distribution.models import ApiKey

NINJS_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "ninjs-schema_3.1.json"


@pytest.fixture(scope="session")
def ninjs_validator():
    schema = json.loads(NINJS_SCHEMA.read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


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

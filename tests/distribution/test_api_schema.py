"""The partner API against its own OpenAPI description, with schemathesis: generated requests
(valid and invalid parameters, with and without a key) never get a 5xx, and every answer
conforms to the description. A bounded number of examples per operation keeps it quick."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from articles.models import Article
from distribution.models import ApiKey
from tests.factories import ArticleFactory, PhotoFactory, PublisherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_key(db, settings):
    settings.API_SETTLE_SECONDS = 0
    settings.API_RATE_LIMIT_PER_MINUTE = 10_000
    PublisherFactory()
    ArticleFactory(title="Новость <с> & «знаками»", photo=PhotoFactory(), tags=["Тема"])
    ArticleFactory(title="Вторая", language="kk")
    return ApiKey.issue("Schemathesis")[1]


@pytest.fixture
def connection_kept():
    """Requests go through the WSGI application, whose end closes the database connection (the
    test's own transaction with it); Django's test client switches that off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("label", ["GET /api/v1/items", "GET /api/v1/items/{pk}"])
def test_the_api_conforms_to_its_openapi_description(api_key, connection_kept, label):
    """Generated requests, valid ones and (schemathesis's negative mode) invalid ones: never a
    5xx, every answer as the description says. (schemathesis's pytest plugin does not run on
    pytest 9 yet, so the operation's strategy is driven by hypothesis directly.)"""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operation = schema[label.split()[1]]["GET"]
    seen = set()

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(
        case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
        | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
    )
    def check(case):
        # A well-formed slug of no section or topic is a 400 by design (never an empty page), which
        # the description cannot list: "valid data accepted" is the one check left out.
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {api_key}"}, excluded_checks=[positive_data_acceptance]
        )
        seen.add(response.status_code)

    check()
    if "{pk}" in label:  # generated ids rarely exist: one that does, through the same checks
        existing = operation.Case(path_parameters={"pk": Article.objects.first().pk})
        seen.add(existing.call_and_validate(headers={"Authorization": f"Bearer {api_key}"}).status_code)
    assert 200 in seen and 400 in seen, seen

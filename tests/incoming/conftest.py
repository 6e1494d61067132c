"""Fixtures of the incoming desk's tests: the local fake partner, and sources pointing at it."""

import pytest

from incoming.models import Source
from tests.factories import AgencyFactory
from tests.incoming.fake_partner import KEY, FakePartner


@pytest.fixture
def partner():
    server = FakePartner().start()
    yield server
    server.stop()


@pytest.fixture
def ninjs_source(partner, db):
    """A ninjs API source with its documented defaults (poll every 60 s, no idle alert)."""
    return Source.objects.create(
        name="Kazinform API",
        kind=Source.Kind.NINJS,
        address=f"{partner.base}/api/items",
        credentials=KEY,
        agency=AgencyFactory(short_name="Kazinform"),
    )


@pytest.fixture
def feed_source(partner, db):
    return Source.objects.create(
        name="Лента партнёра",
        kind=Source.Kind.FEED,
        address=f"{partner.base}/feed.xml",
        language="ru",
        agency=AgencyFactory(short_name="Partner"),
    )

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from agencies.models import Agency
from tests.factories import AgencyFactory, PublisherFactory

pytestmark = pytest.mark.django_db


def test_database_allows_exactly_one_publisher():
    PublisherFactory()
    AgencyFactory()  # sources are unlimited
    with pytest.raises(IntegrityError):
        PublisherFactory()


def test_second_publisher_is_a_validation_error_with_a_clear_message():
    PublisherFactory()
    second = PublisherFactory.build(slug="second")
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "Издателем уже отмечено другое агентство" in str(error.value)


def test_publisher_needs_its_registration_for_the_imprint():
    agency = Agency(name="Агентство", short_name="А", is_publisher=True)
    with pytest.raises(ValidationError) as error:
        agency.full_clean()
    assert set(error.value.message_dict) >= {"registration_number", "registration_authority", "registration_date"}


def test_registration_number_keeps_cyrillic_letters():
    publisher = PublisherFactory()
    publisher.refresh_from_db()
    assert publisher.registration_number == "10484-АА"
    assert Agency.objects.publisher() == publisher

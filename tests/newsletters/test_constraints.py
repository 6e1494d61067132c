"""Newsletters' choices are held by the database too, not only by the forms: a value outside
them is refused whatever writes it (a shell, an import, an ``update``)."""

import pytest
from django.db import IntegrityError, transaction

from newsletters.models import Newsletter, Subscriber, Suppression

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "fields", "field", "value"),
    [
        (Newsletter, {"name": "Дайджест", "slug": "digest"}, "language", "de"),
        (Subscriber, {"email": "aigul@example.kz"}, "language", "de"),
        (Subscriber, {"email": "aigul@example.kz"}, "confirm_state", "lost"),
        (Suppression, {"email": "aigul@example.kz"}, "reason", "whim"),
    ],
)
def test_a_value_outside_the_choices_is_refused_by_the_database(model, fields, field, value):
    row = model.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: value})

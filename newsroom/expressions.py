"""Query expressions Django does not ship: ``JSONArrayAgg``, rows aggregated into one JSON array
on PostgreSQL and SQLite alike, so that a page loads an object's related rows in its own query;
and ``instance_from_json``, such a row as a model instance."""

import datetime as dt

from django.db.models import Aggregate, JSONField
from django.utils import timezone


class JSONArrayAgg(Aggregate):
    """The aggregated values as a JSON array (``jsonb_agg`` on PostgreSQL, ``json_group_array``
    on SQLite); with ``JSONObject`` as its argument, one object per row. A group without rows
    gives no array (NULL): callers read it as an empty list."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def instance_from_json(model, row: dict):
    """A ``model`` instance from a JSON object of its fields, as ``JSONArrayAgg`` of a
    ``JSONObject`` loads them ("pk" or field names): each value parsed by its field, datetimes
    aware (SQLite's JSON keeps them in UTC without an offset); fields the row lacks keep their
    defaults, so the instance is for showing, not for saving."""
    values = {}
    for name, value in row.items():
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        value = field.to_python(value)
        if isinstance(value, dt.datetime) and timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
        values[field.attname] = value
    return model(**values)

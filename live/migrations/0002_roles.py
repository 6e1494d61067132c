"""The roles and live coverage: journalists post entries and edit their own; editors also delete
them (live.services holds the finer rules: key events, pinning, the coverage itself)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

POST = ["view_entry", "add_entry", "change_entry", "view_historicalentry"]
GRANTS = {"Journalist": POST, "Editor": [*POST, "delete_entry"]}


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    app_config = apps.get_app_config("live")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    permissions = apps.get_model("auth", "Permission").objects.using(db).filter(content_type__app_label="live")
    for group in apps.get_model("auth", "Group").objects.using(db).filter(name__in=GRANTS):
        group.permissions.add(*permissions.filter(codename__in=GRANTS[group.name]))


def revoke(apps, schema_editor):
    permissions = apps.get_model("auth", "Permission").objects.filter(content_type__app_label="live")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0001_initial"),
        ("articles", "0003_editorial_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

"""The roles and the plan: editors plan and assign (events and assignments, all of it);
journalists see the plan and change assignments, which planning.services narrows to taking
one offered to the desk and moving their own. Both read and write comments and read their
notifications (planning.services and the comments' own rules decide the rest)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TALK = [
    "view_articlecomment",
    "add_articlecomment",
    "change_articlecomment",
    "view_notification",
    "add_notification",
    "view_notificationrecipient",
    "change_notificationrecipient",
    "view_notificationsettings",
    "add_notificationsettings",
    "change_notificationsettings",
]
READ_PLAN = ["view_event", "view_assignment", "change_assignment"]
PLAN = [f"{action}_{model}" for model in ("event", "assignment") for action in ("view", "add", "change", "delete")]
GRANTS = {"Journalist": [*READ_PLAN, *TALK], "Editor": [*PLAN, *TALK]}


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    app_config = apps.get_app_config("planning")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    permissions = apps.get_model("auth", "Permission").objects.using(db).filter(content_type__app_label="planning")
    for group in apps.get_model("auth", "Group").objects.using(db).filter(name__in=GRANTS):
        group.permissions.add(*permissions.filter(codename__in=GRANTS[group.name]))


def revoke(apps, schema_editor):
    permissions = apps.get_model("auth", "Permission").objects.filter(content_type__app_label="planning")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0001_initial"),
        ("articles", "0003_editorial_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

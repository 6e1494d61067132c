"""The roles and the incoming desk: journalists and editors read wire items and take them;
editors also manage the sources and their routing rules (superusers may do everything)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ_AND_TAKE = ["view_item", "take_item", "view_itemversion"]
MANAGE = [
    "view_source",
    "add_source",
    "change_source",
    "delete_source",
    *(f"{action}_routingrule" for action in ("view", "add", "change", "delete")),
]
GRANTS = {"Journalist": READ_AND_TAKE, "Editor": READ_AND_TAKE + MANAGE}


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    app_config = apps.get_app_config("incoming")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    permissions = apps.get_model("auth", "Permission").objects.using(db).filter(content_type__app_label="incoming")
    for group in apps.get_model("auth", "Group").objects.using(db).filter(name__in=GRANTS):
        group.permissions.add(*permissions.filter(codename__in=GRANTS[group.name]))


def revoke(apps, schema_editor):
    permissions = apps.get_model("auth", "Permission").objects.filter(content_type__app_label="incoming")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("incoming", "0002_item_search_index"),
        ("articles", "0003_editorial_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

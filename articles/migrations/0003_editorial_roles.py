"""Create the Journalist and Editor groups with their permissions.

Permissions are normally created after all migrations ran (post_migrate); they are created
here first so that a fresh database gets complete groups in one ``migrate``.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

JOURNALIST = [
    ("articles", "article", ["add", "change", "view"]),
    ("articles", "tag", ["add", "view"]),
    ("articles", "person", ["view"]),
    ("articles", "country", ["view"]),
    ("articles", "section", ["view"]),
    ("agencies", "agency", ["view"]),
]
EDITOR = [
    ("articles", "article", ["add", "change", "delete", "view", "publish"]),
    ("articles", "tag", ["add", "change", "delete", "view"]),
    ("articles", "person", ["add", "change", "delete", "view"]),
    ("articles", "country", ["change", "view"]),
    ("articles", "section", ["add", "change", "delete", "view"]),
    ("agencies", "agency", ["view"]),
    ("agencies", "promoblock", ["add", "change", "delete", "view"]),
]


def create_groups(apps, schema_editor):
    db = schema_editor.connection.alias
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=db)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in (("Journalist", JOURNALIST), ("Editor", EDITOR)):
        group, _ = Group.objects.using(db).get_or_create(name=group_name)
        codenames = [(app_label, f"{action}_{model}") for app_label, model, actions in grants for action in actions]
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.using(db).get(content_type__app_label=app_label, codename=codename)
            )


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(
        name__in=["Journalist", "Editor"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_load_countries"),
        ("agencies", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]

"""The roles of migration 0003 get the photo library: journalists and editors both upload and
describe photos; only editors delete them (a photo an article uses cannot be deleted at all)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Journalist": ["add_photo", "change_photo", "view_photo"],
    "Editor": ["add_photo", "change_photo", "delete_photo", "view_photo"],
}


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    app_config = apps.get_app_config("photos")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.using(db).filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(
            *Permission.objects.using(db).filter(content_type__app_label="photos", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="photos"))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_article_photo"),
        ("photos", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

"""The roles and old addresses: editors keep them (add one by hand, point it elsewhere, delete
it); journalists do not see them."""

from django.db import migrations

from newsroom.roles import editor_permissions

EDITOR = [("legacyredirect", ["view", "add", "change", "delete"])]


class Migration(migrations.Migration):
    dependencies = [
        ("moving", "0001_initial"),
        ("articles", "0003_editorial_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(*editor_permissions("moving", EDITOR))]

"""The roles and partner API keys: editors see the keys and decide which may get embargoed
content (``ApiKey.embargoed_content``); revoking a key stays with superusers (it takes the delete
permission, ``ApiKeyAdmin.has_revoke_permission``)."""

from django.db import migrations

from newsroom.roles import editor_permissions

EDITOR = [("apikey", ["view", "change"])]


class Migration(migrations.Migration):
    dependencies = [
        ("distribution", "0004_apikey_embargoed_content"),
        ("articles", "0003_editorial_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(*editor_permissions("distribution", EDITOR))]

"""The roles and newsletters: editors run them (newsletters, issues and their articles, the
suppressed addresses, all of it) and see the readers and the outbox, where they may send a mail
again (subscribers and deliveries: view and change); journalists do not see them."""

from django.db import migrations

from newsroom.roles import editor_permissions

ALL = ["view", "add", "change", "delete"]
EDITOR = [
    ("newsletter", ALL),
    ("issue", ALL),
    ("issuearticle", ALL),
    ("suppression", ALL),
    ("subscriber", ["view", "change"]),
    ("delivery", ["view", "change"]),
]


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0001_initial"),
        ("articles", "0003_editorial_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(*editor_permissions("newsletters", EDITOR))]

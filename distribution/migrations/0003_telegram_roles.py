"""The roles and Telegram: editors see the channels (never a token) and the posts, and decide
what became of a post in doubt (mark as sent, send again); only superusers set up channels."""

from django.db import migrations

from newsroom.roles import editor_permissions

EDITOR = [
    ("telegramchannel", ["view"]),
    ("telegrampost", ["view", "change"]),
    ("telegramfollowup", ["view"]),
]


class Migration(migrations.Migration):
    dependencies = [
        ("distribution", "0002_telegram"),
        ("articles", "0003_editorial_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(*editor_permissions("distribution", EDITOR))]

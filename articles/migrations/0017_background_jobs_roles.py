"""The roles of migration 0003 and the background jobs: editors see the jobs, the periodic jobs
and the workers, and may retry a failed job; journalists do not see them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = [
    ("backgroundjob", ["view", "retry"]),
    ("periodicjob", ["view"]),
    ("workerheartbeat", ["view"]),
]


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    app_config = apps.get_app_config("jobs")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(db).filter(name="Editor").first()
    if group is None:
        return
    codenames = [f"{action}_{model}" for model, actions in EDITOR for action in actions]
    group.permissions.add(*Permission.objects.using(db).filter(content_type__app_label="jobs", codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Editor"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="jobs"))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_seo_title_and_description"),
        ("jobs", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

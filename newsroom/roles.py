"""Granting an app's permissions to the Editor group from a data migration (the groups
themselves are made by articles/migrations/0003_editorial_roles.py)."""

from django.contrib.auth.management import create_permissions


def editor_permissions(app_label: str, spec: list[tuple[str, list[str]]]):
    """``(grant, revoke)`` for ``migrations.RunPython``: ``spec`` is [(model, [action, ...])],
    e.g. [("telegrampost", ["view", "change"])]."""
    codenames = [f"{action}_{model}" for model, actions in spec for action in actions]

    def grant(apps, schema_editor):
        db = schema_editor.connection.alias
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=db)
        app_config.models_module = None
        group = apps.get_model("auth", "Group").objects.using(db).filter(name="Editor").first()
        if group is not None:
            permissions = apps.get_model("auth", "Permission").objects.using(db)
            group.permissions.add(*permissions.filter(content_type__app_label=app_label, codename__in=codenames))

    def revoke(apps, schema_editor):
        permissions = apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        for group in apps.get_model("auth", "Group").objects.filter(name="Editor"):
            group.permissions.remove(*permissions)

    return grant, revoke

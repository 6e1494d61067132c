from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background work: the worker that runs queued tasks (django.tasks, stored in the database
    by django-tasks-db) and the periodic jobs, and their admin."""

    name = "jobs"
    verbose_name = _("Background jobs")
    default_auto_field = "django.db.models.BigAutoField"

"""Planning and talking: the day's plan (events, assignments), comments on drafts, notifications."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Planning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The comments', inbox's and emails' admin (planning/admin.py is the plan's).
        from planning import admin_talk  # noqa: F401

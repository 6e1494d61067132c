"""Moving in: importing a WordPress archive or a feed, and keeping the old addresses working."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MovingConfig(AppConfig):
    name = "moving"
    verbose_name = _("Moving in")
    default_auto_field = "django.db.models.BigAutoField"

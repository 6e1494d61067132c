"""Live coverage: the entries of a live article (a live blog)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = _("Live coverage")
    default_auto_field = "django.db.models.BigAutoField"

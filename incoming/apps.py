"""What comes in: partners' wires (sources), their items, and taking an item to the desk."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncomingConfig(AppConfig):
    name = "incoming"
    verbose_name = _("Incoming")
    default_auto_field = "django.db.models.BigAutoField"

"""Newsletters by email: subscribers (double opt-in), issues and their sending (RFC 8058)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = _("Newsletters")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from anymail.signals import tracking

        from newsletters.tracking import record_tracking_event

        tracking.connect(record_tracking_event, dispatch_uid="newsletters.tracking")

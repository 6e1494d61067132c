"""Times as the newsroom reads them in a sentence: in its zone (``settings.TIME_ZONE``), with the
zone named, e.g. «05.12.2026 14:00 (Алматы)»."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The zone's name as people say it, in the interface's language; another zone is named by its
# IANA name (``Asia/Tashkent``).
ZONE_NAMES = {"Asia/Almaty": _("Almaty")}


def zone_name() -> str:
    name = timezone.get_default_timezone_name()
    return str(ZONE_NAMES.get(name, name))


def newsroom_time(moment: dt.datetime) -> str:
    """``05.12.2026 14:00``: ``moment`` in the newsroom's zone, as the admin writes times."""
    return timezone.localtime(moment, timezone.get_default_timezone()).strftime("%d.%m.%Y %H:%M")

"""The desk's lists from the incoming desk (``settings.DESK_LISTS``; ``articles.desk``): wire
items a routing rule shows to editors, and sources that fail or have gone quiet."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.desk import DESK_ROWS, DeskList
from articles.services import user_can_publish
from incoming.models import Item, Source

FLAGGED_HOURS = 24


def flagged_items(user) -> DeskList | None:
    """Editors': the newest items of the last day that a rule flagged and nobody has taken."""
    if not user_can_publish(user):
        return None
    since = timezone.now() - dt.timedelta(hours=FLAGGED_HOURS)
    items = list(
        Item.objects.filter(flagged=True, article__isnull=True, received_at__gte=since)
        .select_related("source")
        .only("headline", "urgency", "received_at", "source__name")
        .order_by("-received_at", "-pk")[:DESK_ROWS]
    )
    return DeskList(
        "wire",
        _("Wire items for the editors"),
        items,
        _("No wire item has matched the routing rules today."),
        more_url=reverse("admin:incoming_item_changelist") + "?urgency=flagged&taken=no",
    )


def sources_in_trouble(user) -> DeskList | None:
    """Editors': active sources whose last poll failed, or that have been quiet longer than
    their idle alert. Nothing when every source is well."""
    if not user_can_publish(user):
        return None
    now = timezone.now()
    sources = [
        source
        for source in Source.objects.filter(active=True).only(
            "name", "failures", "last_error", "item_at", "created_at", "idle_alert_minutes", "active"
        )
        if source.failures or source.idle_since(now)
    ]
    if not sources:
        return None
    for source in sources:
        source.trouble = (
            source.last_error
            if source.failures
            else _("no item since %(time)s")
            % {"time": timezone.localtime(source.idle_since(now)).strftime("%d.%m.%Y %H:%M")}
        )
    return DeskList(
        "wire-sources",
        _("Wire sources that need a look"),
        sources[:DESK_ROWS],
        "",
        more_url=reverse("admin:incoming_source_changelist"),
    )

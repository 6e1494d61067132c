"""The admin header's bell (templates/admin/base_site.html): the person's unread notifications,
read only when a page shows it (one cached query: ``planning.notifications.unread_count``)."""

from django.urls import reverse
from django.utils.functional import cached_property

from planning.notifications import UNREAD_CAP, unread_count


class Bell:
    def __init__(self, request):
        self.request = request

    def __bool__(self):
        user = getattr(self.request, "user", None)
        return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)

    @cached_property
    def unread(self) -> int:
        return unread_count(self.request.user)

    @property
    def shown(self) -> str:
        return f"{UNREAD_CAP - 1}+" if self.unread >= UNREAD_CAP else str(self.unread)

    @property
    def url(self) -> str:
        return reverse("admin:planning_notification_changelist")


def inbox(request) -> dict:
    """``inbox``: the bell of ``request``'s person; nothing is read until a template asks."""
    return {"inbox": Bell(request)}

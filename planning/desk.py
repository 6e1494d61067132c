"""The desk's lists from the plan (``settings.DESK_LISTS``; ``articles.desk``): today's budget
for editors, and a journalist's own assignments (today's and those still open)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.desk import DESK_ROWS, DeskList
from planning.models import Assignment
from planning.plan import DONE, assignments, newsroom_day
from planning.services import user_can_plan, user_can_see_plan


def _mark(rows: list[Assignment]) -> list[Assignment]:
    now = timezone.now()
    for row in rows:
        row.overdue = row.due_at < now and row.state_now not in DONE
    return rows


def todays_budget(user) -> DeskList | None:
    """Editors': today's assignments by due time (the budget page has them all, by section)."""
    if not user_can_plan(user):
        return None
    start, end = newsroom_day(timezone.localdate())
    rows = _mark(list(assignments(Assignment.objects.filter(due_at__gte=start, due_at__lt=end))[:DESK_ROWS]))
    return DeskList(
        "assignments",
        _("Today's budget"),
        rows,
        _("Nothing is planned for today."),
        more_url=reverse("admin:planning_budget_changelist"),
    )


def my_assignments(user) -> DeskList | None:
    """A journalist's: their assignments due from today on, and older ones still open, by due
    time; with the desk's offered ones a click away."""
    if user_can_plan(user) or not user_can_see_plan(user):
        return None
    start, _end = newsroom_day(timezone.localdate())
    mine = Assignment.objects.filter(assignees=user).exclude(state=Assignment.State.CANCELLED)
    recent = mine.filter(due_at__gte=start - dt.timedelta(days=7))
    rows = [
        row
        for row in _mark(list(assignments(recent)[: DESK_ROWS * 2]))
        if row.due_at >= start or row.state_now not in DONE
    ]
    return DeskList(
        "assignments",
        _("My assignments"),
        rows[:DESK_ROWS],
        _("No assignments for you. Offered ones are in the day's budget."),
        more_url=reverse("admin:planning_budget_changelist"),
    )

"""The day's plan as the story budget reads it: the events of a day (a repeating event's
occurrences computed for that day, never stored) and the day's assignments grouped by section,
each list in a fixed number of queries whatever its length."""

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.utils import timezone

from planning.models import Assignment, Event

# States after which an assignment is no longer overdue: done, or given up.
DONE = {Assignment.State.FILED, Assignment.PUBLISHED, Assignment.State.CANCELLED}


def newsroom_day(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of ``day`` in newsroom time and the first of the next day (aware)."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def parse_day(value: str | None) -> dt.date | None:
    """``2026-12-05`` as a date; None for anything else (the caller shows today and says so)."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


@dataclass
class Occurrence:
    """One showing of an event on a day: its own start and end (a repeating event's shifted
    to that day, at the same newsroom wall-clock time)."""

    event: Event
    starts_at: dt.datetime
    ends_at: dt.datetime | None

    @property
    def all_day(self) -> bool:
        return is_all_day(self.starts_at, self.ends_at)


def is_all_day(starts_at: dt.datetime, ends_at: dt.datetime | None) -> bool:
    """From newsroom midnight to a later midnight: an all-day event (as calendars import them)."""
    start, end = timezone.localtime(starts_at), ends_at and timezone.localtime(ends_at)
    return start.time() == dt.time.min and bool(end) and end.time() == dt.time.min and end > start


def occurrence_on(event: Event, day: dt.date) -> Occurrence | None:
    """``event`` on ``day`` (newsroom time), or None: a one-off event on the days it spans, a
    daily one every day from its first to ``repeat_until``, a weekly one on its weekday."""
    zone = timezone.get_default_timezone()
    start = timezone.localtime(event.starts_at, zone)
    end = event.ends_at and timezone.localtime(event.ends_at, zone)
    first = start.date()
    if not event.repeat:
        last = end.date() if end and end > start else first
        if is_all_day(start, end):
            last = (end - dt.timedelta(microseconds=1)).date()
        return Occurrence(event, event.starts_at, event.ends_at) if first <= day <= last else None
    if day < first or (event.repeat_until and day > event.repeat_until):
        return None
    if event.repeat == Event.Repeat.WEEKLY and (day - first).days % 7:
        return None
    shift = day - first
    # Wall-clock arithmetic in the zone, so that an offset change keeps the event at its hour.
    starts_at = dt.datetime.combine(day, start.time(), tzinfo=zone)
    ends_at = dt.datetime.combine(end.date() + shift, end.time(), tzinfo=zone) if end else None
    return Occurrence(event, starts_at, ends_at)


def events_on(day: dt.date) -> list[Occurrence]:
    """The events of ``day`` in newsroom time, repeating ones included, by start. One query."""
    start, end = newsroom_day(day)
    candidates = Event.objects.filter(
        Q(starts_at__lt=end, starts_at__gte=start - dt.timedelta(days=31), repeat="")
        | Q(~Q(repeat=""), Q(repeat_until__isnull=True) | Q(repeat_until__gte=day), starts_at__lt=end)
    ).only("title", "starts_at", "ends_at", "place", "repeat", "repeat_until", "ics_uid")
    found = (occurrence_on(event, day) for event in candidates)
    return sorted((o for o in found if o), key=lambda o: (o.starts_at, o.event.pk))


def assignments(queryset=None):
    """Assignments with what a list of them shows, in a fixed number of queries: the section,
    the event and the article (its id and title) joined, the assignees prefetched (with their
    person, for the name), and ``state_now``."""
    users = get_user_model().objects.only("username", "first_name", "last_name").order_by("username")
    queryset = Assignment.objects.all() if queryset is None else queryset
    return (
        queryset.with_state_now()
        .select_related("section", "event", "article")
        .only(
            "slug",
            "language",
            "kind",
            "due_at",
            "state",
            "notes",
            "section__name",
            "event__title",
            "event__starts_at",
            "article__title",
            "article__status",
        )
        .prefetch_related(Prefetch("assignees", queryset=users))
    )


@dataclass
class SectionBudget:
    section: str
    assignments: list[Assignment] = field(default_factory=list)


@dataclass
class DayBudget:
    day: dt.date
    sections: list[SectionBudget]
    events: list[Occurrence]
    count: int


def day_budget(day: dt.date, *, now: dt.datetime | None = None) -> DayBudget:
    """Every assignment due on ``day`` (newsroom time) grouped by section (sections in name
    order, those without one last), each marked ``overdue`` when its due time has passed and
    it is neither filed, published nor cancelled; and the day's events. Four queries."""
    now = now or timezone.now()
    start, end = newsroom_day(day)
    rows = list(assignments(Assignment.objects.filter(due_at__gte=start, due_at__lt=end)))
    for row in rows:
        row.overdue = row.due_at < now and row.state_now not in DONE
    rows.sort(key=lambda row: (row.section is None, row.section.name if row.section else "", row.due_at, row.pk))
    sections = [
        SectionBudget(name, list(group))
        for name, group in groupby(rows, key=lambda row: row.section.name if row.section else "")
    ]
    return DayBudget(day=day, sections=sections, events=events_on(day), count=len(rows))

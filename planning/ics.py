"""Calendars in and out (iCalendar, RFC 5545, through the icalendar library): an organiser's
calendar file read into events (repeating ones expanded in a bounded window by
recurring-ical-events), and the agency's own plan written as a calendar.

Reading is a pure function from bytes to ``CalendarEvent``s, so a bad file is refused before
anything is stored; ``import_calendar`` then writes them in one transaction, keyed by the UID
and the occurrence, so importing the same file again updates instead of doubling.
"""

import datetime as dt
import logging
from dataclasses import dataclass

import icalendar
import recurring_ical_events
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from newsroom.text import plain
from planning.models import Event

log = logging.getLogger(__name__)
UTC = dt.UTC


class CalendarError(ValueError):
    """A file that is not a calendar we can read; the message says why, for the person."""


@dataclass
class CalendarEvent:
    uid: str
    occurrence: dt.datetime | None  # a repeating event's occurrence (RECURRENCE-ID), else None
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    place: str = ""
    description: str = ""
    url: str = ""


def _moment(value, *, end: bool = False) -> dt.datetime:
    """An iCalendar time as an aware datetime: a TZID's or UTC as given, a floating time in
    newsroom time, an all-day date as newsroom midnight."""
    zone = timezone.get_default_timezone()
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=zone)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.min, tzinfo=zone)
    raise CalendarError(_("A date in the file cannot be read."))


def _text(component, name: str, limit: int) -> str:
    value = component.get(name)
    if value is None:
        return ""
    return Truncator(plain(str(value)).strip()).chars(limit)


def check_size(size: int) -> None:
    limit = settings.PLANNING_ICS_MAX_BYTES
    if size > limit:
        raise CalendarError(
            _("The file is %(size)s KB; a calendar may have at most %(limit)s KB.")
            % {"size": -(-size // 1024), "limit": limit // 1024}
        )


def read_calendar(data: bytes, *, today: dt.date | None = None) -> list[CalendarEvent]:
    """The events of an iCalendar file from ``today`` (newsroom time) to
    ``PLANNING_ICS_DAYS`` ahead: every occurrence of a repeating event in that window (an
    RRULE without end included; an occurrence moved by RECURRENCE-ID as moved). Raises
    ``CalendarError`` for a file too large, not a calendar, or malformed."""
    check_size(len(data))
    if not data.lstrip(b"\xef\xbb\xbf \r\n\t").upper().startswith(b"BEGIN:VCALENDAR"):
        raise CalendarError(_("This is not an iCalendar (.ics) file: it does not start with BEGIN:VCALENDAR."))
    today = today or timezone.localdate()
    start = dt.datetime.combine(today, dt.time.min, tzinfo=timezone.get_default_timezone())
    end = start + dt.timedelta(days=settings.PLANNING_ICS_DAYS)
    try:
        calendar = icalendar.Calendar.from_ical(data)
        repeating = {
            str(event.get("UID", ""))
            for event in calendar.walk("VEVENT")
            if event.get("RRULE") or event.get("RDATE") or event.get("RECURRENCE-ID")
        }
        found = []
        for event in recurring_ical_events.of(calendar).between(start, end):
            found.append(_calendar_event(event, repeating))
            if len(found) > settings.PLANNING_ICS_MAX_EVENTS:
                raise CalendarError(
                    _("The calendar has more than %(count)s events in the next %(days)s days; import a smaller one.")
                    % {"count": settings.PLANNING_ICS_MAX_EVENTS, "days": settings.PLANNING_ICS_DAYS}
                )
    except CalendarError:
        raise
    except Exception as error:  # the libraries raise many kinds for a broken file
        log.info("calendar file refused: %r", error)
        raise CalendarError(
            _("The calendar file is damaged and cannot be read: nothing was imported. Export it again.")
        ) from error
    return found


def _calendar_event(event, repeating: set[str]) -> CalendarEvent:
    uid = str(event.get("UID", "")).strip()
    if not uid:
        raise CalendarError(_("An event in the file has no UID."))
    if event.get("DTSTART") is None:
        raise CalendarError(_("The event «%(uid)s» has no start.") % {"uid": uid})
    starts_at = _moment(event.decoded("DTSTART"))
    ends_at = _moment(event.decoded("DTEND")) if event.get("DTEND") is not None else None
    if ends_at is not None and ends_at < starts_at:
        ends_at = None
    occurrence = None
    if uid in repeating and event.get("RECURRENCE-ID") is not None:
        occurrence = _moment(event.decoded("RECURRENCE-ID")).astimezone(UTC)
    url = str(event.get("URL", "")).strip()
    return CalendarEvent(
        uid=uid[:500],
        occurrence=occurrence,
        title=_text(event, "SUMMARY", 300) or _("(untitled)"),
        starts_at=starts_at,
        ends_at=ends_at,
        place=_text(event, "LOCATION", 300),
        description=_text(event, "DESCRIPTION", 10_000),
        url=url if url.startswith(("http://", "https://")) and len(url) <= 2000 else "",
    )


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


def import_calendar(data: bytes, *, by, today: dt.date | None = None) -> ImportResult:
    """Read ``data`` and store its events: all of them or, on any error, none."""
    events = read_calendar(data, today=today)
    result = ImportResult()
    with transaction.atomic():
        for item in events:
            fields = {
                "title": item.title,
                "starts_at": item.starts_at,
                "ends_at": item.ends_at,
                "place": item.place,
                "description": item.description,
                "url": item.url,
            }
            existing = Event.objects.filter(ics_uid=item.uid, ics_occurrence=item.occurrence).first()
            if existing is None:
                Event.objects.create(ics_uid=item.uid, ics_occurrence=item.occurrence, created_by=by, **fields)
                result.created += 1
            else:
                for name, value in fields.items():
                    setattr(existing, name, value)
                existing.save()
                result.updated += 1
    return result


# -- The agency's own plan, as a calendar ----------------------------------------------------


def event_uid(event: Event) -> str:
    return event.ics_uid or f"event-{event.pk}@{settings.PLANNING_ICS_DOMAIN}"


def export_calendar(events, *, name: str) -> bytes:
    """``events`` as an iCalendar file: one VEVENT each (a repeating one with its RRULE), times
    with the newsroom's TZID and its VTIMEZONE."""
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//Newsroom CMS//Planning//EN")
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("X-WR-CALNAME", name)
    zone = timezone.get_default_timezone()
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    for event in events:
        component = icalendar.Event()
        component.add("UID", event_uid(event))
        component.add("DTSTAMP", stamp)
        starts_at = timezone.localtime(event.starts_at, zone).replace(microsecond=0)
        component.add("DTSTART", starts_at)
        component.add("DTEND", timezone.localtime(event.ends_at or event.starts_at, zone).replace(microsecond=0))
        component.add("SUMMARY", event.title)
        if event.place:
            component.add("LOCATION", event.place)
        description = "\n\n".join(part for part in (event.description, event.contacts) if part)
        if description:
            component.add("DESCRIPTION", description)
        if event.url:
            component.add("URL", event.url)
        if event.repeat:
            rule = {"FREQ": "DAILY" if event.repeat == Event.Repeat.DAILY else "WEEKLY"}
            if event.repeat_until:
                last = dt.datetime.combine(event.repeat_until, dt.time(23, 59, 59), tzinfo=zone)
                rule["UNTIL"] = last.astimezone(UTC)
            component.add("RRULE", rule)
        calendar.add_component(component)
    calendar.add_missing_timezones()
    return calendar.to_ical()

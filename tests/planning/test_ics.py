"""Calendars in and out: an organiser's file imported (TZID, UTC, floating and all-day times;
repeating events expanded in a bounded window, an RRULE without end included; a second import
updates instead of doubling), bad files refused whole with a clear message, and the agency's
plan exported as valid iCalendar that reads back the same."""

import datetime as dt
from pathlib import Path

import icalendar
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from planning import ics
from planning.models import Event

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[1] / "data" / "planning"
ALMATY = dt.timezone(dt.timedelta(hours=5))
# The organiser's file is for March 2026; the tests stand on the Monday before its events.
NOW = dt.datetime(2026, 3, 9, 9, 0, tzinfo=ALMATY)
TODAY = NOW.date()


def russian(message, **params) -> str:
    with translation.override("ru"):
        return gettext(message) % params if params else gettext(message)


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(NOW, tick=False):
        yield


def test_times_with_tzid_utc_and_floating_are_read_in_their_zones(editor):
    ics.import_calendar(sample("organiser.ics"), by=editor)
    events = {event.title: event for event in Event.objects.all()}
    assert events["Брифинг министра культуры и информации"].starts_at == dt.datetime(2026, 3, 10, 11, tzinfo=ALMATY)
    # 09:00 UTC is 14:00 in Almaty.
    conference = events["Пресс-конференция «Қазақстан — 2026»: итоги года культуры"]
    assert conference.starts_at == dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
    # A floating time is taken as newsroom time.
    assert events["Встреча с послом Азербайджана"].starts_at == dt.datetime(2026, 3, 11, 10, tzinfo=ALMATY)


def test_an_imported_event_keeps_its_place_description_link_and_uid(editor):
    ics.import_calendar(sample("organiser.ics"), by=editor)
    briefing = Event.objects.get(ics_uid="5k2ab9c0d1e2f3g4h5i6j7k8l9@google.com")
    assert briefing.place == "Астана, Дом министерств, 15 подъезд, конференц-зал"
    assert "press@mci.gov.kz, +7 7172 74 00 00" in briefing.description
    assert briefing.url == "https://www.gov.kz/memleket/entities/qogam/press/news"
    assert briefing.ics_occurrence is None
    assert briefing.created_by == editor


def test_a_weekly_event_becomes_its_occurrences_with_the_moved_one_moved_and_the_excluded_left_out(editor):
    ics.import_calendar(sample("organiser.ics"), by=editor)
    weekly = Event.objects.filter(ics_uid="weekly-sck@mci.gov.kz").order_by("starts_at")
    starts = [timezone.localtime(event.starts_at).strftime("%d %H:%M") for event in weekly]
    # From today on: the 3rd is past, the 17th excluded (EXDATE), the 24th moved to 17:00.
    assert starts == ["10 15:00", "24 17:00", "31 15:00"]
    assert weekly[1].title == "Брифинг в СЦК (перенесён)"
    assert weekly[1].ics_occurrence == dt.datetime(2026, 3, 24, 15, tzinfo=ALMATY)


def test_a_rule_without_end_is_imported_for_the_window_only(editor, settings):
    settings.PLANNING_ICS_DAYS = 30
    ics.import_calendar(sample("recurring-no-end.ics"), by=editor)
    days = sorted(timezone.localtime(e.starts_at).date() for e in Event.objects.all())
    assert days == [TODAY + dt.timedelta(days=n) for n in range(30)]


def test_an_all_day_event_runs_from_newsroom_midnight_to_midnight(editor):
    ics.import_calendar(sample("all-day.ics"), by=editor)
    nauryz = Event.objects.get()
    assert nauryz.starts_at == dt.datetime(2026, 3, 21, tzinfo=ALMATY)
    assert nauryz.ends_at == dt.datetime(2026, 3, 22, tzinfo=ALMATY)


def test_importing_the_same_file_again_updates_instead_of_doubling(editor):
    first = ics.import_calendar(sample("organiser.ics"), by=editor)
    count = Event.objects.count()
    Event.objects.filter(ics_uid="weekly-sck@mci.gov.kz").update(title="старое")
    again = ics.import_calendar(sample("organiser.ics"), by=editor)
    assert (first.created, again.created, again.updated) == (count, 0, count)
    assert Event.objects.count() == count
    assert not Event.objects.filter(title="старое").exists()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (sample("malformed.ics"), "damaged"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "not an iCalendar"),
        (b"", "not an iCalendar"),
        ("Повестка дня: брифинг в 11:00".encode(), "not an iCalendar"),
    ],
    ids=["malformed", "png", "empty", "text"],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_is_imported(editor, data, says):
    with translation.override("en"), pytest.raises(ics.CalendarError, match=says):
        ics.import_calendar(data, by=editor)
    assert not Event.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(editor, settings):
    settings.PLANNING_ICS_MAX_BYTES = 1024
    with translation.override("en"), pytest.raises(ics.CalendarError, match="at most 1 KB"):
        ics.import_calendar(sample("organiser.ics"), by=editor)
    assert not Event.objects.exists()


def test_a_file_with_one_bad_event_among_good_ones_imports_nothing(editor):
    good = sample("organiser.ics").replace(b"END:VCALENDAR", b"")
    broken = good + b"BEGIN:VEVENT\r\nSUMMARY:no uid\r\nDTSTART:20260312T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    with translation.override("en"), pytest.raises(ics.CalendarError, match="no UID"):
        ics.import_calendar(broken, by=editor)
    assert not Event.objects.exists()


# -- Through the admin -----------------------------------------------------------------------------


def upload(client, data: bytes, name="calendar.ics"):
    return client.post(
        reverse("admin:planning_event_import"), {"file": SimpleUploadedFile(name, data, "text/calendar")}, follow=True
    )


def test_an_editor_imports_a_calendar_through_the_admin(client, editor):
    client.force_login(editor)
    response = upload(client, sample("organiser.ics"))
    assert response.redirect_chain[-1][0] == reverse("admin:planning_event_changelist")
    messages = [str(m) for m in response.context["messages"]]
    assert any("6" in message for message in messages), messages
    assert Event.objects.count() == 6


def test_a_malformed_upload_is_a_form_error_and_imports_nothing(client, editor):
    client.force_login(editor)
    response = upload(client, sample("malformed.ics"))
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert russian("The calendar was not imported; nothing was changed.") in response.content.decode()
    assert not Event.objects.exists()


def test_an_upload_over_the_limit_is_a_form_error(client, editor, settings):
    settings.PLANNING_ICS_MAX_BYTES = 2048
    client.force_login(editor)
    response = upload(client, sample("organiser.ics") * 3)
    limit = russian("The file is %(size)s KB; a calendar may have at most %(limit)s KB.", size=8, limit=2)
    assert response.context["form"].errors["file"] == [limit]


def test_a_journalist_may_not_import(client, journalist):
    client.force_login(journalist)
    assert client.get(reverse("admin:planning_event_import")).status_code == 403
    assert upload(client, sample("organiser.ics")).status_code == 403
    assert not Event.objects.exists()


# -- Export --------------------------------------------------------------------------------------


def own_events():
    briefing = Event.objects.create(
        title="Брифинг «Қазақстан» в агентстве",
        starts_at=dt.datetime(2026, 3, 10, 11, tzinfo=ALMATY),
        ends_at=dt.datetime(2026, 3, 10, 12, tzinfo=ALMATY),
        place="Пресс-центр, 3 этаж",
        description="Итоги квартала; вопросы, ответы",
        contacts="+7 727 000 00 00",
        url="https://dknews.kz/press",
    )
    weekly = Event.objects.create(
        title="Планёрка",
        starts_at=dt.datetime(2026, 3, 9, 10, tzinfo=ALMATY),
        ends_at=dt.datetime(2026, 3, 9, 10, 30, tzinfo=ALMATY),
        repeat=Event.Repeat.WEEKLY,
        repeat_until=dt.date(2026, 4, 27),
    )
    return briefing, weekly


def test_the_plan_exports_as_valid_icalendar_with_every_field(client, editor):
    briefing, weekly = own_events()
    Event.objects.create(title="Из календаря", starts_at=NOW, ics_uid="imported@x")
    client.force_login(editor)
    response = client.get(reverse("admin:planning_event_export"))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {briefing.title, weekly.title}  # the agency's own, not the imported
    exported = events[briefing.title]
    for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "URL"):
        assert name in exported, name
    assert exported.decoded("DTSTART") == briefing.starts_at
    assert str(exported["DTSTART"].params["TZID"]) == "Asia/Almaty"
    assert calendar.walk("VTIMEZONE")
    rule = events[weekly.title]["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["UNTIL"][0].date() >= weekly.repeat_until - dt.timedelta(days=1)


def test_the_export_reads_back_as_the_same_events(editor):
    briefing, weekly = own_events()
    data = ics.export_calendar(Event.objects.all(), name="План")
    back = {item.title: item for item in ics.read_calendar(data)}
    again = back[briefing.title]
    assert (again.starts_at, again.ends_at, again.place, again.url) == (
        briefing.starts_at,
        briefing.ends_at,
        briefing.place,
        briefing.url,
    )
    assert briefing.description in again.description and briefing.contacts in again.description
    weekly_back = [item for item in ics.read_calendar(data) if item.title == weekly.title]
    # Weekly from the 9th to the 27th of April, read back from today: the 9th March to 27th April.
    assert len(weekly_back) == 8
    assert all(timezone.localtime(item.starts_at).weekday() == 0 for item in weekly_back)


def test_the_export_is_for_staff_only(client):
    response = client.get(reverse("admin:planning_event_export"))
    assert response.status_code == 302 and "/login/" in response["Location"]

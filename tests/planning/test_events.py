"""Events: typed in newsroom time, repeating daily or weekly until a date (their occurrences
computed for the day asked, never stored), and who may plan them in the admin."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from planning.models import Event
from planning.plan import events_on, occurrence_on

pytestmark = pytest.mark.django_db
ALMATY = dt.timezone(dt.timedelta(hours=5))
MONDAY = dt.date(2026, 3, 9)


def event(**fields) -> Event:
    fields.setdefault("title", "Брифинг министра")
    fields.setdefault("starts_at", dt.datetime(2026, 3, 9, 11, 0, tzinfo=ALMATY))
    return Event.objects.create(**fields)


def test_a_one_off_event_is_on_its_day_only():
    briefing = event(ends_at=dt.datetime(2026, 3, 9, 12, 0, tzinfo=ALMATY))
    assert occurrence_on(briefing, MONDAY).starts_at == briefing.starts_at
    assert occurrence_on(briefing, MONDAY + dt.timedelta(days=1)) is None
    assert occurrence_on(briefing, MONDAY - dt.timedelta(days=1)) is None


def test_an_event_late_in_the_evening_belongs_to_its_newsroom_day():
    # 23:30 in Almaty is 18:30 UTC: the same day either way; 00:30 is the previous day in UTC.
    late = event(starts_at=dt.datetime(2026, 3, 10, 0, 30, tzinfo=ALMATY))
    assert [o.event for o in events_on(MONDAY + dt.timedelta(days=1))] == [late]
    assert events_on(MONDAY) == []


def test_a_daily_event_occurs_every_day_until_its_last_day_at_the_same_hour():
    daily = event(repeat=Event.Repeat.DAILY, repeat_until=MONDAY + dt.timedelta(days=3))
    days = [MONDAY + dt.timedelta(days=n) for n in range(-1, 6)]
    found = [day for day in days if occurrence_on(daily, day)]
    assert found == [MONDAY + dt.timedelta(days=n) for n in range(4)]
    later = occurrence_on(daily, MONDAY + dt.timedelta(days=2))
    assert timezone.localtime(later.starts_at).time() == dt.time(11, 0)
    assert Event.objects.count() == 1  # nothing stored per occurrence


def test_a_weekly_event_without_end_occurs_on_its_weekday_from_its_first_day():
    weekly = event(repeat=Event.Repeat.WEEKLY, ends_at=dt.datetime(2026, 3, 9, 12, 30, tzinfo=ALMATY))
    in_a_year = MONDAY + dt.timedelta(weeks=52)
    occurrence = occurrence_on(weekly, in_a_year)
    assert timezone.localtime(occurrence.starts_at).replace(tzinfo=None) == dt.datetime.combine(in_a_year, dt.time(11))
    assert timezone.localtime(occurrence.ends_at).time() == dt.time(12, 30)
    assert occurrence_on(weekly, in_a_year + dt.timedelta(days=1)) is None
    assert occurrence_on(weekly, MONDAY - dt.timedelta(weeks=1)) is None


def test_the_days_events_list_repeating_ones_and_one_offs_by_time(django_assert_num_queries):
    event(title="Курс тенге", starts_at=dt.datetime(2026, 3, 1, 15, 30, tzinfo=ALMATY), repeat=Event.Repeat.DAILY)
    event(title="Брифинг", starts_at=dt.datetime(2026, 3, 9, 11, 0, tzinfo=ALMATY))
    event(title="Вчерашнее", starts_at=dt.datetime(2026, 3, 8, 11, 0, tzinfo=ALMATY))
    event(
        title="Закончилось",
        starts_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=ALMATY),
        repeat=Event.Repeat.DAILY,
        repeat_until=dt.date(2026, 3, 5),
    )
    with django_assert_num_queries(1):
        titles = [o.event.title for o in events_on(MONDAY)]
    assert titles == ["Брифинг", "Курс тенге"]


def test_an_all_day_event_is_on_its_day_and_not_the_next():
    nauryz = event(starts_at=dt.datetime(2026, 3, 21, tzinfo=ALMATY), ends_at=dt.datetime(2026, 3, 22, tzinfo=ALMATY))
    assert occurrence_on(nauryz, dt.date(2026, 3, 21)).all_day
    assert occurrence_on(nauryz, dt.date(2026, 3, 22)) is None


# -- The admin ---------------------------------------------------------------------------------


def event_form(**fields) -> dict:
    data = {
        "title": "Саммит ШОС",
        "starts_at_0": "10.03.2026",
        "starts_at_1": "10:00",
        "ends_at_0": "10.03.2026",
        "ends_at_1": "18:00",
        "place": "Астана",
        "description": "",
        "contacts": "",
        "url": "",
        "repeat": "",
        "repeat_until": "",
    }
    return {**data, **fields}


@time_machine.travel(dt.datetime(2026, 3, 9, 9, 0, tzinfo=ALMATY), tick=False)
def test_an_editor_adds_an_event_in_newsroom_time(client, editor):
    client.force_login(editor)
    response = client.post(reverse("admin:planning_event_add"), event_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    summit = Event.objects.get()
    assert summit.starts_at == dt.datetime(2026, 3, 10, 10, 0, tzinfo=ALMATY)
    assert summit.created_by == editor
    page = client.get(reverse("admin:planning_event_add")).content.decode()
    assert "Asia/Almaty" in page


def test_an_event_that_ends_before_it_starts_is_a_form_error_keeping_the_text(client, editor):
    client.force_login(editor)
    response = client.post(reverse("admin:planning_event_add"), event_form(ends_at_1="08:00"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["ends_at"]
    assert "Саммит ШОС" in response.content.decode()
    assert not Event.objects.exists()


def test_a_repeat_end_without_a_repeat_is_a_form_error(client, editor):
    client.force_login(editor)
    response = client.post(reverse("admin:planning_event_add"), event_form(repeat_until="20.03.2026"))
    assert response.context["adminform"].form.errors["repeat_until"]


def test_a_journalist_sees_events_but_cannot_add_or_change_them(client, journalist):
    briefing = event()
    client.force_login(journalist)
    assert client.get(reverse("admin:planning_event_changelist")).status_code == 200
    assert client.get(reverse("admin:planning_event_add")).status_code == 403
    response = client.post(reverse("admin:planning_event_change", args=[briefing.pk]), event_form())
    assert response.status_code == 403
    assert Event.objects.get().title == "Брифинг министра"

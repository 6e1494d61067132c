"""The story budget: one admin page per day (today in newsroom time by default; a bad date says
so and shows today), the day's assignments grouped by section with assignees, due times and
states (published when the article is), overdue ones in red, the day's events, print-friendly,
at a fixed number of queries however many assignments."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from articles.services import article_publish
from planning import services
from planning.models import Event
from planning.plan import day_budget
from tests.factories import SectionFactory

pytestmark = pytest.mark.django_db
ALMATY = dt.timezone(dt.timedelta(hours=5))
# 00:30 in Almaty is still the previous day in UTC: "today" must be the newsroom's.
NOW = dt.datetime(2026, 3, 10, 0, 30, tzinfo=ALMATY)
TODAY = NOW.date()
BUDGET = reverse("admin:planning_budget_changelist")


@pytest.fixture(autouse=True)
def _night():
    with time_machine.travel(NOW, tick=False):
        yield


def at(hour: int, minute: int = 0, day: dt.date = TODAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ALMATY)


def page(client, query: str = "") -> str:
    response = client.get(BUDGET + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_budget_is_todays_in_newsroom_time_by_default(client, editor, assignment):
    assignment(slug="сегодня", due_at=at(12))
    assignment(slug="вчера", due_at=at(12, day=TODAY - dt.timedelta(days=1)))
    client.force_login(editor)
    html = page(client)
    assert "сегодня" in html and "вчера" not in html
    assert f"?date={TODAY - dt.timedelta(days=1):%Y-%m-%d}" in html
    assert f"?date={TODAY + dt.timedelta(days=1):%Y-%m-%d}" in html


def test_a_date_in_the_address_shows_that_day(client, journalist, assignment):
    tomorrow = TODAY + dt.timedelta(days=1)
    assignment(slug="завтрашнее", due_at=at(10, day=tomorrow))
    client.force_login(journalist)
    assert "завтрашнее" in page(client, f"?date={tomorrow:%Y-%m-%d}")
    assert "завтрашнее" not in page(client)


@pytest.mark.parametrize("bad", ["2026-13-45", "вчера", "0001-01-01", "9999-12-31", "2026-03-10'--"])
def test_a_bad_date_says_so_and_shows_today(client, editor, assignment, bad):
    assignment(slug="сегодня", due_at=at(12))
    client.force_login(editor)
    html = page(client, f"?date={bad}")
    assert 'class="notice-danger"' in html and "сегодня" in html


def test_assignments_are_grouped_by_section_with_assignees_due_time_and_state(client, editor, journalist, assignment):
    politics = SectionFactory(name="Политика")
    assignment(slug="ставка", due_at=at(16), assignees=[journalist])
    assignment(slug="саммит", due_at=at(11), section=politics, kind="photo")
    assignment(slug="без-раздела", due_at=at(9), section=None)
    client.force_login(editor)
    html = page(client)
    assert html.index("Политика") < html.index("саммит") < html.index("Экономика") < html.index("ставка")
    assert html.index("ставка") < html.index("без-раздела")
    assert "Дина Сейтказы" in html and "16:00" in html
    budget = day_budget(TODAY)
    assert [s.section for s in budget.sections] == ["Политика", "Экономика", ""]


def test_overdue_assignments_are_marked_and_done_ones_are_not(editor, assignment):
    with time_machine.travel(at(13), tick=False):
        assignment(slug="просрочено", due_at=at(12))
        assignment(slug="сдано", due_at=at(12), state="filed")
        assignment(slug="отменено", due_at=at(12), state="cancelled")
        assignment(slug="ещё-рано", due_at=at(14))
        rows = {row.slug: row.overdue for section in day_budget(TODAY).sections for row in section.assignments}
    assert rows == {"просрочено": True, "сдано": False, "отменено": False, "ещё-рано": False}


def test_an_overdue_row_is_red_on_the_page(client, editor, assignment):
    with time_machine.travel(at(13), tick=False):
        assignment(slug="просрочено", due_at=at(12))
        client.force_login(editor)
        html = page(client)
    assert 'class="budget-row budget-overdue"' in html


def test_an_assignment_whose_article_is_published_shows_as_published(client, editor, journalist, assignment):
    mine = assignment(due_at=at(12), assignees=[journalist])
    article = services.assignment_start_article(assignment=mine, by=journalist)
    article_publish(article=article, by=editor)
    client.force_login(editor)
    html = page(client)
    assert "budget-state-published" in html
    assert [row.state_now for row in day_budget(TODAY).sections[0].assignments] == ["published"]


def test_the_days_events_are_listed_with_repeating_ones(client, editor):
    Event.objects.create(title="Курс тенге", starts_at=at(15, 30, TODAY - dt.timedelta(days=5)), repeat="daily")
    Event.objects.create(title="Брифинг министра", starts_at=at(11))
    client.force_login(editor)
    html = page(client)
    assert html.index("Брифинг министра") < html.index("Курс тенге")


def test_the_page_is_print_friendly(client, editor):
    client.force_login(editor)
    html = page(client)
    assert "newsroom/planning" in html and ".css" in html
    from django.contrib.staticfiles import finders

    css = open(finders.find("newsroom/planning.css"), encoding="utf-8").read()
    assert "@media print" in css and "#header" in css


def test_a_journalist_sees_take_on_offered_ones_and_start_on_their_own(client, journalist, colleague, assignment):
    offered = assignment(slug="свободное", due_at=at(12))
    mine = assignment(slug="моё", due_at=at(13), assignees=[journalist])
    theirs = assignment(slug="чужое", due_at=at(14), assignees=[colleague])
    client.force_login(journalist)
    html = page(client)
    assert reverse("admin:planning_assignment_take", args=[offered.pk]) in html
    assert reverse("admin:planning_assignment_start", args=[mine.pk]) in html
    assert reverse("admin:planning_assignment_take", args=[theirs.pk]) not in html
    assert reverse("admin:planning_assignment_start", args=[theirs.pk]) not in html


def test_the_budget_is_for_those_who_may_see_the_plan(client, django_user_model):
    assert client.get(BUDGET).status_code == 302
    client.force_login(django_user_model.objects.create_user("guest", is_staff=True))
    assert client.get(BUDGET).status_code == 403


def test_the_budget_costs_the_same_queries_for_3_and_60_assignments(
    client, editor, journalist, colleague, assignment, django_assert_max_num_queries
):
    sections = [SectionFactory(name=f"Раздел {n}") for n in range(6)]
    event = Event.objects.create(title="Саммит", starts_at=at(10))

    def fill(count):
        for n in range(count):
            made = assignment(
                slug=f"история-{count}-{n}",
                due_at=at(8 + n % 14, n % 60),
                section=sections[n % 6],
                event=event if n % 3 else None,
                assignees=[journalist, colleague][: n % 3],
            )
            if n % 5 == 0:
                services.assignment_start_article(assignment=made, by=editor)

    fill(3)
    client.force_login(journalist)
    with django_assert_max_num_queries(12) as few:
        page(client)
    fill(57)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page(client)
    assert html.count('class="budget-row') == 60


def test_the_title_names_the_day(client, editor):
    client.force_login(editor)
    html = page(client)
    with translation.override("ru"):
        assert gettext("Story budget for %(day)s").split("%")[0] in html

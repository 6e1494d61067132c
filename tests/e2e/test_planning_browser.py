"""The day's plan in Chromium, on production static files (gunicorn, DEBUG=0): an editor plans
tomorrow (an organiser's calendar imported, two events typed, three assignments, one offered to
the desk), reads the story budget; a journalist starts the article of their assignment and lands
on the pre-filled draft; the budget fits a phone. Screenshots at 1280 and 375 px
(/tmp/planning-*.png and tests/e2e/screenshots/)."""

import datetime as dt
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article
from planning.models import Assignment, Event
from tests.e2e.conftest import log_in, open_page, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    path = screenshot(page, f"planning-{name}")
    shutil.copy(path, f"/tmp/planning-{name}.png")


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def organiser_calendar(day: dt.date) -> bytes:
    stamp = f"{day:%Y%m%d}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "BEGIN:VEVENT",
        "UID:e2e-briefing@mci.gov.kz",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART;TZID=Asia/Almaty:{stamp}T110000",
        f"DTEND;TZID=Asia/Almaty:{stamp}T120000",
        "SUMMARY:Брифинг министра культуры и информации",
        "LOCATION:Астана\\, Дом министерств",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def add_event(page, server, title: str, day: dt.date, start: str, end: str, place: str) -> None:
    page.goto(f"{server.url}/admin/planning/event/add/")
    page.fill("#id_title", title)
    page.fill("#id_starts_at_0", f"{day:%d.%m.%Y}")
    page.fill("#id_starts_at_1", start)
    page.fill("#id_ends_at_0", f"{day:%d.%m.%Y}")
    page.fill("#id_ends_at_1", end)
    page.fill("#id_place", place)
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")


def add_assignment(page, server, slug: str, day: dt.date, due: str, section: str, assignee=None, event="") -> None:
    page.goto(f"{server.url}/admin/planning/assignment/add/")
    page.fill("#id_slug", slug)
    page.select_option("#id_section", label=section)
    page.fill("#id_due_at_0", f"{day:%d.%m.%Y}")
    page.fill("#id_due_at_1", due)
    if assignee is not None:
        page.check(f"input[name=assignees][value='{assignee.pk}']")
    if event:
        page.select_option("#id_event", label=event)
    page.fill("#id_notes", "Цитаты министра — в лид; «Қазақстан» в заголовке не склонять.")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")


def test_an_editor_plans_tomorrow_and_a_journalist_starts_an_article(browser, page, site_server, demo_site, tmp_path):
    day = tomorrow()
    journalist = get_user_model().objects.get(username="journalist")
    log_in(page, site_server, "editor", "editor-demo-pass")

    # An organiser's calendar.
    calendar = tmp_path / "mci.ics"
    calendar.write_bytes(organiser_calendar(day))
    page.goto(f"{site_server.url}/admin/planning/event/import/")
    page.set_input_files("#id_file", str(calendar))
    page.click("input[type=submit][value]")
    page.wait_for_selector(".messagelist .success")
    assert Event.objects.filter(ics_uid="e2e-briefing@mci.gov.kz").count() == 1

    # Two events typed in, three assignments.
    add_event(page, site_server, "Решение Нацбанка по базовой ставке", day, "15:00", "15:30", "Нацбанк, Алматы")
    add_event(page, site_server, "Саммит ШОС: пресс-подход", day, "17:00", "17:30", "Дворец независимости")
    add_assignment(
        page, site_server, "итоги-минкультуры", day, "13:00", "Культура", journalist,
        "Брифинг министра культуры и информации",
    )  # fmt: skip
    add_assignment(page, site_server, "нацбанк-ставка", day, "15:30", "Экономика", journalist)
    add_assignment(page, site_server, "саммит-фото", day, "18:00", "Политика")
    assert Assignment.objects.filter(due_at__date__gte=day - dt.timedelta(days=1)).count() >= 3

    page.goto(f"{site_server.url}/admin/planning/budget/?date={day:%Y-%m-%d}")
    page.wait_for_selector(".budget-section")
    events = page.inner_text(".budget-events")
    for title in ("Брифинг министра", "Решение Нацбанка", "Саммит ШОС", "Официальный курс тенге"):
        assert title in events  # the demo's daily rate event repeats tomorrow too
    assert page.locator(".budget-row").count() == 3
    shot(page, "budget-editor-1280")

    # The journalist starts the article of the first assignment from the budget.
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    reporter = context.new_page()
    log_in(reporter, site_server, "journalist", "journalist-demo-pass")
    reporter.goto(f"{site_server.url}/admin/planning/budget/?date={day:%Y-%m-%d}")
    reporter.wait_for_selector(".budget-section")
    shot(reporter, "budget-journalist-1280")
    assignment = Assignment.objects.get(slug="итоги-минкультуры")
    reporter.click(f"button[formaction$='/{assignment.pk}/start/']")
    reporter.wait_for_selector("#id_title")
    assignment.refresh_from_db()
    article = Article.objects.get(pk=assignment.article_id)
    assert reporter.url.endswith(f"/admin/articles/article/{article.pk}/change/")
    assert reporter.input_value("#id_title") == "Итоги минкультуры"
    assert reporter.is_visible(".notice-info")
    assert assignment.state == Assignment.State.IN_PROGRESS
    shot(reporter, "article-started-1280")
    context.close()


@pytest.fixture
def phone(browser):
    yield from open_page(browser, viewport={"width": 375, "height": 800})


def test_the_budget_fits_a_phone(phone, site_server, demo_site):
    page = phone
    log_in(page, site_server, "journalist", "journalist-demo-pass")
    page.goto(f"{site_server.url}/admin/planning/budget/")
    page.wait_for_selector(".budget-section")
    shot(page, "budget-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assignment = Assignment.objects.filter(assignees__username="journalist").first()
    page.goto(f"{site_server.url}/admin/planning/assignment/{assignment.pk}/change/")
    page.wait_for_selector(".assignment-actions")
    shot(page, "assignment-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

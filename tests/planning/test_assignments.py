"""Assignments: editors plan and assign (a past due time or an assignee without access is a
clear form error keeping the text; the assigned are notified), journalists take what is offered
to the desk and move their own; Start the article pre-fills and links a draft, and publishing
that article shows the assignment published by itself."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from articles.models import Article
from articles.services import article_publish
from planning import services
from planning.models import Assignment, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ALMATY = dt.timezone(dt.timedelta(hours=5))
NOW = dt.datetime(2026, 3, 9, 9, 0, tzinfo=ALMATY)


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(NOW, tick=False):
        yield


def form(section, *assignees, **fields) -> dict:
    data = {
        "slug": "нацбанк-ставка",
        "section": section.pk,
        "language": "ru",
        "kind": "text",
        "due_at_0": "09.03.2026",
        "due_at_1": "16:00",
        "assignees": [user.pk for user in assignees],
        "notes": "Решение по базовой ставке в 15:00, комментарий аналитика «Халык Финанс».",
        "event": "",
        "state": "planned",
    }
    return {**data, **fields}


def russian(message, **params) -> str:
    with translation.override("ru"):
        return gettext(message) % params if params else gettext(message)


def response_desk(user):
    from articles.desk import desk_for

    with translation.override("ru"):
        return [desk for desk in desk_for(user) if desk.key == "assignments" and str(desk.title)]


def errors(response) -> dict:
    return response.context["adminform"].form.errors


# -- Planning in the admin ---------------------------------------------------------------------


def test_an_editor_assigns_a_journalist_who_is_notified_once(client, editor, journalist, section):
    client.force_login(editor)
    response = client.post(reverse("admin:planning_assignment_add"), form(section, journalist))
    assert response.status_code == 302, errors(response)
    assignment = Assignment.objects.get()
    assert assignment.due_at == dt.datetime(2026, 3, 9, 16, tzinfo=ALMATY)
    assert list(assignment.assignees.all()) == [journalist] and assignment.created_by == editor
    notification = Notification.objects.get()
    assert (notification.verb, notification.actor, notification.assignment) == ("assigned", editor, assignment)
    assert list(notification.recipients.all()) == [journalist]
    # Saving again without a new assignee tells nobody again.
    client.post(reverse("admin:planning_assignment_change", args=[assignment.pk]), form(section, journalist))
    assert Notification.objects.count() == 1


def test_a_due_time_in_the_past_on_a_new_assignment_is_a_clear_error_keeping_the_text(client, editor, section):
    client.force_login(editor)
    response = client.post(reverse("admin:planning_assignment_add"), form(section, due_at_1="08:00"))
    assert response.status_code == 200
    assert (
        russian("The due time %(time)s has already passed: a new assignment is due later.", time="09.03.2026 08:00")
        in errors(response)["due_at"][0]
    )
    assert "комментарий аналитика «Халык Финанс»" in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_past_due_time_is_kept_when_an_existing_assignment_is_edited(client, editor, section, assignment):
    late = assignment(due_at=NOW - dt.timedelta(hours=3))
    client.force_login(editor)
    data = form(section, due_at_1="06:00", notes="Перенесли")
    response = client.post(reverse("admin:planning_assignment_change", args=[late.pk]), data)
    assert response.status_code == 302, errors(response)


def test_an_assignee_without_the_right_to_write_is_a_clear_error(client, editor, section):
    outsider = UserFactory(username="accountant", first_name="Бухгалтер")
    client.force_login(editor)
    response = client.post(reverse("admin:planning_assignment_add"), form(section, outsider))
    assert response.status_code == 200
    refusal = russian(
        "%(name)s may not see the plan or write articles: ask an administrator to add them to a group.",
        name="Бухгалтер",
    )
    assert errors(response)["assignees"] == [refusal]
    assert "Халык Финанс" in response.content.decode()


@pytest.mark.parametrize("account", [{"is_active": False}, {"is_staff": False}], ids=["inactive", "not-staff"])
def test_an_assignee_who_cannot_sign_in_is_refused(account):
    user = UserFactory(username="gone", **account)
    user.groups.add(Group.objects.get(name="Journalist"))
    with pytest.raises(ValidationError):
        services.check_assignees([user])


def test_a_journalist_cannot_add_or_reassign(client, journalist, colleague, section, assignment):
    mine = assignment(assignees=[journalist])
    client.force_login(journalist)
    assert client.get(reverse("admin:planning_assignment_add")).status_code == 403
    client.post(reverse("admin:planning_assignment_change", args=[mine.pk]), form(section, colleague, slug="другое"))
    mine.refresh_from_db()
    assert mine.slug == "нацбанк-ставка" and list(mine.assignees.all()) == [journalist]


# -- Take and state moves ----------------------------------------------------------------------


def test_a_journalist_takes_an_assignment_offered_to_the_desk(client, journalist, assignment):
    offered = assignment()
    client.force_login(journalist)
    client.post(reverse("admin:planning_assignment_take", args=[offered.pk]))
    assert list(offered.assignees.all()) == [journalist]


def test_an_assignment_taken_already_cannot_be_taken_again(journalist, colleague, assignment):
    offered = assignment()
    services.assignment_take(assignment=offered, by=journalist)
    with pytest.raises(ValidationError):
        services.assignment_take(assignment=offered, by=colleague)
    assert list(offered.assignees.all()) == [journalist]


def test_a_journalist_moves_their_own_assignment_one_step_but_never_cancels(journalist, assignment):
    mine = assignment(assignees=[journalist])
    mine = services.assignment_move(assignment=mine, state=Assignment.State.IN_PROGRESS, by=journalist)
    mine = services.assignment_move(assignment=mine, state=Assignment.State.FILED, by=journalist)
    assert mine.state == Assignment.State.FILED
    with pytest.raises(PermissionDenied):
        services.assignment_move(assignment=mine, state=Assignment.State.CANCELLED, by=journalist)


def test_a_journalist_cannot_move_a_colleagues_assignment(client, journalist, colleague, assignment):
    theirs = assignment(assignees=[colleague])
    client.force_login(journalist)
    response = client.post(reverse("admin:planning_assignment_move", args=[theirs.pk]), {"state": "filed"}, follow=True)
    theirs.refresh_from_db()
    assert theirs.state == Assignment.State.PLANNED
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_an_editor_may_cancel(editor, assignment):
    planned = assignment()
    assert services.assignment_move(assignment=planned, state="cancelled", by=editor).state == "cancelled"


def test_the_assignment_page_shows_each_role_its_buttons(client, editor, journalist, assignment):
    mine = assignment(assignees=[journalist])
    client.force_login(journalist)
    page = client.get(reverse("admin:planning_assignment_change", args=[mine.pk])).content.decode()
    assert reverse("admin:planning_assignment_start", args=[mine.pk]) in page
    assert 'value="in_progress"' in page and 'value="cancelled"' not in page
    assert 'name="_save"' not in page
    client.force_login(editor)
    page = client.get(reverse("admin:planning_assignment_change", args=[mine.pk])).content.decode()
    assert 'value="cancelled"' in page and 'name="_save"' in page


# -- Start the article; published by itself ------------------------------------------------------


def test_starting_the_article_prefills_and_links_a_draft_and_opens_it(client, journalist, section, assignment):
    mine = assignment(assignees=[journalist], language="kk")
    client.force_login(journalist)
    response = client.post(reverse("admin:planning_assignment_start", args=[mine.pk]))
    article = Article.objects.get()
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert (article.title, article.section, article.language) == ("Нацбанк ставка", section, "kk")
    assert article.status == Article.Status.DRAFT and article.created_by == journalist
    assert [person.name for person in article.authors.all()] == ["Дина Сейтказы"]
    mine.refresh_from_db()
    assert (mine.article, mine.state) == (article, Assignment.State.IN_PROGRESS)


def test_pressing_start_twice_makes_one_article(journalist, assignment):
    mine = assignment(assignees=[journalist])
    first = services.assignment_start_article(assignment=mine, by=journalist)
    again = services.assignment_start_article(assignment=Assignment.objects.get(pk=mine.pk), by=journalist)
    assert first == again and Article.objects.count() == 1


def test_a_colleague_cannot_start_someone_elses_assignment(colleague, journalist, assignment):
    theirs = assignment(assignees=[journalist])
    with pytest.raises(PermissionDenied):
        services.assignment_start_article(assignment=theirs, by=colleague)


def test_publishing_the_article_shows_the_assignment_published_by_itself(journalist, editor, assignment):
    mine = assignment(assignees=[journalist])
    article = services.assignment_start_article(assignment=mine, by=journalist)
    assert Assignment.objects.with_state_now().get().state_now == "in_progress"
    article_publish(article=article, by=editor, at=NOW + dt.timedelta(hours=1))
    assert Assignment.objects.with_state_now().get().state_now == "in_progress"  # scheduled, not yet
    with time_machine.travel(NOW + dt.timedelta(hours=1, seconds=1), tick=False):
        assert Assignment.objects.with_state_now().get().state_now == "published"
    assert Assignment.objects.get().state == "in_progress"  # nothing was written


def test_the_articles_page_names_the_assignment_it_fulfils(client, journalist, assignment):
    mine = assignment(assignees=[journalist])
    article = services.assignment_start_article(assignment=mine, by=journalist)
    client.force_login(journalist)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "«нацбанк-ставка»" in page and 'class="notice-info"' in page
    assert reverse("admin:planning_assignment_change", args=[mine.pk]) in page


# -- The desk ------------------------------------------------------------------------------------


def test_the_desk_shows_editors_todays_budget_and_journalists_their_assignments(client, editor, journalist, assignment):
    assignment(slug="сегодня-для-дины", assignees=[journalist])
    assignment(slug="завтра", due_at=NOW + dt.timedelta(days=1))
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'id="desk-assignments"' in page and "сегодня-для-дины" in page and "завтра" not in page
    assert russian("Today's budget") in [desk.title for desk in response_desk(editor)]
    client.force_login(journalist)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'id="desk-assignments"' in page and "сегодня-для-дины" in page
    assert russian("My assignments") in [desk.title for desk in response_desk(journalist)]


def test_the_journalists_desk_keeps_an_old_open_assignment_and_drops_a_filed_one(journalist, assignment):
    from planning.desk import my_assignments

    assignment(slug="вчерашнее-открытое", assignees=[journalist], due_at=NOW - dt.timedelta(days=1))
    assignment(slug="вчерашнее-сданное", assignees=[journalist], due_at=NOW - dt.timedelta(days=1), state="filed")
    rows = my_assignments(journalist).articles
    assert [row.slug for row in rows] == ["вчерашнее-открытое"] and rows[0].overdue
    assert timezone.now() == NOW

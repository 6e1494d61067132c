"""The plan's writes and every rule on who may make them: editors plan and assign; journalists
see the plan, take an assignment offered to the desk and move their own assignments' state;
anyone assigned (or an editor) starts the article that fulfils an assignment.

The admin calls these and enforces the same rules in its forms and lists; each function checks
the permission itself, so a crafted request that skips the admin is still refused.
"""

import datetime as dt

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, Person
from planning.models import Assignment, Notification
from planning.notifications import notify

PLAN_PERMISSION = "planning.add_assignment"
State = Assignment.State
# The moves a journalist may make on their own assignment: one step along the way, or back.
JOURNALIST_MOVES = {
    State.PLANNED: {State.IN_PROGRESS},
    State.IN_PROGRESS: {State.PLANNED, State.FILED},
    State.FILED: {State.IN_PROGRESS},
}


# -- Who may do what ---------------------------------------------------------------------


def user_can_plan(user) -> bool:
    """Create and edit events and assignments, assign anyone, any state: editors."""
    return bool(user and user.is_active and user.has_perm(PLAN_PERMISSION))


def user_can_see_plan(user) -> bool:
    return bool(user and user.is_active and user.has_perm("planning.view_assignment"))


def is_assignee(user, assignment: Assignment) -> bool:
    return any(person.pk == user.pk for person in assignment.assignees.all())


def user_can_take(user, assignment: Assignment) -> bool:
    """An assignment offered to the desk (nobody assigned, not cancelled, no article yet) may be
    taken by anyone who may change assignments and write articles."""
    return (
        bool(user and user.is_active and user.has_perm("planning.change_assignment"))
        and user.has_perm("articles.add_article")
        and assignment.state != State.CANCELLED
        and not assignment.assignees.all()
    )


def mark_actions(user, rows) -> None:
    """``can_take`` and ``can_start`` on each of ``rows`` for ``user``: the rules of
    ``user_can_take`` and ``user_can_start``, the user's permissions asked once for all rows
    (a budget of 300 asked them 1,200 times)."""
    active = bool(user and user.is_active)
    writes = active and user.has_perm("articles.add_article")
    takes = writes and user.has_perm("planning.change_assignment")
    plans = user_can_plan(user)
    for row in rows:
        people = row.assignees.all()
        open_ = row.state != State.CANCELLED
        row.can_take = takes and open_ and not people
        row.can_start = writes and open_ and row.article_id is None and (plans or any(p.pk == user.pk for p in people))


def states_for(user, assignment: Assignment) -> list[str]:
    """The states ``user`` may move ``assignment`` to (not counting the one it is in)."""
    if user_can_plan(user):
        return [state for state in State.values if state != assignment.state]
    if user.has_perm("planning.change_assignment") and is_assignee(user, assignment):
        return sorted(JOURNALIST_MOVES.get(assignment.state, ()))
    return []


def user_can_start(user, assignment: Assignment) -> bool:
    """Start the article: an assignee or an editor, once, and not for a cancelled assignment."""
    return (
        assignment.article_id is None
        and assignment.state != State.CANCELLED
        and user.has_perm("articles.add_article")
        and (user_can_plan(user) or is_assignee(user, assignment))
    )


def access_problem(user) -> str | None:
    """Why ``user`` cannot work on an assignment, or None: an assignee must be an active staff
    account that may see the plan and write articles."""
    if not user.is_active:
        return _("%(name)s: the account is switched off.") % {"name": display_name(user)}
    if not user.is_staff:
        return _("%(name)s cannot sign in to the admin.") % {"name": display_name(user)}
    if not (user.has_perm("planning.view_assignment") and user.has_perm("articles.add_article")):
        return _("%(name)s may not see the plan or write articles: ask an administrator to add them to a group.") % {
            "name": display_name(user)
        }
    return None


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def check_assignees(users) -> None:
    """Refuse assignees who could not do the work (a ``ValidationError`` naming each)."""
    problems = [problem for user in users if (problem := access_problem(user))]
    if problems:
        raise ValidationError(problems)


def check_due(due_at: dt.datetime | None, *, now: dt.datetime | None = None) -> None:
    """A new assignment is due in the future: a time already past is almost always a typo."""
    if due_at is not None and due_at < (now or timezone.now()):
        raise ValidationError(
            _("The due time %(time)s has already passed: a new assignment is due later.")
            % {"time": timezone.localtime(due_at).strftime("%d.%m.%Y %H:%M")}
        )


# -- Writes ------------------------------------------------------------------------------


def _log(*, by, obj, message: str, flag=CHANGE) -> None:
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[obj], action_flag=flag, change_message=message, single_object=True
    )


def assignment_notify_assigned(*, assignment: Assignment, by, users) -> None:
    """Tell the people newly assigned (never ``by`` themselves; notify() drops them)."""
    notify(
        verb=Notification.Verb.ASSIGNED,
        actor=by,
        recipients=users,
        assignment=assignment,
        article=assignment.article,
        text=assignment.notes,
        url=reverse("admin:planning_assignment_change", args=[assignment.pk]),
    )


def assignment_set_assignees(*, assignment: Assignment, by, users) -> None:
    """An editor's choice of assignees: checked, saved, and the newly assigned notified."""
    if not user_can_plan(by):
        raise PermissionDenied(_("Only editors assign colleagues."))
    users = list(users)
    check_assignees(users)
    before = set(assignment.assignees.values_list("pk", flat=True))
    with transaction.atomic():
        assignment.assignees.set(users)
    assignment_notify_assigned(assignment=assignment, by=by, users=[u for u in users if u.pk not in before])


def assignment_take(*, assignment: Assignment, by) -> Assignment:
    """``by`` takes an assignment offered to the desk; a second taker is refused."""
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if not user_can_take(by, locked):
            if locked.assignees.exists():
                raise ValidationError(_("Someone has already taken this assignment."))
            raise PermissionDenied(_("You may not take this assignment."))
        if problem := access_problem(by):
            raise ValidationError(problem)
        locked.assignees.add(by)
        _log(by=by, obj=locked, message=_("Taken"))
    return locked


def assignment_move(*, assignment: Assignment, state: str, by) -> Assignment:
    """Move an assignment to ``state``: editors to any, an assignee one step (not cancelled)."""
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if state not in states_for(by, locked):
            raise PermissionDenied(
                _("You may not move this assignment from «%(from)s» to «%(to)s».")
                % {"from": locked.get_state_display(), "to": State(state).label if state in State.values else state}
            )
        locked.state = state
        locked.save(update_fields=["state", "updated_at"])
        _log(by=by, obj=locked, message=_("State: %(state)s") % {"state": locked.get_state_display()})
    return locked


def working_title(slug: str) -> str:
    """«нацбанк-ставка» as a headline to start from: «Нацбанк ставка»."""
    text = " ".join(slug.replace("_", "-").split("-")).strip()
    return text[:1].upper() + text[1:]


def assignment_start_article(*, assignment: Assignment, by) -> Article:
    """A draft article for the assignment, pre-filled (headline from the working title, section,
    language, ``by``'s author name if they have one) and linked to it; the assignment moves to
    in progress. Twice pressed, one article: the second gets the first's."""
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.article_id is not None:
            return Article.objects.get(pk=locked.article_id)
        if not user_can_start(by, locked):
            raise PermissionDenied(_("You may not start the article of this assignment."))
        article = Article(
            title=working_title(locked.slug),
            language=locked.language,
            section_id=locked.section_id,
            status=Article.Status.DRAFT,
            created_by=by,
        )
        article._history_user = by
        article._change_reason = _("Started from the assignment «%(slug)s»") % {"slug": locked.slug}
        article.save()
        person = Person.objects.filter(user=by).first()
        if person is not None:
            article.authors.add(person)
        locked.article = article
        if locked.state == State.PLANNED:
            locked.state = State.IN_PROGRESS
        locked.save(update_fields=["article", "state", "updated_at"])
        _log(by=by, obj=article, message=article._change_reason, flag=ADDITION)
    assignment.article, assignment.state = article, locked.state
    return article


def assignable_users():
    """The people an editor may pick as assignees: active staff (access_problem() says why
    a pick is refused)."""
    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")

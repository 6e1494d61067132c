"""The plan's fixtures: an editor and a journalist (with an author name) in their groups, a
section, and ``assignment()`` for one due later today or at a given time."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from planning.models import Assignment
from tests.factories import PersonFactory, SectionFactory, UserFactory


def member(username: str, group: str, **fields):
    user = UserFactory(username=username, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    return member("timur", "Editor", first_name="Тимур", last_name="Ахметов")


@pytest.fixture
def journalist(db):
    user = member("dina", "Journalist", first_name="Дина", last_name="Сейтказы")
    PersonFactory(name="Дина Сейтказы", user=user)
    return user


@pytest.fixture
def colleague(db):
    return member("arman", "Journalist", first_name="Арман", last_name="Касымов")


@pytest.fixture
def section(db):
    return SectionFactory(name="Экономика")


def make_assignment(*, due_at=None, assignees=(), **fields) -> Assignment:
    fields.setdefault("slug", "нацбанк-ставка")
    assignment = Assignment.objects.create(due_at=due_at or timezone.now() + dt.timedelta(hours=2), **fields)
    assignment.assignees.set(assignees)
    return assignment


@pytest.fixture
def assignment(section):
    def make(**fields):
        fields.setdefault("section", section)
        return make_assignment(**fields)

    return make

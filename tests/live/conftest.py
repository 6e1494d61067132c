"""Live coverage's fixtures: an editor and a journalist in their groups, and a live blog."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.factories import ArticleFactory, PersonFactory, UserFactory


def member(username: str, group: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    return member("editor", "Editor")


@pytest.fixture
def journalist(db):
    user = member("journalist", "Journalist")
    PersonFactory(name="Айгерим Сейтказы", user=user)
    return user


@pytest.fixture
def blog(db):
    """A published live blog whose coverage started an hour ago."""
    start = timezone.now() - dt.timedelta(hours=1)
    return ArticleFactory(title="Выборы: онлайн", coverage_start_at=start, publish_at=start)

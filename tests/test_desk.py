"""The admin's front page as a desk (articles/desk.py): editors see the review queue, the
schedule, today's publications with their views and the most read; journalists see their own
drafts, what they sent for review and what of theirs was published today."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from readership import buffer as views_buffer
from tests.factories import ArticleFactory, PublisherFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)  # 14:00 in Almaty
# The session and user, the desk's lists (review, scheduled, published today with their views,
# the most read: one per language), the user's permissions (two), the admin's recent actions;
# the header's bell (the unread notifications, cold here; then kept in the cache until they change).
# With the wire lists (items for the editors, sources that need a look) and the plan's (today's
# budget or my assignments: the assignments and their assignees).
EDITOR_DESK_QUERIES = 16
JOURNALIST_DESK_QUERIES = 11


def member(username: str, group: str):
    user = UserFactory(username=username, first_name=username.capitalize())
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return user, client


def desk_section(html: str, title: str) -> str:
    return re.search(rf"<h2 id=\"desk-[a-z-]+\">{title}</h2>(.*?)</section>", html, re.S)[1]


@time_machine.travel(NOW, tick=False)
def test_an_editor_sees_what_waits_what_is_coming_and_what_is_read():
    PublisherFactory()
    _, editor = member("redaktor", "Editor")
    author, _ = member("asel", "Journalist")
    with time_machine.travel(NOW - dt.timedelta(hours=5), tick=False):
        oldest = ArticleFactory(
            title="Ждёт пять часов", status=Article.Status.REVIEW, publish_at=None, created_by=author
        )
    with time_machine.travel(NOW - dt.timedelta(minutes=20), tick=False):
        ArticleFactory(title="Ждёт двадцать минут", status=Article.Status.REVIEW, publish_at=None)
    ArticleFactory(title="Выйдет через час", publish_at=NOW + dt.timedelta(hours=1))
    ArticleFactory(title="Выйдет послезавтра", publish_at=NOW + dt.timedelta(days=2))
    today = ArticleFactory(title="Вышла утром", publish_at=NOW - dt.timedelta(hours=3))
    ArticleFactory(title="Вышла вчера", publish_at=NOW - dt.timedelta(days=1))
    views_buffer.write({today.pk: 1234})

    html = editor.get(reverse("admin:index")).content.decode()
    review = desk_section(html, "Ждут проверки")
    assert review.index("Ждёт пять часов") < review.index("Ждёт двадцать минут")  # oldest first
    assert "ждёт 5\xa0часов" in review and "ждёт 20\xa0минут" in review and "Asel" in review
    assert reverse("admin:articles_article_change", args=[oldest.pk]) in review
    scheduled = desk_section(html, "Запланировано на ближайшие 24 часа")
    assert "Выйдет через час" in scheduled and "Выйдет послезавтра" not in scheduled
    published = desk_section(html, "Опубликовано сегодня")
    assert "Вышла утром" in published and "1\xa0234 просмотра" in published and "Вышла вчера" not in published
    assert "Вышла утром" in desk_section(html, "Самое читаемое за сутки")
    assert "Все разделы админки" in html and reverse("admin:articles_article_changelist") in html  # the app list


@time_machine.travel(NOW, tick=False)
def test_a_journalist_sees_their_own_work_only():
    PublisherFactory()
    me, journalist = member("asel", "Journalist")
    colleague, _ = member("dana", "Journalist")
    ArticleFactory(title="Мой черновик", status=Article.Status.DRAFT, publish_at=None, created_by=me)
    ArticleFactory(title="Чужой черновик", status=Article.Status.DRAFT, publish_at=None, created_by=colleague)
    ArticleFactory(title="Моя на проверке", status=Article.Status.REVIEW, publish_at=None, created_by=me)
    ArticleFactory(title="Моя сегодняшняя", publish_at=NOW - dt.timedelta(hours=1), created_by=me)
    ArticleFactory(title="Чужая сегодняшняя", publish_at=NOW - dt.timedelta(hours=1), created_by=colleague)
    html = journalist.get(reverse("admin:index")).content.decode()
    assert "Мой черновик" in desk_section(html, "Мои черновики")
    assert "Моя на проверке" in desk_section(html, "Отправлено на проверку")
    assert "Моя сегодняшняя" in desk_section(html, "Мои публикации за сегодня")
    assert "Чужой" not in html and "Чужая" not in html
    assert "Ждут проверки" not in html  # the editor's lists are not a journalist's


@time_machine.travel(dt.datetime(2027, 1, 3, 19, 10, tzinfo=dt.UTC), tick=False)  # Monday 00:10 in Almaty
def test_today_is_the_newsrooms_day_not_utcs():
    PublisherFactory()
    _, editor = member("redaktor", "Editor")
    ArticleFactory(title="Вышла до полуночи", publish_at=timezone.now() - dt.timedelta(minutes=20))  # same UTC day
    ArticleFactory(title="Вышла после полуночи", publish_at=timezone.now() - dt.timedelta(minutes=5))
    published = desk_section(editor.get(reverse("admin:index")).content.decode(), "Опубликовано сегодня")
    assert "Вышла после полуночи" in published and "Вышла до полуночи" not in published


@pytest.mark.parametrize("rows", [0, 30])
def test_the_desk_has_a_fixed_query_budget(rows, django_assert_max_num_queries):
    PublisherFactory()
    editor_user, editor = member("redaktor", "Editor")
    journalist_user, journalist = member("asel", "Journalist")
    for n in range(rows):
        status = [Article.Status.REVIEW, Article.Status.DRAFT, Article.Status.PUBLISHED][n % 3]
        article = ArticleFactory(status=status, created_by=journalist_user, publish_at=dt.datetime.now(dt.UTC))
        views_buffer.write({article.pk: n})
    with django_assert_max_num_queries(EDITOR_DESK_QUERIES):
        assert editor.get(reverse("admin:index")).status_code == 200
    with django_assert_max_num_queries(JOURNALIST_DESK_QUERIES):
        assert journalist.get(reverse("admin:index")).status_code == 200

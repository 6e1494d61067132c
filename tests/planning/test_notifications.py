"""Notifications: what creates one (an article sent back, published, withdrawn; a partner's
correction of a wire item someone took), written once and never to the actor; the bell (one
cached query), the inbox (keyset pages, fast at 100,000), marking read, the settings page, and
who was notified of what on the article's page."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.services import article_publish, article_return_to_draft, article_withdraw
from incoming.formats import WireItem
from incoming.models import Item, Source
from incoming.services import item_take, items_store
from planning.admin_talk import cursor_of, inbox_page, parse_cursor
from planning.models import Notification, NotificationRecipient, NotificationSettings
from planning.notifications import UNREAD_CAP, mark_read, notify, unread_count
from tests.factories import AgencyFactory, ArticleFactory, PersonFactory, UserFactory


@pytest.fixture
def client(client, settings):
    """The admin in English (the language its user picks, kept in a cookie): the assertions
    below read the English messages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


pytestmark = pytest.mark.django_db


def member(username, group):
    user = UserFactory(username=username, email=f"{username}@example.kz")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def journalist():
    return member("dina", "Journalist")


@pytest.fixture
def editor():
    return member("timur", "Editor")


def test_notify_writes_once_for_everyone_never_the_actor_nor_the_inactive(editor, journalist):
    gone = UserFactory(username="gone", is_active=False)
    notification = notify(
        verb=Notification.Verb.MENTIONED, actor=editor, recipients=[journalist, journalist.pk, editor, gone, None]
    )
    assert Notification.objects.count() == 1
    assert list(notification.recipients.all()) == [journalist]
    assert notify(verb=Notification.Verb.MENTIONED, actor=editor, recipients=[editor]) is None
    assert Notification.objects.count() == 1


def test_sent_back_published_and_withdrawn_tell_the_author_and_the_authors(editor, journalist):
    coauthor = member("arman", "Journalist")
    article = ArticleFactory(status=Article.Status.REVIEW, publish_at=None, created_by=journalist)
    article.authors.add(PersonFactory(user=coauthor), PersonFactory())
    article_return_to_draft(article=article, by=editor)
    article_publish(article=article, by=editor)
    article_publish(article=article, by=editor)  # nothing changes: nobody is told twice
    article_withdraw(article=article, by=editor)
    verbs = list(Notification.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["sent_back", "published", "withdrawn"]
    for notification in Notification.objects.all():
        assert {user.username for user in notification.recipients.all()} == {"dina", "arman"}
        assert notification.actor == editor and notification.article == article


def test_an_editor_publishing_her_own_article_is_not_told(editor):
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=editor)
    article_publish(article=article, by=editor)
    assert not Notification.objects.exists()


def test_a_partners_correction_tells_whoever_took_the_item(journalist):
    source = Source.objects.create(
        name="Партнёр",
        kind=Source.Kind.NINJS,
        address="https://partner.example/api/items",
        language="ru",
        agency=AgencyFactory(),
    )
    wire = {"guid": "urn:1", "version": "1", "headline": "Курс тенге", "body_html": "<p>Текст</p>", "language": "ru"}
    items_store(source=source, wires=[WireItem(**wire)])
    item = Item.objects.get()
    item_take(item=item, by=journalist)
    assert not Notification.objects.exists()
    items_store(source=source, wires=[WireItem(**(wire | {"version": "2", "headline": "Курс тенге (исправлено)"}))])
    notification = Notification.objects.get()
    assert notification.verb == Notification.Verb.CORRECTED and notification.actor is None
    assert list(notification.recipients.all()) == [journalist]
    assert notification.text == "Курс тенге (исправлено)"
    assert notification.article_id == Item.objects.get().article_id


# -- The bell -------------------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_and_costs_one_cached_query(client, editor, journalist):
    notify(verb=Notification.Verb.MENTIONED, actor=editor, recipients=[journalist])
    notify(verb=Notification.Verb.COMMENTED, actor=editor, recipients=[journalist])
    client.force_login(journalist)
    html = client.get(reverse("admin:index")).content.decode()
    assert '<span class="inbox-bell__count">2</span>' in html
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("admin:index"))
    assert not [query for query in queries if "planning_notificationrecipient" in query["sql"]]
    mark_read(user=journalist)  # forgets the count
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("admin:index")).content.decode()
    assert len([query for query in queries if "planning_notificationrecipient" in query["sql"]]) == 1
    assert "inbox-bell__count" not in html


def test_the_bell_caps_its_count(editor, journalist):
    for _ in range(UNREAD_CAP + 5):
        notify(verb=Notification.Verb.MENTIONED, actor=editor, recipients=[journalist])
    assert unread_count(journalist) == UNREAD_CAP


def test_a_new_notification_is_counted_at_once(editor, journalist):
    assert unread_count(journalist) == 0
    notify(verb=Notification.Verb.MENTIONED, actor=editor, recipients=[journalist])
    assert unread_count(journalist) == 1


# -- The inbox -------------------------------------------------------------------------------------------


def test_the_inbox_says_who_did_what_on_which_article_and_opening_marks_read(client, editor, journalist):
    article = ArticleFactory(title="Ставка Нацбанка", status=Article.Status.DRAFT, created_by=journalist)
    url = reverse("admin:articles_article_change", args=[article.pk]) + "#comment-1"
    notify(verb=Notification.Verb.COMMENTED, actor=editor, recipients=[journalist], article=article, url=url)
    client.force_login(journalist)
    html = client.get(reverse("admin:planning_notification_changelist")).content.decode()
    assert "timur" in html and "commented on your article" in html and "«Ставка Нацбанка»" in html
    assert "inbox__item--unread" in html
    row = NotificationRecipient.objects.get()
    response = client.get(reverse("admin:planning_notification_open", args=[row.pk]))
    assert response.status_code == 302 and response["Location"] == url
    row.refresh_from_db()
    assert row.read_at is not None


def test_nobody_opens_anothers_notification(client, editor, journalist):
    notify(verb=Notification.Verb.MENTIONED, actor=editor, recipients=[journalist])
    client.force_login(editor)
    row = NotificationRecipient.objects.get()
    assert client.get(reverse("admin:planning_notification_open", args=[row.pk])).status_code == 404


def test_mark_all_read(client, editor, journalist):
    for _ in range(3):
        notify(verb=Notification.Verb.MENTIONED, actor=editor, recipients=[journalist])
    client.force_login(journalist)
    response = client.post(reverse("admin:planning_notification_read_all"), follow=True)
    assert "3" in response.content.decode()
    assert not NotificationRecipient.objects.filter(read_at__isnull=True).exists()


def test_the_inbox_pages_by_keyset_newest_first(editor, journalist):
    start = timezone.now()
    for minute in range(7):
        with time_machine.travel(start + dt.timedelta(minutes=minute), tick=False):
            notify(verb=Notification.Verb.MENTIONED, actor=editor, recipients=[journalist], text=f"n{minute}")
    seen, cursor = [], None
    while True:
        rows, next_cursor = inbox_page(journalist, parse_cursor(cursor) if cursor else None, size=3)
        seen += [row.notification.text for row in rows]
        if next_cursor is None:
            break
        cursor = next_cursor
    assert seen == [f"n{minute}" for minute in reversed(range(7))]


@pytest.mark.parametrize("value", ["x", "1-", "-1", "99999999999999999999-1", "1.5-2"])
def test_a_malformed_inbox_cursor_is_a_404(client, journalist, value):
    client.force_login(journalist)
    assert client.get(reverse("admin:planning_notification_changelist"), {"before": value}).status_code == 404


def test_the_inbox_at_100000_notifications_reads_one_index_range(editor, journalist, django_assert_num_queries):
    start = timezone.now() - dt.timedelta(days=200)
    notifications = Notification.objects.bulk_create(
        Notification(verb="mentioned", actor=editor, created_at=start) for _ in range(100_000)
    )
    NotificationRecipient.objects.bulk_create(
        (
            NotificationRecipient(
                notification=notification, user=journalist, created_at=start + dt.timedelta(seconds=index)
            )
            for index, notification in enumerate(notifications)
        ),
        batch_size=5000,
    )
    rows, cursor = inbox_page(journalist)
    middle = NotificationRecipient.objects.filter(user=journalist).order_by("-created_at", "-pk")[50_000]
    with django_assert_num_queries(1) as queries:
        deep, _next = inbox_page(journalist, parse_cursor(cursor_of(middle)))
    assert len(deep) == 30 and deep[0].created_at < middle.created_at
    sql = queries.captured_queries[0]["sql"]
    with connection.cursor() as db:
        if connection.vendor == "sqlite":
            plan = " ".join(str(row) for row in db.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall())
            assert "planning_inbox" in plan and "TEMP B-TREE" not in plan
        else:
            db.execute(f"EXPLAIN {sql}")
            plan = " ".join(row[0] for row in db.fetchall())
            assert "planning_inbox" in plan and "Sort" not in plan


def test_the_inbox_page_has_a_fixed_query_budget(client, editor, journalist, django_assert_max_num_queries):
    article = ArticleFactory()
    for _ in range(40):
        notify(verb=Notification.Verb.PUBLISHED, actor=editor, recipients=[journalist], article=article)
    client.force_login(journalist)
    client.get(reverse("admin:planning_notification_changelist"))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("admin:planning_notification_changelist"))
    assert response.content.decode().count('class="inbox__item') == 30


# -- Settings and who was notified --------------------------------------------------------------------------


def test_each_person_chooses_their_email_default_off(client, journalist):
    client.force_login(journalist)
    page = client.get(reverse("admin:planning_notification_settings")).content.decode()
    assert 'value="off"' in page and "checked" in page[page.index('value="off"') - 80 : page.index('value="off"') + 80]
    assert "This site sends no mail" in page  # the documented default: no EMAIL_HOST
    client.post(reverse("admin:planning_notification_settings"), {"email": "hourly", "language": "kk"})
    settings_row = NotificationSettings.objects.get(user=journalist)
    assert (settings_row.email, settings_row.language) == ("hourly", "kk")


def test_without_a_mail_server_nobodys_copy_waits_for_mail(editor, journalist):
    NotificationSettings.objects.create(user=journalist, email="immediate")
    notify(verb=Notification.Verb.MENTIONED, actor=editor, recipients=[journalist])
    assert NotificationRecipient.objects.get().email == ""


def test_the_articles_page_shows_who_was_notified_with_email_states(client, editor, journalist, settings):
    settings.EMAIL_ENABLED = True
    NotificationSettings.objects.create(user=journalist, email="immediate")
    article = ArticleFactory(status=Article.Status.REVIEW, publish_at=None, created_by=journalist)
    article_return_to_draft(article=article, by=editor)
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    notified = html[html.index('id="notified"') :]
    assert "sent your article back" in notified and "dina" in notified and "talk-email--pending" in notified

"""Notification emails against a real SMTP server on this machine (aiosmtpd): sent once however
often the job runs, hourly digests, a refusal retried and then sent once, an unknown outcome
never repeated, the person's language and absolute links; and the documented default (no
EMAIL_HOST, nobody opted in), which sends nothing and fails nothing."""

import datetime as dt
import logging

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article
from planning.comments import comment_post
from planning.models import Notification, NotificationRecipient, NotificationSettings
from planning.notifications import notify
from planning.tasks import send_notification_emails
from tests.factories import ArticleFactory, PublisherFactory, UserFactory
from tests.mailserver import free_port, use_server

pytestmark = pytest.mark.django_db
Email = NotificationRecipient.Email


def member(username, group="Journalist"):
    user = UserFactory(username=username, first_name=username.capitalize(), email=f"{username}@example.kz")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor():
    return member("timur", "Editor")


@pytest.fixture
def journalist():
    return member("dina")


def wants(user, how, language="ru"):
    NotificationSettings.objects.update_or_create(user=user, defaults={"email": how, "language": language})


def mention(editor, journalist, text="@dina проверь"):
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=journalist, title="Черновик")
    return comment_post(article=article, by=editor, text=text.replace("@dina", f"@{journalist.username}"))


def copy_of(user) -> NotificationRecipient:
    return NotificationRecipient.objects.get(user=user)


def test_an_immediate_mail_is_sent_once_however_often_the_job_runs(smtp, editor, journalist):
    wants(journalist, "immediate")
    comment = mention(editor, journalist)
    send_notification_emails()
    send_notification_emails()
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "dina@example.kz"
    assert "Timur" in message["Subject"] and "Черновик" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert "@dina проверь" in body
    assert f"https://dknews.kz/admin/articles/article/{comment.article_id}/change/#comment-{comment.pk}" in body
    assert message["Content-Language"] == "ru"
    copy = copy_of(journalist)
    assert copy.email == Email.SENT and copy.email_sent_at is not None and copy.email_attempts == 1


def test_the_mail_is_in_the_persons_language(smtp, editor, journalist):
    wants(journalist, "immediate", language="kk")
    mention(editor, journalist)
    send_notification_emails()
    assert smtp.messages[0]["Content-Language"] == "kk"


def test_the_hourly_digest_is_one_mail_with_everything_of_the_hour(smtp, editor, journalist):
    wants(journalist, "hourly")
    start = timezone.now().replace(minute=10, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        mention(editor, journalist, "@dina первое")
        notify(verb=Notification.Verb.PUBLISHED, actor=editor, recipients=[journalist], text="второе")
        send_notification_emails()
        assert smtp.messages == []  # the hour is not over
    with time_machine.travel(start + dt.timedelta(minutes=51), tick=False):
        send_notification_emails()
        send_notification_emails()
    assert len(smtp.messages) == 1
    body = smtp.messages[0].get_payload(decode=True).decode()
    assert "первое" in body and "второе" in body and "2" in smtp.messages[0]["Subject"]
    assert set(NotificationRecipient.objects.values_list("email", flat=True)) == {Email.SENT}


def test_a_refused_send_is_tried_again_later_and_sent_once(smtp, editor, journalist):
    wants(journalist, "immediate")
    smtp.mode = "refuse"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        mention(editor, journalist)
        send_notification_emails()
    copy = copy_of(journalist)
    assert copy.email == Email.PENDING and copy.email_attempts == 1 and "451" in copy.email_error
    assert copy.email_next_attempt_at > start and smtp.messages == []
    smtp.mode = "accept"
    with time_machine.travel(start + dt.timedelta(seconds=1), tick=False):
        send_notification_emails()  # not due yet
    assert smtp.messages == []
    with time_machine.travel(copy.email_next_attempt_at + dt.timedelta(seconds=1), tick=False):
        send_notification_emails()
        send_notification_emails()
    assert len(smtp.messages) == 1
    copy.refresh_from_db()
    assert copy.email == Email.SENT and copy.email_attempts == 2 and copy.email_error == ""


def test_a_send_refused_every_time_fails_after_the_attempts(smtp, editor, journalist, settings):
    settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS = 3
    wants(journalist, "immediate")
    smtp.mode = "reject"
    moment = timezone.now()
    mention(editor, journalist)
    for _ in range(5):
        with time_machine.travel(moment, tick=False):
            send_notification_emails()
        moment += dt.timedelta(hours=2)
    copy = copy_of(journalist)
    assert copy.email == Email.FAILED and copy.email_attempts == 3 and "550" in copy.email_error


def test_no_connection_is_a_certain_failure_tried_again(settings, editor, journalist):
    use_server(settings, free_port())
    wants(journalist, "immediate")
    mention(editor, journalist)
    send_notification_emails()
    copy = copy_of(journalist)
    assert copy.email == Email.PENDING and copy.email_attempts == 1 and "No connection" in copy.email_error


def test_a_connection_lost_after_the_message_is_unknown_and_never_sent_again(smtp, editor, journalist):
    wants(journalist, "immediate")
    smtp.mode = "hangup"
    moment = timezone.now()
    mention(editor, journalist)
    send_notification_emails()
    smtp.mode = "accept"
    for hours in (1, 5, 30):
        with time_machine.travel(moment + dt.timedelta(hours=hours), tick=False):
            send_notification_emails()
    assert len(smtp.messages) == 1  # the server had it: never a second copy
    copy = copy_of(journalist)
    assert copy.email == Email.UNKNOWN and copy.email_attempts == 1


def test_no_answer_after_the_message_is_unknown(smtp, editor, journalist, settings):
    use_server(settings, settings.MAILERS["default"]["OPTIONS"]["port"], timeout=0.5)
    wants(journalist, "immediate")
    smtp.mode = "hang"
    mention(editor, journalist)
    send_notification_emails()
    smtp.release.set()
    assert copy_of(journalist).email == Email.UNKNOWN
    send_notification_emails()
    assert len(smtp.messages) == 1


def test_a_send_left_sending_by_a_dead_worker_becomes_unknown(smtp, editor, journalist):
    wants(journalist, "immediate")
    mention(editor, journalist)
    NotificationRecipient.objects.update(email=Email.SENDING, email_claimed_at=timezone.now())
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10), tick=False):
        assert "1 lost" in send_notification_emails()
    assert copy_of(journalist).email == Email.UNKNOWN and smtp.messages == []


def test_an_editor_may_send_an_unknown_mail_again(smtp, editor, journalist, client):
    wants(journalist, "immediate")
    mention(editor, journalist)
    NotificationRecipient.objects.update(email=Email.UNKNOWN)
    client.force_login(editor)
    page = client.get("/admin/planning/notificationrecipient/?email__exact=unknown").content.decode()
    assert "dina" in page.lower()
    copy = copy_of(journalist)
    client.post(
        "/admin/planning/notificationrecipient/", {"action": "send_again", "_selected_action": [copy.pk]}, follow=True
    )
    send_notification_emails()
    assert len(smtp.messages) == 1 and copy_of(journalist).email == Email.SENT


def test_the_password_is_never_logged_nor_kept(smtp, editor, journalist, settings, caplog):
    port = settings.MAILERS["default"]["OPTIONS"]["port"]
    use_server(settings, port, username="newsroom", password="s3cret-Пароль")
    wants(journalist, "immediate")
    mention(editor, journalist)
    with caplog.at_level(logging.DEBUG):
        send_notification_emails()
    copy = copy_of(journalist)
    assert copy.email == Email.PENDING  # the server offers no AUTH: refused before anything was sent
    assert "s3cret" not in caplog.text and "s3cret" not in copy.email_error


def test_nobody_opted_in_sends_nothing(smtp, editor, journalist):
    mention(editor, journalist)
    assert "0 sent" in send_notification_emails()
    assert smtp.messages == [] and copy_of(journalist).email == ""


def test_the_documented_default_sends_nothing_and_fails_nothing(editor, journalist):
    """No EMAIL_* set and nobody opted in: the job has nothing to do, nothing is waiting."""
    PublisherFactory()
    mention(editor, journalist)
    assert send_notification_emails() == "no mail server (EMAIL_HOST)"
    assert set(NotificationRecipient.objects.values_list("email", flat=True)) == {""}

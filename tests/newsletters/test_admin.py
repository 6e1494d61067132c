"""Newsletters in the admin: each page opens for an editor within its query budget and stays
closed to journalists; a suppression list's import keeps its bad lines; an issue's buttons
(schedule, a test to oneself through a real SMTP server) and the outbox's «Send again»."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsletters.models import Delivery, Issue, IssueArticle, Newsletter, Subscriber, Subscription, Suppression
from tests.factories import ArticleFactory, PublisherFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, settings):
    """The admin in English (the language its user picks, kept in a cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def member(username, group):
    user = UserFactory(username=username, email=f"{username}@example.kz")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(client):
    user = member("timur", "Editor")
    client.force_login(user)
    return user


@pytest.fixture
def newsletter(db):
    return Newsletter.objects.create(name="Утренний дайджест", slug="morning")


@pytest.fixture
def issue(newsletter):
    PublisherFactory()
    issue = Issue.objects.create(newsletter=newsletter, subject="Главное за день", preheader="Коротко")
    for position, title in enumerate(["Нацбанк сохранил ставку", "Вторая новость"]):
        IssueArticle.objects.create(issue=issue, article=ArticleFactory(title=title), position=position)
    return issue


@pytest.fixture
def readers(newsletter):
    subscribers = []
    for number in range(3):
        subscriber = Subscriber.objects.create(email=f"reader{number}@example.kz", confirmed_at="2026-01-01T00:00Z")
        Subscription.objects.create(subscriber=subscriber, newsletter=newsletter, confirmed_at="2026-01-01T00:00Z")
        subscribers.append(subscriber)
    return subscribers


def pages(issue, readers):
    delivery = Delivery.objects.create(issue=issue, subscriber=readers[0], state=Delivery.State.UNKNOWN)
    suppression = Suppression.objects.create(email="bounced@example.kz", reason=Suppression.Reason.BOUNCE)
    return [
        reverse("admin:newsletters_newsletter_changelist"),
        reverse("admin:newsletters_newsletter_change", args=[issue.newsletter_id]),
        reverse("admin:newsletters_subscriber_changelist"),
        reverse("admin:newsletters_subscriber_change", args=[readers[0].pk]),
        reverse("admin:newsletters_suppression_changelist"),
        reverse("admin:newsletters_suppression_change", args=[suppression.pk]),
        reverse("admin:newsletters_suppression_import"),
        reverse("admin:newsletters_issue_changelist"),
        reverse("admin:newsletters_issue_add"),
        reverse("admin:newsletters_issue_change", args=[issue.pk]),
        reverse("admin:newsletters_issue_preview", args=[issue.pk]),
        reverse("admin:newsletters_delivery_changelist"),
        reverse("admin:newsletters_delivery_change", args=[delivery.pk]),
    ]


def test_every_newsletter_page_opens_for_an_editor_within_its_budget(
    client, editor, issue, readers, django_assert_max_num_queries
):
    for url in pages(issue, readers):
        with django_assert_max_num_queries(20):
            response = client.get(url)
        assert response.status_code == 200, url


def test_the_newsletter_list_counts_confirmed_readers_in_a_fixed_number_of_queries(
    client, editor, newsletter, readers, django_assert_max_num_queries
):
    Subscription.objects.filter(subscriber=readers[2]).update(unsubscribed_at="2026-02-01T00:00Z")
    for number in range(5):
        Newsletter.objects.create(name=f"Рассылка {number}", slug=f"n{number}")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:newsletters_newsletter_changelist"))
    row = next(row for row in response.content.decode().split("<tr") if "Утренний дайджест" in row)
    assert '<td class="field-readers">2</td>' in row


def test_a_journalist_reaches_no_newsletter_page(client, issue, readers):
    client.force_login(member("dina", "Journalist"))
    for url in pages(issue, readers):
        assert client.get(url).status_code == 403, url


def test_without_a_mail_server_the_issue_and_newsletter_pages_say_nothing_is_sent(client, editor, issue, settings):
    settings.EMAIL_ENABLED = False
    for url in [
        reverse("admin:newsletters_issue_change", args=[issue.pk]),
        reverse("admin:newsletters_newsletter_changelist"),
    ]:
        assert "No mail server is configured (EMAIL_HOST" in client.get(url).content.decode()


def test_importing_suppressions_adds_the_good_lines_and_gives_back_the_bad_ones(client, editor):
    Suppression.objects.create(email="known@example.kz")
    text = "one@example.kz\n\nnot an address\nKNOWN@example.kz\n<script>@x\ntwo@example.kz"
    upload = SimpleUploadedFile("bounces.csv", b"\xef\xbb\xbfthree@example.kz,hard bounce\nbroken;x\n")
    response = client.post(
        reverse("admin:newsletters_suppression_import"),
        {"addresses": text, "file": upload, "reason": "bounce", "note": "ESP export"},
        follow=True,
    )
    html = response.content.decode()
    assert set(Suppression.objects.values_list("email", flat=True)) == {
        "known@example.kz",
        "one@example.kz",
        "two@example.kz",
        "three@example.kz",
    }
    assert Suppression.objects.get(email="three@example.kz").reason == "bounce"
    assert "line 3" in html and "line 5" in html and "line 2" in html  # the file's line 2
    assert "&lt;script&gt;@x" in html and "<script>@x" not in html
    textarea = html.split("<textarea", 1)[1].split("</textarea>", 1)[0]
    assert "not an address" in textarea and "broken;x" in textarea and "one@example.kz" not in textarea
    assert "3 addresses added" in html


def test_scheduling_an_issue_without_articles_says_why(client, editor, newsletter):
    issue = Issue.objects.create(newsletter=newsletter, subject="Пусто")
    response = client.post(reverse("admin:newsletters_issue_schedule", args=[issue.pk]), {"now": "1"}, follow=True)
    assert "This issue has no published article: add one before sending." in response.content.decode()
    issue.refresh_from_db()
    assert issue.state == Issue.State.DRAFT


def test_an_issue_is_scheduled_then_back_to_draft(client, editor, issue):
    client.post(reverse("admin:newsletters_issue_schedule", args=[issue.pk]), {"at": "2031-05-06T09:30"})
    issue.refresh_from_db()
    assert issue.state == Issue.State.SCHEDULED and issue.send_at.year == 2031
    client.post(reverse("admin:newsletters_issue_unschedule", args=[issue.pk]))
    issue.refresh_from_db()
    assert issue.state == Issue.State.DRAFT


def test_a_sent_issue_is_read_only(client, editor, issue):
    Issue.objects.filter(pk=issue.pk).update(state=Issue.State.SENT)
    url = reverse("admin:newsletters_issue_change", args=[issue.pk])
    html = client.get(url).content.decode()
    assert 'name="subject"' not in html and "Send now" not in html
    client.post(url, {"newsletter": issue.newsletter_id, "subject": "Другое"})
    client.post(reverse("admin:newsletters_issue_schedule", args=[issue.pk]), {"now": "1"})
    issue.refresh_from_db()
    assert issue.subject == "Главное за день" and issue.state == Issue.State.SENT


def test_an_empty_issue_says_not_sent_no_news(client, editor, newsletter):
    issue = Issue.objects.create(newsletter=newsletter, subject="Пусто", state=Issue.State.EMPTY)
    html = client.get(reverse("admin:newsletters_issue_change", args=[issue.pk])).content.decode()
    assert "Not sent: no news" in html


def test_the_issue_page_counts_its_deliveries_and_shows_the_last_error(client, editor, issue, readers):
    Delivery.objects.create(issue=issue, subscriber=readers[0], state=Delivery.State.SENT)
    Delivery.objects.create(issue=issue, subscriber=readers[1], state=Delivery.State.UNKNOWN)
    Issue.objects.filter(pk=issue.pk).update(state=Issue.State.SENDING, last_error="451 Mailbox busy")
    html = client.get(reverse("admin:newsletters_issue_change", args=[issue.pk])).content.decode()
    assert "Unknown: may have been sent" in html and "451 Mailbox busy" in html
    assert "1 mail is unknown or failed" in html


def test_the_preview_is_the_mail_with_the_readers_links_pointing_nowhere(client, editor, issue):
    response = client.get(reverse("admin:newsletters_issue_preview", args=[issue.pk]))
    html = response.content.decode()
    assert "Нацбанк сохранил ставку" in html and 'href="#"' in html and "%%" not in html
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_test_goes_to_the_editor_through_the_mail_server(client, editor, issue, smtp):
    response = client.post(reverse("admin:newsletters_issue_test", args=[issue.pk]), follow=True)
    assert "A test was sent to timur@example.kz." in response.content.decode()
    (message,) = smtp.messages
    assert message["To"] == "timur@example.kz" and message["Subject"] == "Главное за день"
    assert message["List-Unsubscribe"].startswith("<https://dknews.kz/")
    html = message.get_body(("html",)).get_content()
    assert "Нацбанк сохранил ставку" in html
    assert not Delivery.objects.exists()


def test_a_refused_test_says_why(client, editor, issue, smtp):
    smtp.mode = "reject"
    response = client.post(reverse("admin:newsletters_issue_test", args=[issue.pk]), follow=True)
    assert "The test was not sent: The mail server refused the message" in response.content.decode()


def test_a_test_without_a_mail_server_says_it_is_not_configured(client, editor, issue, settings):
    settings.EMAIL_ENABLED = False
    response = client.post(reverse("admin:newsletters_issue_test", args=[issue.pk]), follow=True)
    assert "no mail server is configured (EMAIL_HOST is not set)" in response.content.decode()


def test_send_again_asks_first_then_resends_only_unknown_and_failed(client, editor, issue, readers):
    Issue.objects.filter(pk=issue.pk).update(state=Issue.State.SENT)
    unknown = Delivery.objects.create(issue=issue, subscriber=readers[0], state=Delivery.State.UNKNOWN)
    sent = Delivery.objects.create(issue=issue, subscriber=readers[1], state=Delivery.State.SENT)
    data = {"action": "send_again", "_selected_action": [unknown.pk, sent.pk]}
    url = reverse("admin:newsletters_delivery_changelist")
    asked = client.post(url, data).content.decode()
    assert "may then get it twice" in asked and "reader0@example.kz" in asked
    unknown.refresh_from_db()
    assert unknown.state == Delivery.State.UNKNOWN
    client.post(url, {**data, "confirmed": "yes"})
    unknown.refresh_from_db()
    sent.refresh_from_db()
    issue.refresh_from_db()
    assert unknown.state == Delivery.State.PENDING and sent.state == Delivery.State.SENT
    assert issue.state == Issue.State.SENDING


def test_readers_cannot_be_added_by_hand(client, editor):
    assert client.get(reverse("admin:newsletters_subscriber_add")).status_code == 403


def test_a_superuser_erases_a_reader_who_got_mails_with_their_outbox_rows(client, issue, readers):
    """docs/newsletters.md: "To erase a reader on request, delete the subscriber in the admin";
    their deliveries go with them, though the outbox itself never deletes a row."""
    Delivery.objects.create(issue=issue, subscriber=readers[0], state=Delivery.State.SENT)
    kept = Delivery.objects.create(issue=issue, subscriber=readers[1], state=Delivery.State.SENT)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:newsletters_subscriber_delete", args=[readers[0].pk])
    asked = client.get(url).content.decode()
    assert "permission to delete" not in asked
    client.post(url, {"post": "yes"})
    assert not Subscriber.objects.filter(pk=readers[0].pk).exists()
    assert list(Delivery.objects.all()) == [kept]
    assert client.get(reverse("admin:newsletters_delivery_delete", args=[kept.pk])).status_code == 403


def test_deleting_a_newsletter_with_issues_says_they_are_protected(client, editor, issue):
    url = reverse("admin:newsletters_newsletter_delete", args=[issue.newsletter_id])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert Newsletter.objects.filter(pk=issue.newsletter_id).exists()

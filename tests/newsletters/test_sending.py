"""Sending newsletters against a real SMTP server on this machine (aiosmtpd, tests/mailserver.py):
an issue reaches each confirmed reader once however often the job runs, and nobody else (an
unsubscribe or a suppression counts even after the issue started); RFC 8058's one-click headers
and both parts; a refusal tried again after its backoff, an unknown outcome never repeated but by
an editor; the rate limit; the automatic daily issue (built at its time, "empty" without news,
not sent when too late); the confirmation mail; a batch left by a dead worker; and the documented
default (no EMAIL_HOST), which sends nothing and fails nothing."""

import datetime as dt
import email
import email.policy
import time

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article
from articles.services import article_withdraw
from newsletters.mail import WireMail, issue_message, prepared_issue_message, render_issue
from newsletters.models import Delivery, Issue, Newsletter, Subscriber, Subscription, Suppression
from newsletters.services import (
    confirm,
    confirmation_code,
    deliveries_send_again,
    issue_schedule,
    set_articles,
    start_due_issues,
    subscribe,
    suppress,
    unsubscribe,
)
from newsletters.tasks import claim_batch, mark_lost, send_batch, send_newsletters
from tests.factories import ArticleFactory, PublisherFactory, UserFactory
from tests.mailserver import use_server

pytestmark = pytest.mark.django_db
State = Delivery.State


@pytest.fixture
def newsletter():
    return Newsletter.objects.create(
        name="Главное за день", slug="daily", schedule=Newsletter.Schedule.MANUAL, fill=Newsletter.Fill.EDITOR
    )


def reader(newsletter, email, *, confirmed=True) -> Subscriber:
    now = timezone.now() if confirmed else None
    subscriber = Subscriber.objects.create(email=email, confirmed_at=now)
    Subscription.objects.create(subscriber=subscriber, newsletter=newsletter, confirmed_at=now)
    return subscriber


def scheduled_issue(newsletter, articles=None, *, at=None) -> Issue:
    issue = Issue.objects.create(newsletter=newsletter, subject="Главное за день")
    set_articles(issue, articles or [ArticleFactory(title="Главная новость дня")])
    return issue_schedule(issue=issue, at=at)


def addresses(smtp) -> list[str]:
    return sorted(message["To"] for message in smtp.messages)


def states() -> dict[str, str]:
    return dict(Delivery.objects.values_list("subscriber__email", "state"))


def text_and_html(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_a_confirmed_reader_gets_an_issue_once_however_often_the_job_runs(smtp, newsletter):
    reader(newsletter, "aigul@example.kz")
    issue = scheduled_issue(newsletter)
    for _ in range(3):
        send_newsletters()
    assert addresses(smtp) == ["aigul@example.kz"]
    assert smtp.messages[0]["Subject"] == "Главное за день"
    delivery = Delivery.objects.get()
    assert delivery.state == State.SENT and delivery.attempts == 1 and delivery.sent_at is not None
    issue.refresh_from_db()
    assert issue.state == Issue.State.SENT and issue.recipients == 1 and issue.finished_at is not None


def test_unconfirmed_unsubscribed_and_suppressed_readers_get_nothing(smtp, newsletter):
    reader(newsletter, "aigul@example.kz")
    reader(newsletter, "waiting@example.kz", confirmed=False)
    leaving = reader(newsletter, "leaving@example.kz")
    reader(newsletter, "Bounced@Example.kz")
    scheduled_issue(newsletter)
    start_due_issues()  # the deliveries are written for the readers of that moment
    assert set(states()) == {"aigul@example.kz", "leaving@example.kz", "Bounced@Example.kz"}

    # After the issue started: checked when each mail is sent.
    unsubscribe(subscriber=leaving, newsletter=newsletter)
    suppress(["bounced@example.kz"], reason=Suppression.Reason.BOUNCE)
    send_newsletters()
    send_newsletters()
    assert addresses(smtp) == ["aigul@example.kz"]
    assert states() == {
        "aigul@example.kz": State.SENT,
        "leaving@example.kz": State.SKIPPED,
        "Bounced@Example.kz": State.SKIPPED,
    }
    assert Issue.objects.get().state == Issue.State.SENT


def test_each_mail_has_one_click_unsubscribe_headers_and_html_and_text_parts(smtp, newsletter):
    subscriber = reader(newsletter, "aigul@example.kz")
    article = ArticleFactory(title="Главная новость дня")
    scheduled_issue(newsletter, [article])
    send_newsletters()
    (message,) = smtp.messages
    with translation.override(subscriber.language):
        path = reverse("newsletters:unsubscribe", args=[subscriber.token, newsletter.pk])
    url = f"https://dknews.kz{path}"
    assert len(f"List-Unsubscribe: <{url}>") > 78  # Python's email package would have folded it
    raw = [value for name, value in message.raw_items() if name.lower() == "list-unsubscribe"]
    assert raw == [f"<{url}>"]  # one header on one line, not an encoded word
    assert message.get_all("List-Unsubscribe-Post") == ["List-Unsubscribe=One-Click"]
    text, html = text_and_html(message)
    assert article.title in text and article.title in html
    assert url in text and url in html
    assert "%%" not in text and "%%" not in html


def test_a_refused_mail_is_tried_again_after_its_backoff_and_then_sent_once(smtp, newsletter):
    reader(newsletter, "aigul@example.kz")
    start = timezone.now()
    smtp.mode = "refuse"
    with time_machine.travel(start, tick=False):
        issue = scheduled_issue(newsletter)
        send_newsletters()
    delivery = Delivery.objects.get()
    assert delivery.state == State.PENDING and delivery.attempts == 1 and "451" in delivery.error
    assert delivery.next_attempt_at > start and smtp.messages == []
    smtp.mode = "accept"
    with time_machine.travel(start + dt.timedelta(seconds=1), tick=False):
        send_newsletters()  # not due yet
    assert smtp.messages == []
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1), tick=False):
        send_newsletters()
        send_newsletters()
    assert addresses(smtp) == ["aigul@example.kz"]
    delivery.refresh_from_db()
    assert delivery.state == State.SENT and delivery.attempts == 2 and delivery.error == ""
    issue.refresh_from_db()
    assert issue.state == Issue.State.SENT


def test_a_mail_rejected_every_time_fails_after_its_attempts(smtp, settings, newsletter):
    settings.NEWSLETTER_MAX_ATTEMPTS = 3
    reader(newsletter, "gone@example.kz")
    smtp.mode = "reject"
    moment = timezone.now()
    scheduled_issue(newsletter)
    for _ in range(5):
        with time_machine.travel(moment, tick=False):
            send_newsletters()
        moment += dt.timedelta(hours=2)
    delivery = Delivery.objects.get()
    assert delivery.state == State.FAILED and delivery.attempts == 3 and "550" in delivery.error
    assert Issue.objects.get().state == Issue.State.SENT  # nothing left to send


@pytest.mark.parametrize("mode", ["hangup", "hang"])
def test_a_mail_whose_outcome_is_unknown_is_never_sent_again_but_by_an_editor(smtp, settings, newsletter, mode):
    if mode == "hang":  # the server takes the message and never answers: the timeout ends it
        use_server(settings, settings.MAILERS["default"]["OPTIONS"]["port"], timeout=0.5)
    reader(newsletter, "first@example.kz")
    reader(newsletter, "second@example.kz")
    start = timezone.now()
    smtp.mode = mode
    with time_machine.travel(start, tick=False):
        scheduled_issue(newsletter)
        send_newsletters()
    smtp.release.set()
    smtp.mode = "accept"
    # The first mail may have gone; the second was never tried (the connection was lost).
    assert states() == {"first@example.kz": State.UNKNOWN, "second@example.kz": State.PENDING}
    for hours in (1, 5, 30):
        with time_machine.travel(start + dt.timedelta(hours=hours), tick=False):
            send_newsletters()
    assert addresses(smtp) == ["first@example.kz", "second@example.kz"]
    assert states() == {"first@example.kz": State.UNKNOWN, "second@example.kz": State.SENT}
    assert Issue.objects.get().state == Issue.State.SENT

    assert deliveries_send_again(Delivery.objects.filter(state=State.UNKNOWN)) == 1
    assert Issue.objects.get().state == Issue.State.SENDING
    send_newsletters()
    send_newsletters()
    assert addresses(smtp) == ["first@example.kz", "first@example.kz", "second@example.kz"]
    assert set(states().values()) == {State.SENT}
    assert Issue.objects.get().state == Issue.State.SENT


def test_the_rate_limit_stops_a_run_and_the_rest_go_the_next_minute(smtp, settings, newsletter):
    settings.NEWSLETTER_RATE_PER_MINUTE = 3
    for n in range(5):
        reader(newsletter, f"reader{n}@example.kz")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        scheduled_issue(newsletter)
        send_newsletters()
        send_newsletters()
    assert len(smtp.messages) == 3
    assert Issue.objects.get().state == Issue.State.SENDING
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        send_newsletters()
        send_newsletters()
    assert addresses(smtp) == [f"reader{n}@example.kz" for n in range(5)]
    assert Issue.objects.get().state == Issue.State.SENT


# -- The automatic daily newsletter --------------------------------------------------------------


def morning() -> dt.datetime:
    """Today's 08:00 in newsroom time (Almaty): the daily newsletter's slot."""
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(8, 0)))


@pytest.fixture
def daily():
    """An automatic daily newsletter at 08:00, created the evening before today's slot."""
    with time_machine.travel(morning() - dt.timedelta(hours=12), tick=False):
        newsletter = Newsletter.objects.create(name="Утро", slug="morning", send_time=dt.time(8, 0))
    assert newsletter.schedule == Newsletter.Schedule.DAILY and newsletter.fill == Newsletter.Fill.AUTOMATIC
    return newsletter


def test_the_daily_newsletter_is_built_from_the_main_and_top_stories_at_its_time_and_sent_once(smtp, daily):
    slot = morning()
    reader(daily, "aigul@example.kz")
    top = ArticleFactory(
        title="Новость верхнего блока", importance=Article.Importance.TOP, publish_at=slot - dt.timedelta(hours=2)
    )
    main = ArticleFactory(
        title="Главная новость", importance=Article.Importance.MAIN, publish_at=slot - dt.timedelta(hours=5)
    )
    ArticleFactory(title="Обычная новость ленты", publish_at=slot - dt.timedelta(hours=1))
    ArticleFactory(
        title="Вышла после рассылки", importance=Article.Importance.MAIN, publish_at=slot + dt.timedelta(minutes=1)
    )
    with time_machine.travel(slot - dt.timedelta(minutes=1), tick=False):
        send_newsletters()
    assert Issue.objects.count() == 0 and smtp.messages == []
    for minutes in (0, 1, 10):
        with time_machine.travel(slot + dt.timedelta(minutes=minutes, seconds=5), tick=False):
            send_newsletters()
    issue = Issue.objects.get()
    assert issue.slot == slot and issue.state == Issue.State.SENT
    assert list(issue.items.values_list("article_id", flat=True)) == [main.pk, top.pk]
    assert addresses(smtp) == ["aigul@example.kz"]
    text, html = text_and_html(smtp.messages[0])
    assert html.index("Главная новость") < html.index("Новость верхнего блока")
    assert "Обычная новость ленты" not in text and "Вышла после рассылки" not in text


def test_a_day_without_news_leaves_an_empty_issue_and_sends_nothing(smtp, daily):
    reader(daily, "aigul@example.kz")
    with time_machine.travel(morning() + dt.timedelta(seconds=5), tick=False):
        send_newsletters()
        send_newsletters()
    issue = Issue.objects.get()
    assert issue.state == Issue.State.EMPTY and smtp.messages == [] and not Delivery.objects.exists()


def test_a_slot_older_than_the_late_hours_is_not_sent(smtp, settings, daily):
    slot = morning()
    reader(daily, "aigul@example.kz")
    ArticleFactory(importance=Article.Importance.MAIN, publish_at=slot - dt.timedelta(hours=1))
    with time_machine.travel(slot + dt.timedelta(hours=settings.NEWSLETTER_LATE_HOURS, minutes=1), tick=False):
        send_newsletters()
    assert not Issue.objects.exists() and smtp.messages == []


def test_an_article_withdrawn_between_schedule_and_send_is_not_in_the_mail(smtp, newsletter):
    reader(newsletter, "aigul@example.kz")
    kept = ArticleFactory(title="Остаётся в рассылке")
    withdrawn = ArticleFactory(title="Снята с сайта")
    send_at = timezone.now() + dt.timedelta(hours=1)
    scheduled_issue(newsletter, [withdrawn, kept], at=send_at)
    article_withdraw(article=withdrawn, by=UserFactory(username="chief", is_superuser=True))
    with time_machine.travel(send_at + dt.timedelta(seconds=5), tick=False):
        send_newsletters()
    text, html = text_and_html(smtp.messages[0])
    assert kept.title in text and kept.title in html
    assert withdrawn.title not in text and withdrawn.title not in html
    assert withdrawn.get_absolute_url() not in html


# -- Confirmation mails --------------------------------------------------------------------------


def test_a_confirmation_mail_goes_once(smtp, newsletter):
    assert subscribe(email="new@example.kz", newsletters=[newsletter], language="ru")
    subscriber = Subscriber.objects.get()
    assert subscriber.confirm_state == Subscriber.ConfirmState.PENDING
    send_newsletters()
    send_newsletters()
    assert addresses(smtp) == ["new@example.kz"]
    text, html = text_and_html(smtp.messages[0])
    assert "https://dknews.kz/newsletters/confirm/" in text and newsletter.name in text
    subscriber.refresh_from_db()
    assert subscriber.confirm_state == Subscriber.ConfirmState.SENT and subscriber.confirm_attempts == 1
    assert subscriber.confirm_sent_at is not None and subscriber.confirmed_at is None


def test_a_refused_confirmation_mail_is_tried_again_and_sent_once(smtp, newsletter):
    start = timezone.now()
    smtp.mode = "refuse"
    with time_machine.travel(start, tick=False):
        subscribe(email="new@example.kz", newsletters=[newsletter], language="ru")
        send_newsletters()
    subscriber = Subscriber.objects.get()
    assert subscriber.confirm_state == Subscriber.ConfirmState.PENDING and "451" in subscriber.confirm_error
    assert subscriber.confirm_next_attempt_at > start and smtp.messages == []
    smtp.mode = "accept"
    with time_machine.travel(subscriber.confirm_next_attempt_at + dt.timedelta(seconds=1), tick=False):
        send_newsletters()
        send_newsletters()
    assert addresses(smtp) == ["new@example.kz"]
    subscriber.refresh_from_db()
    assert subscriber.confirm_state == Subscriber.ConfirmState.SENT and subscriber.confirm_attempts == 2


def test_line_breaks_in_a_subject_a_name_or_a_from_name_do_not_stop_the_send(smtp, newsletter):
    """A line break typed (or imported) into a header's text would make the email package refuse
    the whole mail, the run stop with its batch claimed, and readers marked «unknown» who got
    nothing: each header is one line, the breaks spaces."""
    Newsletter.objects.filter(pk=newsletter.pk).update(name="Главное\r\nза день", from_name="DKNews\nBcc: x@evil.kz")
    newsletter.refresh_from_db()
    reader(newsletter, "aigul@example.kz")
    reader(newsletter, "Aigul.O'Brien+news@Example.kz")
    issue = Issue.objects.create(newsletter=newsletter, subject="Главное\r\nBcc: x@evil.kz")
    set_articles(issue, [ArticleFactory(title="Главная новость дня")])
    issue_schedule(issue=issue)
    send_newsletters()
    assert set(states().values()) == {State.SENT}
    assert addresses(smtp) == ["Aigul.O'Brien+news@Example.kz", "aigul@example.kz"]
    message = smtp.messages[0]
    assert message["Subject"] == "Главное Bcc: x@evil.kz" and message["Bcc"] is None
    assert message["From"].addresses[0].display_name == "DKNews Bcc: x@evil.kz"
    assert message["List-Id"].startswith("Главное за день <")


def test_a_line_break_in_the_agencys_name_does_not_stop_a_confirmation_mail(smtp, newsletter):
    PublisherFactory(short_name="МИА\r\n«DKNews»")
    subscribe(email="new@example.kz", newsletters=[newsletter], language="ru")
    send_newsletters()
    assert Subscriber.objects.get().confirm_state == Subscriber.ConfirmState.SENT
    (message,) = smtp.messages
    assert "\n" not in message["Subject"] and message["From"].addresses[0].display_name == "МИА «DKNews»"


# -- A dead worker's batch, the run's deadline ---------------------------------------------------


def test_a_batch_left_sending_by_a_dead_worker_loses_its_first_mail_and_sends_the_rest_once(smtp, newsletter):
    for name in ("first", "second", "third"):
        reader(newsletter, f"{name}@example.kz")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        scheduled_issue(newsletter)
        start_due_issues()
        claim, rows = claim_batch(10)  # the dead worker's claim: it sent nothing we know of
    assert len(rows) == 3 and set(states().values()) == {State.SENDING}

    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        assert "0 lost" in send_newsletters()  # a live worker's batch is left to it
    assert set(states().values()) == {State.SENDING} and smtp.messages == []

    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        assert mark_lost(timezone.now()) == 1
        assert states() == {
            "first@example.kz": State.UNKNOWN,
            "second@example.kz": State.PENDING,
            "third@example.kz": State.PENDING,
        }
        send_newsletters()
        send_newsletters()
    assert addresses(smtp) == ["second@example.kz", "third@example.kz"]
    assert states()["first@example.kz"] == State.UNKNOWN
    # The rows never tried were not counted as an attempt.
    assert set(Delivery.objects.filter(state=State.SENT).values_list("attempts", flat=True)) == {1}


def test_a_batch_stops_at_the_runs_deadline_and_its_untried_mails_wait_uncounted(smtp, newsletter):
    reader(newsletter, "first@example.kz")
    reader(newsletter, "second@example.kz")
    scheduled_issue(newsletter)
    start_due_issues()
    claim, rows = claim_batch(10)
    counts = send_batch(claim, rows, {}, deadline=time.monotonic())  # the run's time is up
    assert counts["sent"] == 0 and smtp.messages == []
    assert set(Delivery.objects.values_list("state", "attempts", "claim")) == {(State.PENDING, 0, "")}


# -- The documented default: no mail server ------------------------------------------------------


def test_without_a_mail_server_nothing_is_sent_started_or_failed(newsletter):
    assert not django_settings.EMAIL_ENABLED  # EMAIL_HOST unset, as newsroom/settings.py documents
    reader(newsletter, "aigul@example.kz")
    subscribe(email="new@example.kz", newsletters=[newsletter], language="ru")
    issue = scheduled_issue(newsletter)
    result = send_newsletters()
    assert "no mail server" in result
    assert mail.outbox == []
    issue.refresh_from_db()
    assert issue.state == Issue.State.SCHEDULED and not Delivery.objects.exists()
    assert Subscriber.objects.get(email="new@example.kz").confirm_state == Subscriber.ConfirmState.PENDING


# -- The wire form: each copy made from the issue's bytes ----------------------------------------


def test_a_copy_made_from_the_wire_form_is_the_mail_the_email_package_writes(newsletter, settings):
    settings.SITE_URL = "https://dknews.kz"
    subscriber = reader(newsletter, "Aigul.O'Brien+news@Example.kz")
    rendered = render_issue(scheduled_issue(newsletter, [ArticleFactory(title="Главная новость дня")]))
    fast = prepared_issue_message(rendered, subscriber)
    assert isinstance(fast, WireMail)
    fast_message = email.message_from_bytes(fast.message().as_bytes(), policy=email.policy.default)
    slow_bytes = issue_message(rendered, subscriber).message(policy=email.policy.SMTP).as_bytes()
    slow_message = email.message_from_bytes(slow_bytes, policy=email.policy.default)
    per_mail = {"Message-ID", "Date", "Content-Type"}  # Content-Type: the random MIME boundary
    assert [(k, v) for k, v in fast_message.items() if k not in per_mail] == [
        (k, v) for k, v in slow_message.items() if k not in per_mail
    ]
    assert fast_message["To"] == "Aigul.O'Brien+news@Example.kz"
    assert fast_message["Message-ID"] != slow_message["Message-ID"]
    assert text_and_html(fast_message) == text_and_html(slow_message)
    assert prepared_issue_message(rendered, subscriber).message().as_bytes() != fast.message().as_bytes()


def test_an_address_that_cannot_go_in_as_it_is_gets_the_email_packages_copy(newsletter, settings):
    settings.SITE_URL = "https://dknews.kz"
    subscriber = reader(newsletter, "айгуль@пример.kz")
    rendered = render_issue(scheduled_issue(newsletter))
    assert not isinstance(prepared_issue_message(rendered, subscriber), WireMail)


def test_an_address_that_looks_like_a_marker_is_written_as_it_is(newsletter, settings):
    """An address that contains one of the wire form's markers (``%`` is allowed before the @) is
    not itself replaced by the reader's unsubscribe link."""
    settings.SITE_URL = "https://dknews.kz"
    subscriber = reader(newsletter, "%%UNSUBSCRIBE%%@example.kz")
    rendered = render_issue(scheduled_issue(newsletter))
    copy = email.message_from_bytes(prepared_issue_message(rendered, subscriber).message().as_bytes())
    assert copy["To"] == "%%UNSUBSCRIBE%%@example.kz"


def test_an_address_the_mailer_cannot_write_is_refused_and_the_others_still_go(smtp, newsletter):
    """Django's SMTP backend refuses a non-ASCII local part (ValueError) before anything reaches
    the server: that mail is refused (tried again, then failed), never «unknown», and the run
    goes on with the next reader instead of stopping with its batch claimed."""
    reader(newsletter, "айгуль@пример.kz")
    reader(newsletter, "aigul@example.kz")
    scheduled_issue(newsletter)
    send_newsletters()
    assert addresses(smtp) == ["aigul@example.kz"]
    delivery = Delivery.objects.get(subscriber__email="айгуль@пример.kz")
    assert delivery.state == State.PENDING and delivery.claim == "" and "айгуль" in delivery.error


def test_a_paused_newsletters_scheduled_issue_waits_until_it_is_active_again(smtp, newsletter):
    reader(newsletter, "aigul@example.kz")
    issue = scheduled_issue(newsletter)
    Newsletter.objects.filter(pk=newsletter.pk).update(active=False)
    send_newsletters()
    issue.refresh_from_db()
    assert issue.state == Issue.State.SCHEDULED and smtp.messages == []
    Newsletter.objects.filter(pk=newsletter.pk).update(active=True)
    send_newsletters()
    assert addresses(smtp) == ["aigul@example.kz"]


def test_confirming_again_lifts_an_imported_suppression_but_never_a_complaint(smtp, newsletter):
    suppress(["imported@example.kz"], reason=Suppression.Reason.IMPORT)
    suppress(["complained@example.kz"], reason=Suppression.Reason.COMPLAINT)
    for address in ("imported@example.kz", "complained@example.kz"):
        subscribe(email=address, newsletters=[newsletter], language="ru")
    send_newsletters()
    assert addresses(smtp) == ["imported@example.kz"]  # no confirmation mail to a complaint
    confirm(code=confirmation_code(Subscriber.objects.get(email="imported@example.kz")))
    assert list(Suppression.objects.values_list("email", flat=True)) == ["complained@example.kz"]
    scheduled_issue(newsletter)
    send_newsletters()
    assert addresses(smtp).count("imported@example.kz") == 2  # the confirmation, then the issue

"""Telegram channels (distribution/tasks.py, distribution/telegram.py): each published article
posted once per matching channel, edited after a significant update, deleted on withdrawal;
retries, refusals and the never-twice rule, against a local fake of the Bot API
(fake_telegram.py) that checks what Telegram checks.

The periodic job plans; the tasks it queues send. Here both run in the test's process on the real
queue (django-tasks-db, in the test database) with the worker's own code (``deliver``: the job,
then the queued tasks that are due, as one pass of ``manage.py worker`` does); time passes with
time-machine, so a retry runs when production would run it. The real worker process drives it
in test_telegram_worker.py."""

import datetime as dt
import logging

import pytest
from django.db import OperationalError
from django.tasks.base import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from agencies.models import Agency
from articles.models import Article, Correction
from articles.services import article_note_significant_update, article_withdraw
from distribution import telegram
from distribution.models import TelegramChannel, TelegramFollowUp, TelegramPost
from distribution.tasks import deliver_telegram, plan_posts
from jobs.worker import Worker
from tests.distribution.fake_telegram import CHAT, TOKEN, FakeBotAPI, parse_entities
from tests.factories import ArticleFactory, PhotoFactory, PublisherFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def queue(settings):
    """The real queue, as production has it. (The suite's default, Django's immediate backend,
    would run a task inside ``.enqueue()``, before the post's row is committed, and cannot hold a
    retry for later: what these tests assert.)"""
    settings.TASKS = DATABASE_BACKEND


@pytest.fixture
def fake_default_site(settings):
    """The fake Bot API, with SITE_URL left at its documented default (unset: https:// and the
    publisher's domain)."""
    assert not settings.SITE_URL
    server = FakeBotAPI().start()
    settings.TELEGRAM_API_BASE = server.base
    settings.TELEGRAM_TIMEOUT_SECONDS = 3
    yield server
    server.stop()


@pytest.fixture
def fake(fake_default_site, settings):
    """The fake Bot API, with SITE_URL set (its sibling, ``fake_default_site``, leaves it unset)."""
    settings.SITE_URL = "https://dknews.kz"
    return fake_default_site


@pytest.fixture
def channel(db):
    return TelegramChannel.objects.create(name="DKNews", chat_id=CHAT, bot_token=TOKEN)


def post_of(article, channel) -> TelegramPost:
    return TelegramPost.objects.get(article=article, channel=channel)


def run_tasks() -> int:
    """The queued tasks that are due, run by the worker's own code until none is left."""
    worker = Worker(worker_id="test")
    ran = 0
    while worker.run_once():
        ran += 1
    return ran


def deliver() -> str:
    """One pass of the worker: the periodic job, then the tasks it queued."""
    result = deliver_telegram()
    run_tasks()
    return result


def travel(time_machine, to: dt.datetime) -> None:
    """The clock stands at ``to``: what was queued for then is due."""
    time_machine.move_to(to, tick=False)


def queued(task_name: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path__endswith=f".{task_name}"))


# -- The message ------------------------------------------------------------------------------


def test_the_message_escapes_telegram_html_and_keeps_the_headline_bold():
    article = ArticleFactory.build(
        title='Курс <b>тенге</b> & «доллар» &amp; "евро"',
        lead="Лид: 2 < 3 & 5 > 4, передает DKNews.kz",
        language="ru",
    )
    text = telegram.render(article, url="https://dknews.kz/news/kurs?a=1&b=2", with_photo=False)
    visible, error = parse_entities(text)
    assert error == ""
    assert text.startswith('<b>Курс &lt;b&gt;тенге&lt;/b&gt; &amp; «доллар» &amp;amp; "евро"</b>')
    assert visible.splitlines()[0] == 'Курс <b>тенге</b> & «доллар» &amp; "евро"'
    assert "Лид: 2 < 3 & 5 > 4, передает DKNews.kz" in visible
    assert '<a href="https://dknews.kz/news/kurs?a=1&amp;b=2">Читать на сайте</a>' in text


@pytest.mark.parametrize(("with_photo", "limit"), [(True, 1024), (False, 4096)])
def test_a_10000_character_lead_is_cut_at_a_word_within_the_limit(with_photo, limit):
    lead = " ".join(["Қазақстан"] + ["слово"] * 2000)  # about 12,000 characters
    article = ArticleFactory.build(title="Заголовок", lead=lead, language="kk")
    text = telegram.render(article, url="https://dknews.kz/kk/news/x", with_photo=with_photo)
    visible, error = parse_entities(text)
    assert error == ""
    assert limit - 10 < telegram.visible_length(visible) <= limit
    shown_lead = visible.split("\n\n")[1]
    assert shown_lead.endswith("слово…")  # a whole word, then the ellipsis
    assert "Сайтта оқу" in visible  # the link, in the article's language, survives the cut


def test_cut_at_word_counts_as_telegram_does():
    assert telegram.cut_at_word("короткий текст", 100) == "короткий текст"
    assert telegram.cut_at_word("один два три четыре", 12) == "один два…"
    assert telegram.cut_at_word("оченьдлинноеслово", 6) == "очень…"  # no space: cut inside
    assert telegram.visible_length("😀") == 2  # UTF-16, like Telegram
    assert telegram.cut_at_word("😀 😀 😀", 5) == "😀…"


# -- Posting ----------------------------------------------------------------------------------


def test_a_published_article_is_posted_once_to_each_matching_channel(fake, channel):
    economy = SectionFactory(name="Экономика")
    kazakh = TelegramChannel.objects.create(name="Қазақша", chat_id="@kk", bot_token=TOKEN, languages=["kk"])
    economy_only = TelegramChannel.objects.create(name="Экономика", chat_id="@eco", bot_token=TOKEN)
    economy_only.sections.set([economy])
    TelegramChannel.objects.create(name="Выключен", chat_id="@off", bot_token=TOKEN, active=False)
    fake.chats |= {"@kk", "@eco", "@off"}

    article = ArticleFactory(title="Новость по-русски", section=economy, language="ru")
    ArticleFactory(title="Другая новость", language="ru")
    deliver()
    deliver()  # a second run sends nothing again

    calls = fake.sent("sendMessage")
    assert sorted((call.fields["chat_id"], call.fields["text"].split("</b>")[0]) for call in calls) == [
        ("@eco", "<b>Новость по-русски"),
        (CHAT, "<b>Другая новость"),
        (CHAT, "<b>Новость по-русски"),
    ]
    post = post_of(article, channel)
    assert post.state == "sent" and post.message_id and post.attempts == 1 and post.sent_at
    assert calls[0].fields["parse_mode"] == "HTML"
    assert f'href="https://dknews.kz{article.get_absolute_url()}"' in next(
        call.fields["text"] for call in calls if "Новость по-русски" in call.fields["text"]
    )
    assert not TelegramPost.objects.filter(channel=kazakh).exists()


def test_with_site_url_unset_a_post_links_to_the_publishers_domain_and_goes_out_once(fake_default_site, channel):
    PublisherFactory(domain="DKNews.kz")
    article = ArticleFactory(title="Новость по умолчанию", language="ru")
    assert deliver().startswith("1 posts")
    deliver()  # nothing twice

    (call,) = fake_default_site.sent("sendMessage")
    assert f'href="https://dknews.kz{article.get_absolute_url()}"' in call.fields["text"]
    assert post_of(article, channel).state == "sent"


def test_without_site_url_or_a_publisher_domain_posts_wait_and_the_channels_page_says_why(
    fake_default_site, channel, client, caplog
):
    PublisherFactory(domain="")
    article = ArticleFactory(title="Новость без адреса сайта", language="ru")
    with caplog.at_level(logging.WARNING, logger="distribution"):
        assert deliver_telegram() == "no site address"
    assert fake_default_site.sent() == [] and "SITE_URL" in caplog.text

    client.force_login(UserFactory(username="boss", is_superuser=True))
    page = client.get(reverse("admin:distribution_telegramchannel_changelist")).content.decode()
    assert "SITE_URL" in page

    Agency.objects.update(domain="dknews.kz")  # the editor fills in the domain: the post goes out
    deliver()
    (call,) = fake_default_site.sent("sendMessage")
    assert f'href="https://dknews.kz{article.get_absolute_url()}"' in call.fields["text"]


def test_an_article_with_a_photo_goes_as_its_1024_rendition(fake, channel):
    photo = PhotoFactory(renditions=True)
    article = ArticleFactory(photo=photo, lead="Лид с фотографией")
    deliver()
    (call,) = fake.sent("sendPhoto")
    with photo.image.storage.open(photo.rendition_file(1024)) as rendition:
        assert call.files["photo"] == rendition.read()
    assert "Лид с фотографией" in call.fields["caption"]
    assert post_of(article, channel).with_photo


def test_drafts_articles_in_review_and_scheduled_ones_are_not_posted_before_their_time(fake, channel):
    ArticleFactory(status=Article.Status.DRAFT)
    ArticleFactory(status=Article.Status.REVIEW)
    scheduled = ArticleFactory(publish_at=timezone.now() + dt.timedelta(minutes=10))
    deliver()
    assert fake.sent() == [] and not TelegramPost.objects.exists()

    Article.objects.filter(pk=scheduled.pk).update(publish_at=timezone.now() - dt.timedelta(seconds=1))
    deliver()  # its second has come
    assert len(fake.sent("sendMessage")) == 1
    assert post_of(scheduled, channel).state == "sent"


def test_the_archive_is_not_posted_to_a_new_channel(fake):
    old = ArticleFactory()
    Article.objects.filter(pk=old.pk).update(status_changed_at=timezone.now() - dt.timedelta(hours=2))
    TelegramChannel.objects.create(name="Новый", chat_id=CHAT, bot_token=TOKEN)
    deliver()
    assert fake.sent() == []


def test_the_job_queues_one_task_per_post_it_plans(fake, channel):
    articles = [ArticleFactory(), ArticleFactory()]
    assert deliver_telegram().startswith("2 posts")
    posts = [post_of(article, channel) for article in articles]
    assert all(post.state == "pending" for post in posts) and fake.sent() == []  # the job sends nothing itself
    tasks = queued("send_telegram_post")
    assert sorted(task.args_kwargs["args"] for task in tasks) == sorted([post.pk] for post in posts)
    deliver_telegram()
    assert len(queued("send_telegram_post")) == 2  # planned once, queued once

    run_tasks()
    assert len(fake.sent("sendMessage")) == 2
    assert {task.status for task in DBTaskResult.objects.all()} == {TaskResultStatus.SUCCESSFUL}


def test_an_article_withdrawn_before_its_post_went_out_is_not_posted(fake, channel):
    editor = UserFactory(username="editor", is_superuser=True)
    article = ArticleFactory()
    plan_posts()
    assert post_of(article, channel).state == "pending"
    article_withdraw(article=article, by=editor)
    run_tasks()
    assert fake.sent() == [] and not TelegramPost.objects.exists()


# -- Failures: retried, refused, in doubt -------------------------------------------------------


def test_a_429_is_retried_exactly_after_retry_after_and_the_channel_waits_as_long(fake, channel, time_machine):
    fake.then("sendMessage", ("429", 7))
    article, other = ArticleFactory(title="Первая"), ArticleFactory(title="Вторая")
    before = timezone.now()
    deliver()
    post = post_of(article, channel)
    assert post.state == "pending" and "retry after 7" in post.last_error
    assert dt.timedelta(seconds=7) <= post.next_attempt_at - before < dt.timedelta(seconds=8)
    channel.refresh_from_db()
    assert channel.wait_until == post.next_attempt_at
    # The other post's task came before the channel may send again: queued again for then.
    assert len(fake.sent()) == 1 and post_of(other, channel).attempts == 0
    assert sorted(task.run_after for task in queued("send_telegram_post")) == [channel.wait_until] * 2

    travel(time_machine, channel.wait_until - dt.timedelta(milliseconds=1))
    deliver()  # too soon: nothing is sent
    assert len(fake.sent()) == 1
    travel(time_machine, channel.wait_until)
    deliver()
    calls = fake.sent("sendMessage")
    assert len(calls) == 3 and all(call.at >= channel.wait_until.timestamp() for call in calls[1:])
    assert post_of(article, channel).state == "sent" and post_of(other, channel).state == "sent"


def test_a_server_error_is_retried_with_backoff_then_given_up(fake, channel, settings, time_machine):
    settings.TELEGRAM_MAX_ATTEMPTS = 3
    fake.then("sendMessage", ("500",), ("502", "Bad Gateway"), ("500",))
    article = ArticleFactory()
    travel(time_machine, timezone.now())
    delays = []
    for _ in range(3):
        deliver()
        post = post_of(article, channel)
        if post.state == "pending":
            delays.append((post.next_attempt_at - timezone.now()).total_seconds())
            (task,) = queued("send_telegram_post")
            assert task.run_after == post.next_attempt_at  # the queue holds the retry
            travel(time_machine, post.next_attempt_at)
    assert post.state == "failed" and post.attempts == 3 and post.last_error == "Internal Server Error"
    assert delays == [5, 10]  # doubling
    assert queued("send_telegram_post") == []
    travel(time_machine, timezone.now() + dt.timedelta(hours=1))
    deliver()
    assert len(fake.sent()) == 3  # given up: not tried again


def test_connection_refused_is_retried_and_the_channels_other_posts_wait_without_a_request(
    fake, channel, settings, time_machine
):
    port = fake.server.server_address[1]
    fake.stop()  # nobody listens at that address any more
    first, second = ArticleFactory(), ArticleFactory()
    travel(time_machine, timezone.now())
    deliver()
    post = post_of(first, channel)
    assert post.state == "pending" and post.last_error == "could not connect to Telegram (ConnectError)"
    assert post.attempts == 1 and post.next_attempt_at == timezone.now() + dt.timedelta(seconds=5)
    # Telegram unreachable: the other posts do not try it one by one, they wait as long.
    waiting = post_of(second, channel)
    assert waiting.attempts == 0 and waiting.next_attempt_at == post.next_attempt_at

    back = FakeBotAPI(port=port).start()  # Telegram is back
    try:
        travel(time_machine, post.next_attempt_at)
        deliver()
        assert len(back.sent("sendMessage")) == 2
        assert post_of(first, channel).state == "sent" and post_of(second, channel).state == "sent"
    finally:
        back.stop()


@pytest.mark.parametrize(
    ("code", "description"),
    [("403", "Forbidden: bot was kicked from the channel chat"), ("400", "Bad Request: chat not found")],
)
def test_a_refusal_fails_at_once_with_telegrams_words(fake, channel, code, description):
    fake.then("sendMessage", (code, description))
    article = ArticleFactory()
    deliver()
    post = post_of(article, channel)
    assert post.state == "failed" and post.last_error == description and post.attempts == 1
    assert queued("send_telegram_post") == []  # nothing waits to try it again
    channel.refresh_from_db()
    assert channel.last_error == description and channel.wait_until is None
    deliver()
    assert len(fake.sent()) == 1


def test_a_token_telegram_refuses_never_shows_up_anywhere(fake, client, caplog):
    token = "987654321:AAsecretPartThatMustNeverBeShown_123456"
    channel = TelegramChannel.objects.create(name="Чужой бот", chat_id=CHAT, bot_token=token)
    article = ArticleFactory()
    with caplog.at_level(logging.DEBUG):
        deliver()
    post = post_of(article, channel)
    assert post.state == "failed" and post.last_error == "Unauthorized"
    client.force_login(UserFactory(username="boss", is_superuser=True))
    pages = [
        reverse("admin:distribution_telegramchannel_changelist"),
        reverse("admin:distribution_telegramchannel_change", args=[channel.pk]),
        reverse("admin:distribution_telegrampost_changelist"),
        reverse("admin:distribution_telegrampost_change", args=[post.pk]),
        reverse("admin:articles_article_change", args=[article.pk]),
    ]
    for page in pages:
        html = client.get(page).content.decode()
        assert "Unauthorized" in html, page  # Telegram's words reach editors...
        assert "AAsecretPart" not in html, page  # ...the token does not
    assert "987654321:••••••••" in client.get(pages[1]).content.decode()
    assert "AAsecretPart" not in caplog.text
    assert "Unauthorized" in caplog.text


def test_a_slow_answer_leaves_the_post_unknown_and_it_is_never_sent_again_by_itself(
    fake, channel, settings, time_machine
):
    settings.TELEGRAM_TIMEOUT_SECONDS = 0.5
    fake.then("sendMessage", ("slow", 2))
    article = ArticleFactory()
    deliver()
    post = post_of(article, channel)
    assert post.state == "unknown"
    assert "no answer from Telegram (ReadTimeout)" in post.last_error
    assert queued("send_telegram_post") == []
    travel(time_machine, timezone.now() + dt.timedelta(hours=1))
    deliver()
    assert len(fake.sent("sendMessage")) == 1  # Telegram did post it: no duplicate


def test_a_dropped_connection_leaves_the_post_unknown(fake, channel):
    fake.then("sendMessage", ("drop",))
    article = ArticleFactory()
    deliver()
    assert post_of(article, channel).state == "unknown"


def test_a_post_left_sending_by_a_dead_worker_becomes_unknown(fake, channel, settings):
    article = ArticleFactory()
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    post = TelegramPost.objects.create(article=article, channel=channel, state="sending", claimed_at=long_ago)
    recent = TelegramPost.objects.create(
        article=ArticleFactory(), channel=channel, state="sending", claimed_at=timezone.now()
    )
    deliver()
    post.refresh_from_db()
    recent.refresh_from_db()
    assert post.state == "unknown" and "остановился во время отправки" in post.last_error
    assert recent.state == "sending"  # a live worker may still be waiting for its answer
    assert fake.sent() == []


def test_a_task_that_raises_after_its_request_is_run_again_by_the_worker_but_never_resends(
    fake, channel, monkeypatch, settings, time_machine
):
    """The database goes away just after Telegram answered: the answer is not recorded and the
    task raises; the worker runs it again later (TASK_RETRY_SECONDS), which sends nothing; the
    job then finds the post left "sending" and it becomes unknown, for an editor."""
    from distribution import tasks

    def database_gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(tasks, "record_post", database_gone)
    article = ArticleFactory()
    travel(time_machine, timezone.now())
    deliver()
    assert len(fake.sent("sendMessage")) == 1 and post_of(article, channel).state == "sending"
    (task,) = queued("send_telegram_post")
    assert task.exception_class_path == "django.db.utils.OperationalError"  # the worker will try again
    monkeypatch.undo()

    travel(time_machine, task.run_after)
    deliver()  # the worker's retry of the task
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(pk=task.pk).return_value == "nothing to do: sending"
    travel(time_machine, timezone.now() + tasks.lost_after())
    deliver()
    assert post_of(article, channel).state == "unknown"
    assert len(fake.sent("sendMessage")) == 1


def test_a_post_whose_message_cannot_be_written_fails_with_the_error_and_nothing_goes_out(
    fake, channel, monkeypatch, time_machine
):
    from distribution import tasks

    def bug(*args, **kwargs):
        raise ValueError("a bug in the message")

    monkeypatch.setattr(tasks.telegram, "message_for", bug)
    article = ArticleFactory()
    travel(time_machine, timezone.now())
    deliver()
    post = post_of(article, channel)
    assert (post.state, post.last_error) == ("failed", "ValueError: a bug in the message")
    (task,) = queued("send_telegram_post")  # the task failed: its trace is in Background jobs
    assert "a bug in the message" in task.traceback
    monkeypatch.undo()
    travel(time_machine, task.run_after)
    deliver()
    assert fake.sent() == []  # the post failed: nothing goes out until an editor sends it again


# -- Follow-ups ---------------------------------------------------------------------------------


def test_a_significant_update_edits_the_message_and_a_withdrawal_deletes_it(fake, channel):
    editor = UserFactory(username="editor", is_superuser=True)
    article = ArticleFactory(title="Первая версия")
    deliver()
    post = post_of(article, channel)

    Article.objects.filter(pk=article.pk).update(title="Исправленный заголовок")
    article.refresh_from_db()
    Correction.objects.create(article=article, text="Уточнено название.")
    article_note_significant_update(article=article, at=timezone.now())
    deliver()
    (edit,) = fake.sent("editMessageText")
    assert edit.fields["message_id"] == post.message_id
    assert "<b>Исправленный заголовок</b>" in edit.fields["text"] and "<i>Обновлено " in edit.fields["text"]
    deliver()
    assert len(fake.sent("editMessageText")) == 1  # once per update

    article_withdraw(article=article, by=editor)
    deliver()
    (delete,) = fake.sent("deleteMessage")
    assert delete.fields == {"chat_id": CHAT, "message_id": post.message_id}
    assert [(f.action, f.state) for f in post.follow_ups.all()] == [("edit", "sent"), ("delete", "sent")]
    assert fake.messages == {}


def test_a_photo_posts_caption_is_edited_and_a_failed_edit_is_retried(fake, channel, time_machine):
    article = ArticleFactory(photo=PhotoFactory(renditions=True))
    deliver()
    fake.then("editMessageCaption", ("500",))
    article_note_significant_update(article=article, at=timezone.now())
    travel(time_machine, timezone.now())
    deliver()
    follow_up = TelegramFollowUp.objects.get()
    assert follow_up.state == "pending" and follow_up.attempts == 1
    assert follow_up.next_attempt_at == timezone.now() + dt.timedelta(seconds=5)
    travel(time_machine, follow_up.next_attempt_at)
    deliver()
    follow_up.refresh_from_db()
    assert follow_up.state == "sent"
    assert len(fake.sent("editMessageCaption")) == 2 and fake.sent("editMessageText") == []


def test_an_edit_left_sending_by_a_dead_worker_is_made_again(fake, channel):
    """Editing twice does no harm: a follow-up in doubt is queued again, not left unknown."""
    article = ArticleFactory(title="Первая версия")
    deliver()
    post = post_of(article, channel)
    Article.objects.filter(pk=article.pk).update(title="Исправленный заголовок")
    follow_up = TelegramFollowUp.objects.create(
        post=post, action="edit", state="sending", claimed_at=timezone.now() - dt.timedelta(minutes=5)
    )
    deliver()
    follow_up.refresh_from_db()
    assert follow_up.state == "sent" and follow_up.attempts == 1
    (edit,) = fake.sent("editMessageText")
    assert "<b>Исправленный заголовок</b>" in edit.fields["text"]


# -- The admin ----------------------------------------------------------------------------------


def test_the_bot_token_is_write_only_in_the_admin(client, channel):
    client.force_login(UserFactory(username="boss", is_superuser=True))
    url = reverse("admin:distribution_telegramchannel_change", args=[channel.pk])
    page = client.get(url).content.decode()
    assert TOKEN.split(":")[1] not in page
    assert 'name="bot_token"' in page and 'type="password"' in page
    # Saved without typing the token: the token stays.
    data = {"name": "DKNews (рус)", "chat_id": CHAT, "bot_token": "", "languages": ["ru"], "active": "on"}
    response = client.post(url, data)
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.bot_token == TOKEN and channel.name == "DKNews (рус)" and channel.languages == ["ru"]
    # A mistyped token is refused without being repeated back; what else was typed is kept.
    response = client.post(url, {**data, "name": "Новое имя", "bot_token": "not a token <secret-typed>"})
    page = response.content.decode()
    assert response.status_code == 200 and "Это не токен бота" in page
    assert "secret-typed" not in page and 'value="Новое имя"' in page
    response = client.post(url, {**data, "chat_id": "channel without at"})
    assert "Введите @имя канала" in response.content.decode()


def test_switching_a_channel_off_drops_what_it_has_not_sent(fake, client, channel):
    ArticleFactory()
    plan_posts()
    client.force_login(UserFactory(username="boss", is_superuser=True))
    url = reverse("admin:distribution_telegramchannel_change", args=[channel.pk])
    response = client.post(url, {"name": channel.name, "chat_id": CHAT, "bot_token": ""})  # "active" unticked
    assert response.status_code == 302
    assert not TelegramPost.objects.exists()
    run_tasks()  # the dropped post's task finds nothing to send
    assert fake.sent() == []
    client.post(url, {"name": channel.name, "chat_id": CHAT, "bot_token": "", "active": "on"})
    plan_posts()
    assert not TelegramPost.objects.exists()  # switched on again: only what is published from now on


def test_an_edit_waits_while_its_channel_is_off_and_goes_out_when_it_is_switched_on(fake, client, channel):
    article = ArticleFactory()
    deliver()
    client.force_login(UserFactory(username="boss", is_superuser=True))
    url = reverse("admin:distribution_telegramchannel_change", args=[channel.pk])
    client.post(url, {"name": channel.name, "chat_id": CHAT, "bot_token": ""})  # off
    article_note_significant_update(article=article, at=timezone.now())
    deliver()
    assert fake.sent("editMessageText") == [] and TelegramFollowUp.objects.get().state == "pending"
    client.post(url, {"name": channel.name, "chat_id": CHAT, "bot_token": "", "active": "on"})
    run_tasks()
    assert len(fake.sent("editMessageText")) == 1 and TelegramFollowUp.objects.get().state == "sent"


def test_a_new_channel_needs_a_token(client):
    client.force_login(UserFactory(username="boss", is_superuser=True))
    response = client.post(
        reverse("admin:distribution_telegramchannel_add"), {"name": "Канал", "chat_id": CHAT, "bot_token": ""}
    )
    assert response.status_code == 200 and "Введите токен бота" in response.content.decode()
    assert not TelegramChannel.objects.exists()


def test_editors_see_channels_without_the_token_and_resolve_a_post_in_doubt(fake, client, channel):
    from django.contrib.auth.models import Group

    editor = UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    page = client.get(reverse("admin:distribution_telegramchannel_change", args=[channel.pk])).content.decode()
    assert "123456789:••••••••" in page and TOKEN.split(":")[1] not in page and 'name="bot_token"' not in page
    assert client.post(reverse("admin:distribution_telegramchannel_add")).status_code == 403

    article = ArticleFactory()
    post = TelegramPost.objects.create(article=article, channel=channel, state="unknown", last_error="Нет ответа")
    article_page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Публикации в Telegram" in article_page
    assert '<span class="state-badge state-review">Неизвестно: проверьте канал</span>' in article_page
    assert "Отметить как отправленную или отправить снова" in article_page

    url = reverse("admin:distribution_telegrampost_change", args=[post.pk])
    assert 'name="_mark_sent"' in client.get(url).content.decode()
    client.post(url, {"message_id": "555", "_mark_sent": "1", "follow_ups-TOTAL_FORMS": "0",
                      "follow_ups-INITIAL_FORMS": "0"})  # fmt: skip
    post.refresh_from_db()
    assert (post.state, post.message_id) == ("sent", 555)
    assert post.message_link == "https://t.me/newsroom_test/555"
    deliver()
    assert fake.sent() == []  # marked as sent: nothing goes out

    TelegramPost.objects.filter(pk=post.pk).update(state="unknown")
    client.post(url, {"message_id": "", "_send_again": "1", "follow_ups-TOTAL_FORMS": "0",
                      "follow_ups-INITIAL_FORMS": "0"})  # fmt: skip
    run_tasks()  # "send again" queued the post's task
    post.refresh_from_db()
    assert post.state == "sent" and len(fake.sent("sendMessage")) == 1


def test_editors_see_each_send_in_background_jobs_with_its_post_and_what_came_of_it(fake, client, channel):
    from django.contrib.auth.models import Group

    fake.then("sendMessage", ("429", 7))
    article = ArticleFactory()
    deliver()
    post = post_of(article, channel)
    editor = UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    listing = client.get(reverse("admin:jobs_backgroundjob_changelist")).content.decode()
    assert listing.count("distribution.tasks.send_telegram_post") == 2  # the first try, and the retry it queued
    assert listing.count(f'<td class="field-arguments">{post.pk}</td>') == 2
    assert "Выполнено" in listing and "В очереди" in listing
    assert "Too Many Requests: retry after 7; next attempt at" in listing  # what the first try came to


def test_journalists_see_no_telegram_admin(client, channel):
    from django.contrib.auth.models import Group

    journalist = UserFactory(username="journalist")
    journalist.groups.add(Group.objects.get(name="Journalist"))
    client.force_login(journalist)
    assert client.get(reverse("admin:distribution_telegramchannel_changelist")).status_code == 403
    assert client.get(reverse("admin:distribution_telegrampost_changelist")).status_code == 403

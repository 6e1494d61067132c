"""A live blog's key events in the agency's Telegram channels (distribution/tasks.py,
distribution/telegram.py): each key event an editor sends to Telegram posted once per matching
channel, once it is public (its time come, its blog published), through the same never-twice
outbox as articles; its message deleted when the entry is. Against the local fake Bot API, with
the job and the tasks run by the worker's own code on the real queue (as test_telegram.py), and
with two real ``manage.py worker`` processes racing."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from articles.models import Article
from articles.services import article_publish, article_withdraw
from distribution import tasks, telegram
from distribution.models import TelegramChannel, TelegramFollowUp, TelegramPost
from live import services
from live.models import Entry
from tests.conftest import wait_for
from tests.distribution.fake_telegram import CHAT, TOKEN, FakeBotAPI, parse_entities
from tests.distribution.test_telegram import DATABASE_BACKEND, deliver, run_tasks
from tests.factories import ArticleFactory, PublisherFactory, SectionFactory, UserFactory

SITE = "https://dknews.kz"


@pytest.fixture
def queue(settings):
    """The real queue, as production has it (see test_telegram.py)."""
    settings.TASKS = DATABASE_BACKEND


@pytest.fixture
def fake(settings, queue):
    """The fake Bot API; every other TELEGRAM_* setting and SITE_URL at their documented
    defaults (the publisher's domain gives the site's address)."""
    server = FakeBotAPI().start()
    settings.TELEGRAM_API_BASE = server.base
    yield server
    server.stop()


@pytest.fixture
def fast_fake(fake, settings):
    """The same with SITE_URL set and a short timeout, for the tests of an answer that never
    comes (its sibling, ``fake``, leaves both at their defaults)."""
    settings.SITE_URL = SITE
    settings.TELEGRAM_TIMEOUT_SECONDS = 0.5
    return fake


@pytest.fixture
def channel(db):
    PublisherFactory(domain="dknews.kz")
    return TelegramChannel.objects.create(name="DKNews", chat_id=CHAT, bot_token=TOKEN)


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor")
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def live_blog(**fields) -> Article:
    start = timezone.now() - dt.timedelta(hours=1)
    return ArticleFactory(**{"title": "Выборы: онлайн", "coverage_start_at": start, "publish_at": start, **fields})


@pytest.fixture
def blog(db):
    """A published live blog whose coverage started an hour ago."""
    return live_blog()


def key_event(blog, editor, *, telegram=True, **fields) -> Entry:
    fields = {"headline": "Явка превысила 50%", "body": "<p>ЦИК назвал первые цифры.</p>", **fields}
    return services.entry_post(article=blog, by=editor, key_event=True, telegram=telegram, **fields)


def entry_calls(fake, entry) -> list:
    return [call for call in fake.sent("sendMessage") if f"#entry-{entry.pk}" in call.fields["text"]]


def entry_post_of(entry) -> TelegramPost:
    return TelegramPost.objects.get(entry=entry)


# -- The message ----------------------------------------------------------------------------------


def test_the_message_names_the_blog_and_the_event_and_links_to_the_entry(blog, editor):
    entry = key_event(blog, editor)
    text = telegram.render_entry(entry, url=SITE + entry.get_absolute_url())
    visible, error = parse_entities(text)
    assert error == ""
    with translation.override("ru"):
        named = _("Live: %(title)s") % {"title": "Выборы: онлайн"}
    assert visible.split("\n\n")[:3] == [named, "Явка превысила 50%", "ЦИК назвал первые цифры."]
    assert text.startswith(f"<i>{named}</i>\n\n<b>Явка превысила 50%</b>")
    assert f'<a href="{SITE}{blog.get_absolute_url()}#entry-{entry.pk}">Читать на сайте</a>' in text


def test_markup_and_entities_typed_in_an_entry_reach_telegram_as_text(blog, editor):
    entry = key_event(
        blog,
        editor,
        headline="<b>Курс</b> & <script>x()</script>",
        body="<p>&lt;script&gt;alert(1)&lt;/script&gt; 2 &lt; 3 &amp;amp; <b>5</b><script>alert(2)</script></p>",
    )
    text = telegram.render_entry(entry, url=SITE + entry.get_absolute_url())
    visible, error = parse_entities(text)
    assert error == ""  # only <i>, <b> and <a>: Telegram parses it
    assert "<script" not in text and "alert(2)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert visible.split("\n\n")[1] == "<b>Курс</b> & <script>x()</script>"
    assert visible.split("\n\n")[2] == "<script>alert(1)</script> 2 < 3 &amp; 5"


def test_a_long_entry_without_a_headline_is_cut_within_telegrams_limit(blog, editor):
    entry = key_event(blog, editor, headline="", body="<p>" + " ".join(["слово"] * 800) + "</p>")
    Entry.objects.filter(pk=entry.pk).update(body="<p>" + " ".join(["слово"] * 1200) + "</p>")
    entry.refresh_from_db()
    text = telegram.render_entry(entry, url=SITE + entry.get_absolute_url())
    visible, error = parse_entities(text)
    assert error == "" and telegram.visible_length(visible) <= telegram.TEXT_LIMIT
    assert visible.split("\n\n")[1].endswith("слово…")
    assert "<b>" not in text  # no headline: the text leads


# -- Posting --------------------------------------------------------------------------------------


def test_a_key_event_sent_to_telegram_is_posted_once_beside_the_blogs_own_post(fake, channel, blog, editor):
    entry = key_event(blog, editor)
    deliver()
    deliver()  # a second run sends nothing again
    tasks.send_telegram_post.enqueue(entry_post_of(entry).pk)  # nor a task run twice
    run_tasks()

    calls = fake.sent("sendMessage")
    assert len(calls) == 2
    assert len(entry_calls(fake, entry)) == 1
    (own,) = [call for call in calls if "#entry-" not in call.fields["text"]]
    assert f'href="https://dknews.kz{blog.get_absolute_url()}"' in own.fields["text"]  # the blog's one post
    (call,) = entry_calls(fake, entry)
    assert f'href="https://dknews.kz{blog.get_absolute_url()}#entry-{entry.pk}"' in call.fields["text"]
    post = entry_post_of(entry)
    assert (post.state, post.article_id, post.attempts) == ("sent", blog.pk, 1) and post.message_id
    assert TelegramPost.objects.filter(article=blog, entry=None).count() == 1


def test_entries_without_the_flag_and_ordinary_entries_are_not_posted(fake, channel, blog, editor):
    key_event(blog, editor, telegram=False)
    services.entry_post(article=blog, by=editor, body="<p>Обычная запись</p>", telegram=True)  # no key event
    services.entry_post(article=blog, by=editor, body="<p>Ещё одна</p>")
    deliver()
    assert len(fake.sent("sendMessage")) == 1  # the blog itself
    assert not TelegramPost.objects.filter(entry__isnull=False).exists()


def test_a_scheduled_key_event_is_posted_at_its_time_never_before(fake, channel, blog, editor, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    at = timezone.now() + dt.timedelta(minutes=10)
    entry = key_event(blog, editor, published_at=at)
    deliver()
    time_machine.move_to(at - dt.timedelta(seconds=1), tick=False)
    deliver()
    assert entry_calls(fake, entry) == [] and not TelegramPost.objects.filter(entry=entry).exists()

    time_machine.move_to(at, tick=False)
    deliver()
    assert len(entry_calls(fake, entry)) == 1


def test_a_key_event_of_a_draft_blog_waits_until_the_blog_is_published(fake, channel, editor):
    blog = live_blog(status=Article.Status.DRAFT)
    entry = key_event(blog, editor)
    deliver()
    assert fake.sent() == [] and not TelegramPost.objects.exists()

    blog.refresh_from_db()
    article_publish(article=blog, by=editor)
    deliver()
    deliver()
    assert len(entry_calls(fake, entry)) == 1 and len(fake.sent("sendMessage")) == 2


def test_a_channel_gets_only_its_languages_and_sections_and_no_archive(fake, channel, blog, editor, time_machine):
    economy = SectionFactory(name="Экономика")
    kazakh = TelegramChannel.objects.create(name="Қазақша", chat_id="@kk", bot_token=TOKEN, languages=["kk"])
    economy_only = TelegramChannel.objects.create(name="Экономика", chat_id="@eco", bot_token=TOKEN)
    economy_only.sections.set([economy])
    fake.chats |= {"@kk", "@eco"}
    old = key_event(blog, editor, headline="Вчерашнее")
    Entry.objects.filter(pk=old.pk).update(published_at=timezone.now() - dt.timedelta(minutes=30))
    TelegramChannel.objects.filter(pk=channel.pk).update(active_since=timezone.now())
    time_machine.move_to(timezone.now() + dt.timedelta(seconds=1), tick=False)
    entry = key_event(blog, editor)
    deliver()
    assert {call.fields["chat_id"] for call in fake.sent()} == {CHAT}
    assert entry_calls(fake, old) == []  # published before the channel was switched on
    assert len(entry_calls(fake, entry)) == 1
    assert not TelegramPost.objects.filter(channel__in=[kazakh, economy_only]).exists()


def test_deleting_a_key_event_deletes_its_message(fake, channel, blog, editor):
    entry = key_event(blog, editor)
    other = key_event(blog, editor, headline="Другое событие")
    deliver()
    post = entry_post_of(entry)
    assert (CHAT, post.message_id) in fake.messages

    services.entry_delete(entry=entry, by=editor)
    deliver()
    deliver()
    (call,) = fake.sent("deleteMessage")
    assert int(call.fields["message_id"]) == post.message_id
    assert (CHAT, post.message_id) not in fake.messages
    assert (CHAT, entry_post_of(other).message_id) in fake.messages
    follow_up = TelegramFollowUp.objects.get(post=post)
    assert (follow_up.action, follow_up.state) == ("delete", "sent")
    assert not TelegramFollowUp.objects.filter(post__entry=other).exists()


def test_a_key_event_deleted_before_its_post_went_out_is_not_posted(fake, channel, blog, editor):
    entry = key_event(blog, editor)
    tasks.plan_posts()
    assert entry_post_of(entry).state == "pending"
    entry_id = entry.pk
    services.entry_delete(entry=entry, by=editor)
    run_tasks()
    deliver()
    assert len(fake.sent("sendMessage")) == 1  # the blog's own post only
    assert not TelegramPost.objects.filter(entry_id=entry_id).exists()


def test_withdrawing_the_blog_deletes_its_key_events_messages_too(fake, channel, blog, editor):
    key_event(blog, editor)
    deliver()
    article_withdraw(article=blog, by=editor)
    deliver()
    assert len(fake.sent("deleteMessage")) == 2 and fake.messages == {}


def test_an_unknown_outcome_is_never_repeated(fast_fake, channel, blog, editor, time_machine):
    deliver()  # the blog's own post
    fast_fake.then("sendMessage", ("slow", 2))  # Telegram takes the key event, the answer never comes
    entry = key_event(blog, editor)
    deliver()
    post = entry_post_of(entry)
    assert post.state == "unknown" and "ReadTimeout" in post.last_error
    time_machine.move_to(timezone.now() + dt.timedelta(hours=1), tick=False)
    deliver()
    assert len(entry_calls(fast_fake, entry)) == 1 and entry_post_of(entry).state == "unknown"


def test_the_blogs_admin_page_lists_its_key_events_posts(fake, channel, blog, editor, client):
    entry = key_event(blog, editor)
    deliver()
    TelegramPost.objects.create(article=blog, channel=channel, entry_id=10**9, state="sent", message_id=1)
    client.force_login(UserFactory(username="boss", is_superuser=True))
    page = client.get(reverse("admin:articles_article_change", args=[blog.pk])).content.decode()
    assert f"#{entry.pk}: Явка превысила 50%" in page
    assert f"#{10**9}" in page  # a deleted entry's post: its number
    listing = client.get(reverse("admin:distribution_telegrampost_changelist")).content.decode()
    assert f"#{entry.pk}: Явка превысила 50%" in listing
    detail = reverse("admin:distribution_telegrampost_change", args=[TelegramPost.objects.get(entry_id=10**9).pk])
    assert client.get(detail).status_code == 200


# -- Two real workers ----------------------------------------------------------------------------


def job_runs(*workers) -> int:
    """The Telegram job's runs, whichever worker ran them (one per interval between them)."""
    return sum(worker.text().count("periodic distribution.tasks.deliver_telegram:") for worker in workers)


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_post_each_key_event_once(workers):
    """Two ``manage.py worker`` processes plan and send at once, with every setting at its
    documented default but the Bot API's address (SITE_URL: the publisher's domain)."""
    server = FakeBotAPI().start()
    try:
        PublisherFactory(domain="dknews.kz")
        TelegramChannel.objects.create(name="DKNews", chat_id=CHAT, bot_token=TOKEN)
        # A superuser: a transactional test may run after another one emptied the tables, the
        # roles' groups (made by a data migration) with them.
        editor = UserFactory(username="editor", is_superuser=True)
        blog = live_blog()
        entries = [key_event(blog, editor, headline=f"Событие {n}") for n in range(3)]
        first = workers("first", TELEGRAM_API_BASE=server.base)
        second = workers("second", TELEGRAM_API_BASE=server.base)
        wait_for(lambda: len(server.sent("sendMessage")) >= 4, what="the posts")
        wait_for(lambda: TelegramPost.objects.filter(state="sent").count() == 4, what="the sent states")
        runs = job_runs(first, second)
        wait_for(lambda: job_runs(first, second) >= runs + 2, what="two more runs of the job")
        assert len(server.sent("sendMessage")) == 4
        for entry in entries:
            assert len(entry_calls(server, entry)) == 1
        assert first.stop() == 0 and second.stop() == 0
    finally:
        server.stop()

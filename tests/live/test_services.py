"""Posting, editing and deleting entries, and the coverage: what each role may do and what bad
input gets (live.services)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles.models import Article
from live import services
from live.models import Entry
from newsroom.pagecache import EPOCH_KEY
from tests.factories import ArticleFactory


def post(blog, by, body="<p>Явка превысила 50%.</p>", **kwargs):
    return services.entry_post(article=blog, by=by, body=body, **kwargs)


def test_a_journalist_posts_and_the_entry_credits_them(blog, journalist):
    entry = post(blog, journalist, headline="  Явка  ")
    assert entry.headline == "Явка"
    assert [person.name for person in entry.authors.all()] == ["Айгерим Сейтказы"]
    assert entry.created_by == journalist
    assert entry.history.count() == 1


def test_markup_is_sanitised_and_a_script_never_stored(blog, journalist):
    entry = post(blog, journalist, body='<p onclick="x()">Текст <script>alert(1)</script><b>жирный</b></p>')
    assert "script" not in entry.body and "onclick" not in entry.body
    assert "<strong>жирный</strong>" in entry.body


@pytest.mark.parametrize("body", ["", "<p></p>", "<p> <br> </p>", "   "])
def test_an_empty_entry_is_refused(blog, journalist, body):
    with pytest.raises(ValidationError) as refused:
        post(blog, journalist, body=body)
    assert refused.value.message_dict["body"] == [str(services.ENTRY_EMPTY)]
    assert not Entry.objects.exists()


def test_an_entry_over_the_limit_is_refused_with_both_numbers(blog, journalist, settings):
    limit = services.MAX_TEXT_CHARS
    with pytest.raises(ValidationError) as refused:
        post(blog, journalist, body=f"<p>{'Ә' * (limit + 1)}</p>")
    message = refused.value.message_dict["body"][0]
    assert str(limit) in message and str(limit + 1) in message
    post(blog, journalist, body=f"<p>{'Ә' * limit}</p>")  # the limit itself is allowed


def test_posting_needs_a_live_blog_that_has_started_and_not_ended(journalist, editor):
    ordinary = ArticleFactory()
    with pytest.raises(ValidationError) as refused:
        post(ordinary, journalist)
    assert refused.value.error_list[0].code == "not_live"
    upcoming = ArticleFactory(coverage_start_at=timezone.now() + dt.timedelta(hours=2))
    with pytest.raises(ValidationError) as refused:
        post(upcoming, journalist)
    assert refused.value.error_list[0].code == "not_started"
    blog = ArticleFactory(coverage_start_at=timezone.now() - dt.timedelta(hours=2))
    services.coverage_end(article=blog, by=editor)
    with pytest.raises(ValidationError) as refused:
        post(blog, journalist)
    assert refused.value.error_list[0].code == "ended"
    assert not Entry.objects.exists()


def test_an_entry_scheduled_before_the_coverage_start_is_refused(blog, editor):
    with pytest.raises(ValidationError) as refused:
        post(blog, editor, published_at=blog.coverage_start_at - dt.timedelta(minutes=1))
    assert "published_at" in refused.value.message_dict


def test_only_editors_mark_key_events_pin_and_send_to_telegram(blog, journalist, editor):
    with pytest.raises(PermissionDenied):
        post(blog, journalist, key_event=True)
    entry = post(blog, editor, key_event=True, telegram=True)
    assert entry.key_event and entry.telegram


def test_telegram_is_only_for_key_events(blog, editor):
    assert post(blog, editor, telegram=True).telegram is False


def test_pinning_an_entry_unpins_the_previous_one(blog, editor):
    first = post(blog, editor, pinned=True)
    second = post(blog, editor, pinned=True)
    first.refresh_from_db()
    assert (first.pinned, second.pinned) == (False, True)
    services.entry_set_flags(entry=first, by=editor, pinned=True)
    second.refresh_from_db()
    assert second.pinned is False


def test_a_journalist_edits_only_their_own_entries_and_deletes_none(blog, journalist, editor):
    own = post(blog, journalist)
    others = post(blog, editor)
    own.body = "<p>Исправлено</p>"
    services.entry_edit(entry=own, by=journalist, changed={"body"})
    others.body = "<p>Чужое</p>"
    with pytest.raises(PermissionDenied):
        services.entry_edit(entry=others, by=journalist, changed={"body"})
    with pytest.raises(PermissionDenied):
        services.entry_delete(entry=own, by=journalist)
    services.entry_delete(entry=own, by=editor)
    assert list(Entry.objects.all()) == [others]


def test_only_editors_start_and_end_the_coverage(journalist, editor):
    article = ArticleFactory()
    with pytest.raises(PermissionDenied):
        services.coverage_start(article=article, by=journalist)
    services.coverage_start(article=article, by=editor)
    article.refresh_from_db()
    assert article.live_state == Article.LiveState.LIVE
    with pytest.raises(PermissionDenied):
        services.coverage_end(article=article, by=journalist)
    services.coverage_end(article=article, by=editor)
    article.refresh_from_db()
    assert article.live_state == Article.LiveState.ENDED
    assert article.coverage_end_at >= article.coverage_start_at


def test_each_entry_is_a_new_version_for_partners_and_forgets_cached_pages(
    blog, journalist, django_capture_on_commit_callbacks
):
    before = Article.objects.get(pk=blog.pk).version_at
    cache.set(EPOCH_KEY, "old")
    with django_capture_on_commit_callbacks(execute=True):
        post(blog, journalist)
    assert Article.objects.get(pk=blog.pk).version_at > before
    assert cache.get(EPOCH_KEY) != "old"


def test_a_scheduled_entry_holds_the_version_until_its_time(blog, editor):
    at = timezone.now() + dt.timedelta(minutes=30)
    post(blog, editor, published_at=at)
    assert Article.objects.get(pk=blog.pk).version_at == at
    assert services.next_scheduled_entry() == at


def test_the_live_state_follows_the_clock(db, time_machine):
    start = timezone.now() + dt.timedelta(hours=1)
    article = ArticleFactory(coverage_start_at=start, coverage_end_at=start + dt.timedelta(hours=3))
    assert article.live_state == "upcoming"
    time_machine.move_to(start + dt.timedelta(minutes=1))
    assert article.live_state == "live"
    time_machine.move_to(start + dt.timedelta(hours=3))
    assert article.live_state == "ended"
    assert ArticleFactory().live_state == "none"


def test_saving_the_blog_keeps_a_scheduled_entrys_version(blog, editor):
    at = timezone.now() + dt.timedelta(minutes=30)
    post(blog, editor, published_at=at)
    article = Article.objects.get(pk=blog.pk)
    article.lead = "Новый лид"
    article.save()
    assert Article.objects.get(pk=blog.pk).version_at == at

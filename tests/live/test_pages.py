"""The queries of a blog's reader page and its poll (live.pages): keyset pages, the pinned
entry, key events, scheduled entries and what changed since a moment."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from live import pages, services
from live.models import Entry


def entries(blog, count, *, by, start=None):
    start = start or blog.coverage_start_at
    made = [
        Entry(article=blog, body=f"<p>Запись {n}</p>", published_at=start + dt.timedelta(seconds=n), created_by=by)
        for n in range(count)
    ]
    return Entry.objects.bulk_create(made)


def test_pages_walk_the_whole_blog_newest_first_each_entry_once(blog, editor):
    entries(blog, pages.PAGE_SIZE * 2 + 5, by=editor)
    seen, start = [], None
    while True:
        page = pages.timeline(blog, start=start)
        seen += [entry.body for entry in page.entries]
        if page.next_cursor is None:
            break
        start = page.next_cursor
    assert seen == [f"<p>Запись {n}</p>" for n in reversed(range(pages.PAGE_SIZE * 2 + 5))]


def test_the_pinned_entry_leads_the_first_page_and_leaves_the_timeline(blog, editor):
    entries(blog, 3, by=editor)
    pinned = services.entry_post(article=blog, by=editor, body="<p>Главное</p>", pinned=True)
    page = pages.timeline(blog)
    assert page.pinned == pinned
    assert pinned not in page.entries and len(page.entries) == 3


def test_key_events_are_listed_newest_first(blog, editor):
    first = services.entry_post(article=blog, by=editor, body="<p>Открылись участки</p>", key_event=True)
    services.entry_post(article=blog, by=editor, body="<p>Обычная запись</p>")
    second = services.entry_post(article=blog, by=editor, body="<p>Итоги</p>", key_event=True)
    assert pages.timeline(blog).key_events == [second, first]


def test_a_scheduled_entry_waits_for_its_time(blog, editor, time_machine):
    at = timezone.now() + dt.timedelta(minutes=10)
    services.entry_post(article=blog, by=editor, body="<p>Позже</p>", published_at=at)
    assert pages.timeline(blog).entries == []
    time_machine.move_to(at)
    assert [entry.body for entry in pages.timeline(blog).entries] == ["<p>Позже</p>"]


def test_a_bad_cursor_or_one_past_the_end_is_a_404(blog, editor):
    entries(blog, 2, by=editor)
    for cursor in ("x", "1-", "123456789012345678901-1", "0-1"):
        with pytest.raises(Http404):
            pages.timeline(blog, start=cursor)


def test_changes_since_name_new_edited_and_deleted_entries(blog, editor, time_machine):
    old, edited, gone = (services.entry_post(article=blog, by=editor, body=f"<p>{n}</p>") for n in range(3))
    since = timezone.now() + dt.timedelta(seconds=1)
    time_machine.move_to(since + dt.timedelta(seconds=1))
    new = services.entry_post(article=blog, by=editor, body="<p>Новое</p>")
    edited.body = "<p>Исправлено</p>"
    services.entry_edit(entry=edited, by=editor, changed={"body"})
    gone_id = gone.pk
    services.entry_delete(entry=gone, by=editor)
    changes = pages.changes_since(blog, since)
    assert set(changes.entries) == {new, edited} and old not in changes.entries
    assert changes.deleted == [gone_id]


def test_the_first_page_costs_the_same_for_20_and_200_entries(blog, editor, django_assert_num_queries):
    entries(blog, 200, by=editor)
    # The pinned entry, the key events, the page and its authors.
    with django_assert_num_queries(4):
        pages.timeline(blog)

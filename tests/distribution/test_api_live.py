"""A live blog in the partner API (distribution/api.py, distribution/ninjs.py): its item carries its
published entries in its body, newest first; every new, edited or deleted entry makes a new
version that a partner polling with the cursor gets once; a scheduled entry only at its time;
markup typed in an entry never reaches a partner as markup; a page's queries do not grow with
the entries."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from distribution import ninjs
from live import services
from live.models import Entry
from newsroom.times import newsroom_time
from tests.distribution.test_api import ITEMS, PAGE_QUERIES, get
from tests.factories import ArticleFactory, PersonFactory, PublisherFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor")
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def live_blog(**fields) -> Article:
    start = timezone.now() - dt.timedelta(hours=1)
    fields = {"title": "Выборы: онлайн", "body": "<p>Итоги дня.</p>", "coverage_start_at": start, **fields}
    return ArticleFactory(publish_at=start, **fields)


@pytest.fixture
def blog(db):
    return live_blog()


def post(blog, editor, body="<p>Явка превысила 50%.</p>", **fields) -> Entry:
    return services.entry_post(article=blog, by=editor, body=body, **fields)


def item_of(partner, article) -> dict:
    response, data = get(partner, f"{ITEMS}/{article.pk}")
    assert response.status_code == 200
    return data


def body_of(data: dict) -> str:
    return data["bodies"][0]["value"]


def ids(page) -> list[int]:
    return [int(item["uri"].rsplit("/", 1)[-1]) for item in page["items"]]


def test_a_live_blogs_item_carries_its_entries_newest_first_as_valid_ninjs(partner, blog, editor, ninjs_validator):
    PublisherFactory()
    author = PersonFactory(name="Айгерим Сейтказы")
    first = post(blog, editor, body="<p>Участки открылись.</p>", published_at=timezone.now() - dt.timedelta(minutes=30))
    second = post(blog, editor, headline="Явка", authors=[author, PersonFactory(name="Болат Ахметов")])
    later = post(blog, editor, body="<p>Позже.</p>", published_at=timezone.now() + dt.timedelta(minutes=10))

    data = item_of(partner, blog)
    assert list(ninjs_validator.iter_errors(data)) == []
    body = body_of(data)
    assert body.startswith("<p>Итоги дня.</p>")  # the article's body, then the entries
    assert body.index(f'id="entry-{second.pk}"') < body.index(f'id="entry-{first.pk}"')
    assert f'id="entry-{later.pk}"' not in body and "Позже" not in body  # not before its time
    assert (
        f'<article id="entry-{second.pk}"><p><time datetime="{ninjs.stamp(second.published_at)}">'
        f"{newsroom_time(second.published_at)}</time></p><h3>Явка</h3>"
        '<p class="byline">Айгерим Сейтказы, Болат Ахметов</p><p>Явка превысила 50%.</p></article>'
    ) in body
    assert f'<article id="entry-{first.pk}"><p><time' in body and "<p>Участки открылись.</p></article>" in body


def test_an_ordinary_articles_item_is_unchanged(partner, blog, editor):
    article = ArticleFactory(body="<p>Просто новость.</p>")
    data = item_of(partner, article)
    assert (body_of(data), data["version"]) == ("<p>Просто новость.</p>", str(article.version))


def test_polling_with_the_cursor_gets_each_version_of_the_blog_once(partner, blog, editor, time_machine):
    clock = timezone.now()
    time_machine.move_to(clock, tick=False)

    def later(seconds=1):
        nonlocal clock
        clock += dt.timedelta(seconds=seconds)
        time_machine.move_to(clock, tick=False)

    _, page = get(partner, ITEMS)
    cursor, version = page["next"], int(item_of(partner, blog)["version"])

    def poll():
        nonlocal cursor
        _, page = get(partner, ITEMS, since=cursor)
        cursor = page["next"]
        return page["items"]

    later()
    entry = post(blog, editor, body="<p>Первая запись.</p>")
    later()
    (item,) = poll()
    assert f'id="entry-{entry.pk}"' in body_of(item) and int(item["version"]) > version
    assert item["versionCreated"] == ninjs.stamp(Article.objects.get(pk=blog.pk).version_at)
    version = int(item["version"])
    assert poll() == []  # once

    later()
    entry.body = "<p>Первая запись, исправленная.</p>"
    services.entry_edit(entry=entry, by=editor, changed={"body"})
    later()
    (item,) = poll()
    assert "исправленная" in body_of(item) and int(item["version"]) > version
    version = int(item["version"])
    assert poll() == []

    later()
    entry_id = entry.pk
    services.entry_delete(entry=entry, by=editor)
    later()
    (item,) = poll()
    assert f'id="entry-{entry_id}"' not in body_of(item) and int(item["version"]) > version
    version = int(item["version"])
    assert poll() == []

    later()
    at = clock + dt.timedelta(minutes=10)
    scheduled = post(blog, editor, body="<p>По расписанию.</p>", published_at=at)
    later()
    assert poll() == []  # not before its time...
    shown = item_of(partner, blog)
    assert "По расписанию" not in body_of(shown) and int(shown["version"]) == version  # ...nor by id
    time_machine.move_to(at, tick=False)
    (item,) = poll()
    assert f'id="entry-{scheduled.pk}"' in body_of(item) and int(item["version"]) > version
    assert poll() == []


def test_a_page_of_100_items_takes_a_fixed_number_of_queries_whatever_the_entries(partner, editor):
    PublisherFactory()
    blogs = [live_blog(title=f"Онлайн {n}") for n in range(5)]
    for n in range(95):
        ArticleFactory(title=f"Новость {n}")
    people = [PersonFactory() for _ in range(2)]

    def page_queries() -> int:
        partner.get(ITEMS, {"limit": 1})  # the publisher cached again (each entry forgets cached reads)
        with CaptureQueriesContext(connection) as queries:
            response = partner.get(ITEMS, {"limit": 100})
        assert len(response.json()["items"]) == 100
        return len(queries)

    for blog in blogs:
        post(blog, editor, authors=people[:1])
    few = page_queries()
    for blog in blogs:
        for n in range(20):
            post(blog, editor, body=f"<p>Запись {n}</p>", authors=people)
    assert page_queries() == few == PAGE_QUERIES  # the key, the items, their entries


def test_an_item_holds_the_newest_entries_up_to_the_cap(partner, blog, editor, settings):
    start = timezone.now() - dt.timedelta(minutes=50)
    Entry.objects.bulk_create(
        Entry(article=blog, body=f"<p>Запись {n}</p>", published_at=start + dt.timedelta(seconds=n))
        for n in range(ninjs.ENTRIES_PER_ITEM + 5)
    )
    body = body_of(item_of(partner, blog))
    assert body.count("<article id=") == ninjs.ENTRIES_PER_ITEM
    assert f"<p>Запись {ninjs.ENTRIES_PER_ITEM + 4}</p>" in body and "<p>Запись 4</p></article>" not in body
    assert "<p>Запись 5</p></article>" in body


def test_markup_typed_in_an_entry_never_reaches_a_partner_as_markup(partner, blog, editor, ninjs_validator):
    author = PersonFactory(name="<b>Автор</b> & Ко")
    post(
        blog,
        editor,
        headline='<script>alert("h")</script> &amp;',
        body='<p onclick="x()">&lt;script&gt;alert(1)&lt;/script&gt; 2 &lt; 3<script>alert(2)</script></p>',
        authors=[author],
    )
    data = item_of(partner, blog)
    assert list(ninjs_validator.iter_errors(data)) == []
    body = body_of(data)
    assert "<script" not in body and "alert(2)" not in body and "onclick" not in body
    assert "&lt;script&gt;alert(&quot;h&quot;)&lt;/script&gt; &amp;amp;" in body  # the headline, as typed
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 2 &lt; 3" in body  # the text, still text
    assert "&lt;b&gt;Автор&lt;/b&gt; &amp; Ко" in body

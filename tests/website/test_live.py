"""A live blog as readers get it (website.liveblog, ArticleDetailView, live_poll, LiveBlogFeed):
the page with its status, pinned entry, key events and entries, «Show more» pages, the poll's
JSON and its caching, the blog's feeds, its JSON-LD, the «Live» label on teasers, the query
budgets, and what never leaks (scheduled entries, unpublished blogs, markup typed as text)."""

import datetime as dt
import json
import os
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.models import Article
from live import pages as live_pages
from live import services
from live.models import Entry
from newsroom.pagecache import pages_changed
from tests.factories import ArticleFactory, PersonFactory, PhotoFactory, PublisherFactory, UserFactory, jpeg
from tests.website.test_public_pages import ARTICLE_QUERIES, LIST_QUERIES, SCHEDULE_QUERIES

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
XSS = "</script><script>alert(1)</script>"
KINDS_OF_TEXT = ["Ә Ғ Қ Ң Ө Ұ Ү Һ І әғқңөұүһі", "Эмодзи 🗳️🇰🇿👍🏽", "<b>не тег</b> & «кавычки» ' \"", "слово " * 800]
# The live page's queries, every cache cold, whatever the number of entries: the article page's,
# then the pinned entry (+ its authors), the key events, the timeline (+ its authors), and the
# photos of the entries' figures.
LIVE_PAGE_QUERIES = ARTICLE_QUERIES + 6
# A «Show more» page (?from=): the article page's and the timeline (+ its authors); the photos
# when its entries show figures.
LIVE_MORE_QUERIES = ARTICLE_QUERIES + 2
# The poll on a miss: the schedule (page cache), the article, the changed entries (+ their
# authors), the deleted ones, and the photos of the entries' figures.
POLL_QUERIES = SCHEDULE_QUERIES + 5


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def publisher():
    return PublisherFactory()


@pytest.fixture
def editor():
    user = UserFactory(username="live-editor")
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def author(editor):
    return PersonFactory(name="Айгерим Сейтказы", slug="aigerim", user=editor)


@pytest.fixture
def blog(publisher):
    start = NOW - dt.timedelta(hours=2)
    return ArticleFactory(
        title="Выборы: онлайн", slug="vybory", coverage_start_at=start, publish_at=start, body="<p>Вступление.</p>"
    )


def post(blog, editor, body="<p>Запись</p>", *, minutes_ago=0, **fields):
    """An entry published ``minutes_ago``, and last saved then (as if posted at its time)."""
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    entry = services.entry_post(article=blog, by=editor, body=body, published_at=at, **fields)
    Entry.objects.filter(pk=entry.pk).update(created_at=at, updated_at=at)
    entry.created_at = entry.updated_at = at
    return entry


def many(blog, editor, count, *, author=None):
    """``count`` entries a second apart, the newest a minute ago, each by ``author``."""
    start = timezone.now() - dt.timedelta(minutes=1, seconds=count)
    made = Entry.objects.bulk_create(
        Entry(article=blog, body=f"<p>Запись {n}</p>", published_at=start + dt.timedelta(seconds=n), created_by=editor)
        for n in range(count)
    )
    if author is not None:
        Entry.authors.through.objects.bulk_create(Entry.authors.through(entry=e, person=author) for e in made)
    Entry.objects.filter(pk__in=[e.pk for e in made]).update(created_at=start, updated_at=start)
    return made


def json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return json.loads(found[1])


def poll(client, blog, since, **headers):
    return client.get(f"/news/{blog.slug}/live/", {"since": since}, headers=headers)


def since_of(moment: dt.datetime) -> int:
    seconds = int(moment.timestamp())
    return seconds - seconds % 10


def entry_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="live-entry[^"]*" id="entry-(\d+)"', html)]


# -- The page ------------------------------------------------------------------------------


def test_a_live_blog_shows_the_live_label_and_its_entries_newest_first(client, blog, editor, author):
    old = post(blog, editor, "<p>Участки открылись</p>", minutes_ago=30, headline="Начало")
    new = post(blog, editor, "<p>Явка 40 %</p>", minutes_ago=5)
    html = client.get(blog.get_absolute_url()).content.decode()
    assert re.search(r'<p class="live-status" data-live-state="live"><span class="live-label">[^<]+</span></p>', html)
    assert entry_ids(html) == [new.pk, old.pk]
    entry = html.split(f'id="entry-{old.pk}"', 1)[1].split("</article>", 1)[0]
    published = timezone.localtime(old.published_at)
    assert f'<time datetime="{published.replace(microsecond=0).isoformat()}">{published:%H:%M}</time>' in entry
    assert '<a href="/author/aigerim/" rel="author">Айгерим Сейтказы</a>' in entry
    assert '<h2 class="live-entry-headline">Начало</h2>' in entry
    assert f'href="/news/vybory/#entry-{old.pk}"' in entry  # its share link
    assert "live-entry-headline" not in html.split(f'id="entry-{new.pk}"', 1)[1].split("</article>", 1)[0]
    assert "Вступление." in html  # the article's own body stays above the blog


def test_an_ended_blog_says_when_its_coverage_ended(client, blog, editor):
    post(blog, editor, minutes_ago=10)
    services.coverage_end(article=blog, by=editor)
    html = client.get(blog.get_absolute_url()).content.decode()
    ended = date_format(timezone.localtime(NOW), "j E Y, H:i")
    assert 'data-live-state="ended"' in html
    status = html.split('<p class="live-status" data-live-state="ended">', 1)[1].split("</p>", 1)[0]
    assert f'<time datetime="{timezone.localtime(NOW).isoformat()}">{ended}</time>' in status
    assert 'class="live-label"' not in status
    assert "data-live-poll" not in html  # an ended blog is not polled


def test_an_upcoming_blog_says_when_its_coverage_starts(client, publisher):
    start = NOW + dt.timedelta(hours=3)
    article = ArticleFactory(coverage_start_at=start, publish_at=NOW - dt.timedelta(hours=1))
    html = client.get(article.get_absolute_url()).content.decode()
    status = html.split('<p class="live-status" data-live-state="upcoming">', 1)[1].split("</p>", 1)[0]
    assert f'<time datetime="{timezone.localtime(start).isoformat()}">' in status
    assert date_format(timezone.localtime(start), "j E Y, H:i") in status
    assert f'data-live-since="{since_of(start)}"' in html  # polled: it says when the coverage starts


def test_the_pinned_entry_leads_and_key_events_link_to_their_anchors(client, blog, editor):
    first = post(blog, editor, "<p>Первое ключевое</p>", minutes_ago=120, key_event=True, headline="Открытие")
    many(blog, editor, live_pages.PAGE_SIZE + 5)
    pinned = post(blog, editor, "<p>Главное за день</p>", minutes_ago=90, pinned=True)
    latest = post(blog, editor, "<p>Второе ключевое</p>", key_event=True)
    html = client.get(blog.get_absolute_url()).content.decode()
    assert entry_ids(html)[0] == pinned.pk and html.count(f'id="entry-{pinned.pk}"') == 1
    events = html.split('<nav class="live-key-events"', 1)[1].split("</nav>", 1)[0]
    assert f'<a href="#entry-{latest.pk}">Второе ключевое</a>' in events
    far = f"?from={live_pages.cursor_of(first)}#entry-{first.pk}"
    assert f'<a href="{far}">Открытие</a>' in events
    assert events.index("Второе ключевое") < events.index("Открытие")  # newest first
    older = client.get(blog.get_absolute_url() + far.split("#")[0])
    assert older.status_code == 200 and entry_ids(older.content.decode())[0] == first.pk


def test_show_more_is_a_link_to_the_next_page_which_shows_the_older_entries(client, blog, editor):
    made = many(blog, editor, live_pages.PAGE_SIZE * 2 + 3)
    first = client.get(blog.get_absolute_url()).content.decode()
    cursor = re.search(r'<a rel="next" href="\?from=([0-9-]+)" data-live-more>', first)[1]
    assert entry_ids(first) == [entry.pk for entry in reversed(made)][: live_pages.PAGE_SIZE]
    second = client.get(blog.get_absolute_url(), {"from": cursor})
    html = second.content.decode()
    assert second.status_code == 200
    assert entry_ids(html) == [entry.pk for entry in reversed(made)][live_pages.PAGE_SIZE : live_pages.PAGE_SIZE * 2]
    assert f'<link rel="canonical" href="http://testserver{blog.get_absolute_url()}">' in html
    assert f'<a href="{blog.get_absolute_url()}">' in html  # back to the newest entries
    assert "live-key-events" not in html
    assert "public" in second["Cache-Control"]
    third = client.get(blog.get_absolute_url(), {"from": re.search(r'href="\?from=([0-9-]+)"', html)[1]})
    assert len(entry_ids(third.content.decode())) == 3 and "data-live-more" not in third.content.decode()


@pytest.mark.parametrize("cursor", ["x", "", "1-", "-1", "0-1", "1" * 40, "1" * 18 + "-1", "1-2-3", "١٢-٣"])
def test_a_bad_cursor_is_a_404(client, blog, editor, cursor):
    many(blog, editor, 3)
    assert client.get(blog.get_absolute_url(), {"from": cursor}).status_code == 404


def test_an_ordinary_article_ignores_from_and_has_no_live_parts(client, publisher):
    article = ArticleFactory(body="<p>Обычная новость</p>")
    html = client.get(article.get_absolute_url(), {"from": "x"}).content.decode()
    assert "live-" not in html and "live-blog.js" not in html
    assert json_ld(html)["@type"] == "NewsArticle"


def test_entry_bodies_get_figures_and_embeds_like_article_bodies(client, blog, editor):
    photo = PhotoFactory(image=ContentFile(jpeg(64, 48), name="small.jpg"), caption="Подпись из библиотеки")
    post(blog, editor, f'<figure data-photo-id="{photo.pk}"><img src="x"><figcaption></figcaption></figure>')
    post(blog, editor, '<p><a href="https://youtu.be/dQw4w9WgXcQ">https://youtu.be/dQw4w9WgXcQ</a></p>')
    response = client.get(blog.get_absolute_url())
    html = response.content.decode()
    assert '<figure class="body-photo">' in html and "Подпись из библиотеки" in html
    assert 'class="embed embed-youtube"' in html and re.search(r"/js/embeds\.[0-9a-f]+\.js", html)
    assert "https://www.youtube-nocookie.com" in response["Content-Security-Policy"]


def test_a_live_blog_allows_every_embed_origin_since_an_entry_may_bring_one(client, blog, editor):
    post(blog, editor)
    policy = client.get(blog.get_absolute_url())["Content-Security-Policy"]
    frames = re.search(r"frame-src ([^;]+)", policy)[1].split()
    assert set(frames) == {"https://t.me", "https://platform.twitter.com", "https://www.youtube-nocookie.com"}
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]


def test_the_page_polls_a_shared_address_with_the_newest_entry_rounded_down(client, blog, editor, settings):
    settings.LIVE_POLL_SECONDS = 7
    newest = post(blog, editor, minutes_ago=3)
    html = client.get(blog.get_absolute_url()).content.decode()
    assert f'data-live-poll="/news/vybory/live/" data-live-since="{since_of(newest.published_at)}"' in html
    assert 'data-live-seconds="7"' in html
    assert re.search(r'<script src="/static/js/live-blog(\.[0-9a-f]+)?\.js" defer></script>', html)
    labels = json.loads(re.search(r'data-live-labels="([^"]+)"', html)[1].replace("&#34;", '"'))
    assert len(labels) == 40 and labels[0].startswith("1 ") and labels[21].startswith("22 ")


def test_the_blog_advertises_its_own_feeds(client, blog):
    html = client.get(blog.get_absolute_url()).content.decode()
    feeds = '<link rel="alternate" type="application/{}+xml" title="Выборы: онлайн" href="/news/vybory/live.{}">'
    assert feeds.format("rss", "rss") in html and feeds.format("atom", "atom") in html


# -- Query budgets ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 60])
def test_the_live_page_costs_the_same_whatever_the_number_of_entries(
    client, blog, editor, author, count, django_assert_num_queries
):
    photo = PhotoFactory(image=ContentFile(jpeg(64, 48), name="small.jpg"))
    made = many(blog, editor, count, author=author)
    post(blog, editor, f'<figure data-photo-id="{photo.pk}"><img src="x"></figure>', key_event=True)
    post(blog, editor, "<p>Закреплено</p>", minutes_ago=100, pinned=True, authors=[author])
    with django_assert_num_queries(LIVE_PAGE_QUERIES):
        first = client.get(blog.get_absolute_url()).content.decode()
    # The pinned entry's, the key event's and the other entries' on the page.
    assert first.count('rel="author"') == min(count, live_pages.PAGE_SIZE - 1) + 2
    pages_changed()
    with django_assert_num_queries(LIVE_MORE_QUERIES):
        more = client.get(blog.get_absolute_url(), {"from": live_pages.cursor_of(made[-3])}).content.decode()
    assert more.count('rel="author"') == min(count - 2, live_pages.PAGE_SIZE)


def test_an_ordinary_article_page_costs_what_it_did(client, publisher, django_assert_num_queries):
    article = ArticleFactory()
    with django_assert_num_queries(ARTICLE_QUERIES):
        assert client.get(article.get_absolute_url()).status_code == 200


# -- The poll ------------------------------------------------------------------------------


def test_the_poll_answers_new_edited_and_deleted_entries_rendered(client, clock, blog, editor, author):
    kept, edited, gone = (post(blog, editor, f"<p>Запись {n}</p>", minutes_ago=10 - n) for n in range(3))
    since = since_of(timezone.now())
    clock.move_to(NOW + dt.timedelta(seconds=30), tick=False)
    new = post(blog, editor, "<p>Новое</p>", headline="Срочно")
    edited.body = "<p>Исправлено</p>"
    services.entry_edit(entry=edited, by=editor, changed={"body"})
    gone_id = gone.pk
    services.entry_delete(entry=gone, by=editor)
    response = poll(client, blog, since)
    answer = response.json()
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert [item["id"] for item in answer["entries"]] == [new.pk, edited.pk]
    assert kept.pk not in [item["id"] for item in answer["entries"]]
    assert answer["deleted"] == [gone_id]
    assert answer["state"] == "live" and 'class="live-label"' in answer["status"]
    assert answer["since"] == since_of(new.published_at) >= since
    html = answer["entries"][0]["html"]
    assert html.startswith(f'<article class="live-entry" id="entry-{new.pk}"')
    assert '<h2 class="live-entry-headline">Срочно</h2>' in html and "Новое" in html
    assert '<a href="/author/aigerim/" rel="author">Айгерим Сейтказы</a>' in html
    assert "Исправлено" in answer["entries"][1]["html"]


def test_the_poll_is_cached_for_half_the_interval_on_a_miss_and_on_a_hit(
    client, blog, editor, settings, django_assert_num_queries
):
    settings.LIVE_POLL_SECONDS = 10
    post(blog, editor)
    since = since_of(timezone.now() - dt.timedelta(minutes=5))
    first = poll(client, blog, since)
    with django_assert_num_queries(0):
        again = poll(client, blog, since)
    for response in (first, again):
        control = dict(part.strip().partition("=")[::2] for part in response["Cache-Control"].split(","))
        assert "public" in control and 1 <= int(control["max-age"]) <= 5
        assert int(control["max-age"]) + int(control.get("stale-while-revalidate", 0)) <= 10
    assert again.content == first.content


def test_a_new_entry_is_in_the_shared_poll_answer_at_once(client, blog, editor):
    post(blog, editor, minutes_ago=5)
    since = since_of(timezone.now())
    assert poll(client, blog, since).json()["entries"] == []
    new = post(blog, editor, "<p>Только что</p>")  # forgets the cached answer (pages_changed)
    assert [item["id"] for item in poll(client, blog, since).json()["entries"]] == [new.pk]


@pytest.mark.parametrize("count", [1, 30])
def test_the_poll_costs_a_fixed_number_of_queries(client, blog, editor, author, count, django_assert_num_queries):
    photo = PhotoFactory(image=ContentFile(jpeg(64, 48), name="small.jpg"))
    since = since_of(timezone.now() - dt.timedelta(minutes=5))
    many(blog, editor, count, author=author)
    post(blog, editor, f'<figure data-photo-id="{photo.pk}"><img src="x"></figure>')
    services.entry_delete(entry=post(blog, editor), by=editor)
    with django_assert_num_queries(POLL_QUERIES):
        answer = poll(client, blog, since).json()
    assert len(answer["entries"]) == count + 1 and len(answer["deleted"]) == 1


@pytest.mark.parametrize("since", ["", "x", "12345", "-10", "1e10", "10.0", "9" * 12, "١٠"])
def test_a_bad_since_is_a_400(client, blog, since):
    response = poll(client, blog, since)
    assert response.status_code == 400
    assert "max-age" not in response.get("Cache-Control", "")  # no cache keeps it


def test_a_since_older_than_a_day_answers_the_newest_changes_only(client, blog, editor):
    made = many(blog, editor, live_pages.PAGE_SIZE * 3)
    answer = poll(client, blog, 0).json()
    assert len(answer["entries"]) == live_pages.PAGE_SIZE * 2
    assert answer["entries"][0]["id"] == made[-1].pk
    assert answer["since"] == since_of(made[-1].published_at)


def test_the_poll_says_when_the_coverage_has_ended(client, blog, editor):
    post(blog, editor, minutes_ago=5)
    services.coverage_end(article=blog, by=editor)
    answer = poll(client, blog, since_of(timezone.now())).json()
    assert answer["state"] == "ended" and 'data-live-state="ended"' in answer["status"]


def test_the_poll_of_an_article_that_is_not_a_live_blog_is_a_404(client, publisher):
    article = ArticleFactory()
    assert client.get(f"/news/{article.slug}/live/", {"since": "0"}).status_code == 404
    assert client.get("/news/no-such-article/live/", {"since": "0"}).status_code == 404


def test_the_poll_is_under_the_blogs_language(client, publisher):
    kazakh = ArticleFactory(language="kk", coverage_start_at=NOW - dt.timedelta(hours=1))
    assert client.get(f"/news/{kazakh.slug}/live/", {"since": "0"}).status_code == 404
    assert client.get(f"/kk/news/{kazakh.slug}/live/", {"since": "0"}).status_code == 200


# -- What never shows ----------------------------------------------------------------------


def test_a_scheduled_entry_appears_nowhere_before_its_time(client, clock, blog, editor):
    at = NOW + dt.timedelta(minutes=10)
    post(blog, editor, "<p>Открыто</p>", minutes_ago=1)
    since = since_of(timezone.now())
    services.entry_post(article=blog, by=editor, body="<p>Позже</p>", published_at=at)
    urls = [blog.get_absolute_url(), f"/news/vybory/live/?since={since}", "/news/vybory/live.rss"]
    for url in urls:
        assert "Позже" not in client.get(url).content.decode(), url
    clock.move_to(at, tick=False)
    for url in urls:
        assert "Позже" in client.get(url).content.decode(), url


@pytest.mark.parametrize(
    "state",
    [
        {"status": "draft", "publish_at": None},
        {"status": "published", "publish_at": NOW + dt.timedelta(hours=1)},
        {"status": "withdrawn"},
    ],
    ids=["draft", "scheduled", "withdrawn"],
)
def test_entries_of_an_unpublished_blog_appear_nowhere(client, blog, editor, state):
    post(blog, editor, "<p>Секретная запись</p>", headline="Секрет")
    Article.objects.filter(pk=blog.pk).update(**state)
    pages_changed()
    assert client.get(blog.get_absolute_url()).status_code in (404, 410)
    assert poll(client, blog, 0).status_code == 404
    assert client.get("/news/vybory/live.rss").status_code == 404
    assert client.get("/news/vybory/live.atom").status_code == 404
    for url in ["/", "/news/", "/feed.rss", "/feeds/all.atom", "/search/?q=Выборы"]:
        html = client.get(url).content.decode()
        assert "Выборы: онлайн" not in html and "Секретная запись" not in html, url


# -- Feeds -----------------------------------------------------------------------------------


def test_the_blogs_feed_lists_its_entries_linking_to_their_anchors(client, blog, editor, author):
    old = post(blog, editor, "<p>Первая</p>", minutes_ago=20, headline="Начало")
    new = post(blog, editor, "<p>Вторая запись без заголовка</p>")
    rss = ET.fromstring(client.get("/news/vybory/live.rss").content)
    items = rss.findall("./channel/item")
    assert [item.findtext("link") for item in items] == [
        f"http://testserver/news/vybory/#entry-{new.pk}",
        f"http://testserver/news/vybory/#entry-{old.pk}",
    ]
    assert [item.findtext("title") for item in items] == ["Вторая запись без заголовка", "Начало"]
    assert rss.findtext("./channel/title") == "Выборы: онлайн"
    atom = ET.fromstring(client.get("/news/vybory/live.atom").content)
    assert len(atom.findall("{http://www.w3.org/2005/Atom}entry")) == 2


def test_the_feed_of_an_article_that_is_not_a_live_blog_is_a_404(client, publisher):
    article = ArticleFactory()
    assert client.get(f"/news/{article.slug}/live.rss").status_code == 404
    assert client.get(f"/news/{article.slug}/live.atom").status_code == 404


def test_the_blog_stays_one_item_of_the_usual_feeds(client, blog, editor):
    many(blog, editor, 5)
    for url in ["/feed.rss", "/feeds/all.rss", f"{blog.section.get_absolute_url()}feed.rss"]:
        items = ET.fromstring(client.get(url).content).findall("./channel/item")
        assert [item.findtext("title") for item in items].count("Выборы: онлайн") == 1, url


# -- JSON-LD -------------------------------------------------------------------------------


def test_the_json_ld_is_a_live_blog_posting_with_its_entries(client, blog, editor, author):
    old = post(blog, editor, "<p>Первая <b>жирная</b> запись</p>", minutes_ago=20, headline="Начало")
    new = post(blog, editor, "<p>" + "Длинный текст записи. " * 20 + "</p>", minutes_ago=2)
    data = json_ld(client.get(blog.get_absolute_url()).content.decode())
    assert data["@type"] == "LiveBlogPosting" and data["headline"] == "Выборы: онлайн"
    assert data["coverageStartTime"] == blog.coverage_start_at.isoformat()
    assert "coverageEndTime" not in data
    assert data["dateModified"] == new.published_at.isoformat()
    assert data["publisher"]["name"] and data["url"] == "http://testserver/news/vybory/"
    updates = data["liveBlogUpdate"]
    assert [update["url"] for update in updates] == [
        f"http://testserver/news/vybory/#entry-{new.pk}",
        f"http://testserver/news/vybory/#entry-{old.pk}",
    ]
    assert all(update["@type"] == "BlogPosting" for update in updates)
    assert updates[1]["headline"] == "Начало" and updates[1]["articleBody"] == "Первая жирная запись"
    assert len(updates[0]["headline"]) <= 110 and updates[0]["headline"].startswith("Длинный текст")
    assert updates[1]["author"] == [
        {"@type": "Person", "name": "Айгерим Сейтказы", "url": "http://testserver/author/aigerim/"}
    ]
    assert updates[0]["datePublished"] == new.published_at.isoformat()


def test_an_ended_blogs_json_ld_says_when_it_ended(client, blog, editor):
    post(blog, editor, minutes_ago=5)
    services.coverage_end(article=blog, by=editor)
    data = json_ld(client.get(blog.get_absolute_url()).content.decode())
    assert data["coverageEndTime"] == NOW.isoformat()


# -- Markup typed as text stays text -----------------------------------------------------


def test_markup_in_an_entry_stays_inert_everywhere(client, blog, editor):
    entry = post(blog, editor, f"<p>{escape(XSS)}</p>", headline=XSS, key_event=True)
    page = client.get(blog.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert json_ld(page)["liveBlogUpdate"][0]["headline"] == XSS  # the data kept, the script inert
    for url in ["/news/vybory/live.rss", "/news/vybory/live.atom"]:
        feed = client.get(url).content.decode()
        assert "<script>" not in feed
        ET.fromstring(feed)  # well-formed
    answer = poll(client, blog, 0)
    assert "<script>alert(1)" not in json.dumps(answer.json())
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in answer.json()["entries"][0]["html"]
    assert entry.headline == XSS


@hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    headline=st.one_of(st.just(""), st.text(min_size=1, max_size=300)),
    text=st.one_of(
        st.sampled_from(KINDS_OF_TEXT),
        st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=500),
    ),
)
def test_any_entry_leaves_every_reader_output_well_formed(client, blog, editor, headline, text):
    Entry.objects.filter(article=blog).delete()
    try:
        entry = post(blog, editor, f"<p>{escape(text)}</p>", headline=headline)
    except ValidationError as refused:  # blank text: refused, never shown
        assert refused.message_dict["body"] and not text.strip(), refused
        return
    page = client.get(blog.get_absolute_url())
    assert page.status_code == 200
    json_ld(page.content.decode())
    assert f'id="entry-{entry.pk}"' in page.content.decode()
    assert poll(client, blog, 0).status_code == 200
    for url in ["/news/vybory/live.rss", "/news/vybory/live.atom"]:
        response = client.get(url)
        assert response.status_code == 200
        ET.fromstring(response.content)


# -- Teasers -------------------------------------------------------------------------------


def test_teasers_of_a_live_blog_carry_the_live_label_and_cost_no_query(
    client, blog, editor, django_assert_max_num_queries
):
    ended = ArticleFactory(title="Прошедшее онлайн", coverage_start_at=NOW - dt.timedelta(days=1), section=blog.section)
    Article.objects.filter(pk=ended.pk).update(coverage_end_at=NOW - dt.timedelta(hours=1))
    ArticleFactory(title="Обычная", section=blog.section)
    for url in ["/", "/news/", blog.section.get_absolute_url(), "/search/?q=Выборы"]:
        with django_assert_max_num_queries(LIST_QUERIES + 3):
            html = client.get(url).content.decode()
        assert re.search(r'<span class="live-label">[^<]+</span> <a[^>]*href="/news/vybory/"', html), url
        assert html.count('class="live-label"') == 1, url


# -- Valid HTML ----------------------------------------------------------------------------


def test_the_live_page_is_valid_html(client, blog, editor, author, tmp_path):
    from tests.test_html_validity import JAVA, VNU, vnu_errors

    if not (VNU.exists() and JAVA) and not os.environ.get("CI"):
        pytest.skip("needs Java and node_modules/vnu-jar (make test installs it); CI never skips")
    photo = PhotoFactory(image=ContentFile(jpeg(64, 48), name="small.jpg"))
    many(blog, editor, live_pages.PAGE_SIZE + 2, author=author)
    post(blog, editor, f'<figure data-photo-id="{photo.pk}"><img src="x"></figure>', key_event=True, headline="Фото")
    post(blog, editor, '<p><a href="https://t.me/dknews_kz/1234">https://t.me/dknews_kz/1234</a></p>', pinned=True)
    path = tmp_path / "live.html"
    path.write_bytes(client.get(blog.get_absolute_url()).content)
    assert vnu_errors([path]) == []

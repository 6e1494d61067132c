"""The page cache for anonymous readers (newsroom/pagecache.py): served without queries,
forgotten on every edit, never past a scheduled publication or expiry, never for staff,
and the view count still counts every reader."""

import datetime as dt
from unittest.mock import patch

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.services import article_publish, article_withdraw, preview_link_create
from newsroom.pagecache import pages_changed
from tests.factories import ArticleFactory, PersonFactory, PublisherFactory, SectionFactory, UserFactory
from tests.reading import beacon_url, read, send_beacon
from tests.website.test_public_pages import VIEW_WRITE_QUERIES

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def editor():
    user = UserFactory(username="redaktor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def publisher():
    return PublisherFactory()


def cache_control(response) -> dict[str, str]:
    parts = [part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()]
    return dict((part.split("=", 1) + [""])[:2] for part in parts)


def test_a_readers_second_visit_is_served_from_the_cache_without_queries(client, publisher, django_assert_num_queries):
    ArticleFactory(title="Сводка дня")
    first = client.get("/")
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second.content == first.content and "Сводка дня" in second.content.decode()


@pytest.mark.parametrize("prefix", ["", "/kk", "/en"])
def test_every_languages_pages_are_cached(client, publisher, prefix, django_assert_max_num_queries):
    article = ArticleFactory(language=prefix.strip("/") or "ru")
    for url in [f"{prefix}/", article.get_absolute_url(), f"{prefix}/feed.rss"]:
        client.get(url)
        with django_assert_max_num_queries(0):
            assert client.get(url).status_code == 200, url


def test_publishing_withdrawing_and_editing_show_at_once_on_cached_pages(client, publisher, editor):
    section = SectionFactory(name="Экономика")
    article = ArticleFactory(title="Бюджет принят", section=section, status=Article.Status.DRAFT, publish_at=None)
    pages = ["/", section.get_absolute_url(), "/feed.rss", "/sitemap-articles.xml"]
    for page in pages:
        assert "Бюджет принят" not in client.get(page).content.decode()  # cached without it

    article_publish(article=article, by=editor)
    for page in pages:
        assert "Бюджет" in client.get(page).content.decode() or article.slug in client.get(page).content.decode(), page

    staff = Client()
    staff.force_login(editor)
    change = reverse("admin:articles_section_change", args=[section.pk])
    form = {"name": "Экономика и финансы", "slug": section.slug, "description": "", "position": 0}
    assert staff.post(change, form).status_code == 302
    assert "Экономика и финансы" in client.get(article.get_absolute_url()).content.decode()

    article_withdraw(article=article, by=editor)
    assert "Бюджет принят" not in client.get("/").content.decode()
    assert client.get(article.get_absolute_url()).status_code == 410


def test_editing_a_person_in_the_admin_shows_on_the_cached_article_page(client, publisher, editor):
    person = PersonFactory(name="Асель Нурланова", position="министр")
    article = ArticleFactory()
    article.people.set([person])
    assert "министр" in client.get(article.get_absolute_url()).content.decode()

    staff = Client()
    staff.force_login(editor)
    form = {"name": person.name, "slug": person.slug, "position": "вице-премьер", "organisation": "", "bio": ""}
    assert staff.post(reverse("admin:articles_person_change", args=[person.pk]), form).status_code == 302
    assert "вице-премьер" in client.get(article.get_absolute_url()).content.decode()


def test_a_scheduled_article_appears_on_warm_cached_pages_at_its_time(client, publisher, settings):
    settings.PAGE_CACHE_SECONDS = 3600  # only the schedule can end these pages' time in the cache
    section = SectionFactory()
    with time_machine.travel(NOW, tick=False):
        ArticleFactory(
            title="Старая новость",
            slug="staraya",
            section=section,
            tags=["Нефть"],
            publish_at=NOW - dt.timedelta(hours=1),
        )
        ArticleFactory(
            title="Запланированная новость",
            slug="zaplanirovannaya",
            section=section,
            tags=["Нефть"],
            publish_at=NOW + dt.timedelta(seconds=20),
        )
        pages = [
            "/",
            section.get_absolute_url(),
            "/topic/neft/",
            "/feed.rss",
            "/sitemap-news.xml",
            "/sitemap-articles.xml",
        ]
        for page in pages:
            html = client.get(page).content.decode()
            assert "/news/staraya/" in html and "zaplanirovannaya" not in html, page
            assert client.get(page).content.decode() == html  # now served from the cache

    with time_machine.travel(NOW + dt.timedelta(seconds=20, milliseconds=500), tick=False):
        for page in pages:
            assert "/news/zaplanirovannaya/" in client.get(page).content.decode(), page
        assert client.get("/news/zaplanirovannaya/").status_code == 200


def test_an_expiring_article_leaves_warm_cached_pages_at_its_time(client, publisher, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    with time_machine.travel(NOW, tick=False):
        ArticleFactory(title="Акция до полудня", slug="akciya", expire_at=NOW + dt.timedelta(seconds=30))
        assert "Акция до полудня" in client.get("/").content.decode()
        assert client.get("/news/akciya/").status_code == 200
    with time_machine.travel(NOW + dt.timedelta(seconds=30, milliseconds=500), tick=False):
        assert "Акция до полудня" not in client.get("/").content.decode()
        assert client.get("/news/akciya/").status_code == 404


def test_public_headers_never_promise_past_the_next_scheduled_change(client, publisher):
    with time_machine.travel(NOW, tick=False):
        ArticleFactory(publish_at=NOW - dt.timedelta(hours=1))
        quiet = cache_control(client.get("/"))
        ArticleFactory(publish_at=NOW + dt.timedelta(seconds=12))
        pages_changed()
        soon = cache_control(client.get("/"))
    assert "public" in quiet and int(quiet["max-age"]) == 30 and int(quiet["stale-while-revalidate"]) > 0
    assert int(soon["max-age"]) + int(soon["stale-while-revalidate"]) <= 12


def test_staff_never_get_or_fill_the_public_cache(client, publisher, editor, django_assert_max_num_queries):
    article = ArticleFactory(title="Опубликованная")
    draft = ArticleFactory(title="Черновик редактора", status=Article.Status.DRAFT, publish_at=None)
    staff = Client()
    staff.force_login(editor)

    # Staff first: nothing they see is stored for readers.
    preview = staff.get(draft.get_absolute_url())
    assert preview.status_code == 200 and "Черновик редактора" in preview.content.decode()
    assert {"private", "no-store"} <= cache_control(preview).keys()
    assert "private" in cache_control(staff.get("/")) and "no-store" in cache_control(staff.get("/"))
    assert client.get(draft.get_absolute_url()).status_code == 404

    # Readers second: their cached page is not served to staff (staff see their own view).
    client.get(article.get_absolute_url())
    client.get(article.get_absolute_url())
    with django_assert_max_num_queries(50) as queries:
        staff.get(article.get_absolute_url())
    assert len(queries) > 1


def test_a_cached_article_page_costs_no_query_and_its_beacon_one_upsert(client, publisher, django_assert_num_queries):
    article = ArticleFactory()
    read(client, article.get_absolute_url())
    with django_assert_num_queries(0):
        cached = client.get(article.get_absolute_url())
    assert cached.status_code == 200
    with django_assert_num_queries(VIEW_WRITE_QUERIES):  # the count's upsert, nothing else
        send_beacon(client, beacon_url(cached))
    assert client.get(article.get_absolute_url(), headers={"If-None-Match": cached["ETag"]}).status_code == 304
    article.refresh_from_db()
    assert article.view_count == 2


@pytest.mark.parametrize("path", ["/", "/kk/", "/feed.rss"])
def test_public_pages_do_not_vary_on_the_browsers_languages(client, publisher, path):
    """The path alone picks the language, so a shared cache (nginx, a CDN) may keep one copy."""
    ArticleFactory(language="kk")
    ArticleFactory(language="ru")
    answers = [client.get(path, headers={"Accept-Language": language}) for language in ("ru", "kk", "en")]
    assert all("accept-language" not in answer.get("Vary", "").lower() for answer in answers)
    cache.clear()  # each language list rendered afresh, not served from the page cache
    fresh = [client.get(path, headers={"Accept-Language": language}).content for language in ("kk", "en")]
    assert fresh[0] == fresh[1] == answers[0].content


def test_head_requests_are_answered_but_not_counted_as_views(client, publisher):
    article = ArticleFactory()
    assert client.head(article.get_absolute_url()).status_code == 200  # rendered
    read(client, article.get_absolute_url())  # a reader: rendered, stored and counted by its beacon
    assert client.head(article.get_absolute_url()).status_code == 200  # from the cache
    article.refresh_from_db()
    assert article.view_count == 1


def test_article_pages_may_be_kept_by_proxies_until_the_next_scheduled_change(client, publisher):
    """Serving an article counts nothing (its beacon does), so nginx or a CDN may keep it."""
    with time_machine.travel(NOW, tick=False):
        article = ArticleFactory(publish_at=NOW - dt.timedelta(hours=1))
        first = client.get(article.get_absolute_url())
        assert {"public": "", "max-age": "30"}.items() <= cache_control(first).items() and first["ETag"]
        again = client.get(article.get_absolute_url(), headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304 and again.content == b""
        ArticleFactory(publish_at=NOW + dt.timedelta(seconds=7))
        pages_changed()
        soon = cache_control(client.get(article.get_absolute_url()))
    assert int(soon["max-age"]) + int(soon["stale-while-revalidate"]) <= 7
    assert not first.cookies  # nothing that would keep a shared cache from storing it


def test_lists_answer_304_from_the_cache(client, publisher):
    ArticleFactory()
    first = client.get("/")
    assert first["ETag"]
    assert client.get("/", headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_previews_by_link_are_private_and_never_cached(client, publisher, editor):
    draft = ArticleFactory(title="Секретный черновик", status=Article.Status.DRAFT, publish_at=None)
    link = preview_link_create(article=draft, by=editor)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200 and {"private", "no-store"} <= cache_control(response).keys()
    link.revoked_at = timezone.now()
    link.save()
    assert client.get(link.get_absolute_url()).status_code == 404


def test_a_page_is_kept_no_longer_than_page_cache_seconds(client, publisher, settings):
    settings.PAGE_CACHE_SECONDS = 60
    with time_machine.travel(NOW, tick=False):
        article = ArticleFactory()
        client.get(article.get_absolute_url())
        Article.objects.filter(pk=article.pk).update(title="Правка в обход админки")
        assert "Правка в обход" not in client.get(article.get_absolute_url()).content.decode()
    with time_machine.travel(NOW + dt.timedelta(seconds=61), tick=False):
        assert "Правка в обход" in client.get(article.get_absolute_url()).content.decode()


def test_deploy_check_warns_when_pages_are_cached_per_process(settings):
    from newsroom.apps import page_cache_needs_a_shared_cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [warning.id for warning in page_cache_needs_a_shared_cache(None)] == ["newsroom.W001"]
    settings.CACHES = {"default": {"BACKEND": "newsroom.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/14"}}
    assert page_cache_needs_a_shared_cache(None) == []


def test_an_agency_edit_is_shown_even_if_a_reader_cached_the_old_row_before_the_commit(
    client, publisher, django_capture_on_commit_callbacks
):
    # Between an admin save and its commit, a reader's request in another connection still sees
    # the old row and may cache it; the footer must show the new registration after the commit.
    from agencies.models import Agency
    from agencies.services import publisher_get
    from newsroom.admin import ForgetsCachedReadsMixin

    old = Agency.objects.get(pk=publisher.pk)
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        publisher.registration_number = "KZ99VPY00012345"
        publisher.save()
        ForgetsCachedReadsMixin().changed()
        with patch.object(type(Agency.objects), "publisher", lambda manager: old):
            assert publisher_get().registration_number == old.registration_number  # the reader's view
    assert publisher_get().registration_number == "KZ99VPY00012345"
    assert "KZ99VPY00012345" in client.get("/").content.decode()


def test_an_uncached_page_reads_nothing_but_the_page_cache_lookup(client, publisher):
    # The publisher, sections menu and promo blocks are kept in the process for the epoch that
    # the page-cache lookup already fetched: no cache reads of their own.
    SectionFactory(name="Экономика")
    first, second = ArticleFactory(), ArticleFactory()
    client.get(first.get_absolute_url())
    reads, depth = [], []

    def recorded(name, original):
        def read(*args, **kwargs):
            if not depth:  # not the backend's own get() inside its get_many()
                reads.append((name, args[0]))
            depth.append(name)
            try:
                return original(*args, **kwargs)
            finally:
                depth.pop()

        return read

    names = ("get", "get_many", "has_key")
    for name in names:
        setattr(cache, name, recorded(name, getattr(cache, name)))
    try:
        html = client.get(second.get_absolute_url()).content.decode()
    finally:
        for name in names:
            delattr(cache, name)
    assert "Экономика" in html and publisher.registration_number in html
    assert [name for name, _keys in reads] == ["get_many"], reads


def test_a_view_may_ask_proxies_to_keep_its_answer_a_shorter_while(settings):
    """``response.cache_max_age`` (a live blog's poll): max-age is at most that, and still never
    past the next scheduled change; answers that do not ask keep PAGE_MAX_AGE."""
    from django.http import HttpResponse

    from newsroom.pagecache import PageCacheMiddleware

    settings.PAGE_MAX_AGE = 30
    asked, plain, soon = HttpResponse(), HttpResponse(), HttpResponse()
    asked.cache_max_age = soon.cache_max_age = 5
    PageCacheMiddleware.patch_headers(asked, 3600)
    PageCacheMiddleware.patch_headers(plain, 3600)
    PageCacheMiddleware.patch_headers(soon, 3)
    assert cache_control(asked)["max-age"] == "5" and int(cache_control(asked)["stale-while-revalidate"]) <= 5
    assert cache_control(plain)["max-age"] == "30"
    assert int(cache_control(soon)["max-age"]) + int(cache_control(soon)["stale-while-revalidate"]) <= 3

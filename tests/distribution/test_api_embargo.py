"""The agency's own embargo for partners: an editor releases a scheduled article to partners
before its public time (``Article.partners_from``). Keys allowed embargoed content
(``ApiKey.embargoed_content``) get it with ninjs ``embargoedUntil`` (its publication time), and
again without it once public; every other key, readers, feeds, sitemaps, search and Telegram
see it only at its publication time."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.services import article_publish, article_return_to_draft, article_withdraw
from distribution.models import ApiKey, TelegramChannel
from distribution.ninjs import stamp
from distribution.tasks import plan_posts
from tests.distribution.test_api import ITEMS, PAGE_QUERIES, get, titles
from tests.factories import ArticleFactory, PublisherFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

# 11:00 in Almaty: the article is released to partners now and goes public at 13:00.
MOMENT = dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
PUBLIC_AT = MOMENT + 2 * HOUR


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(MOMENT, tick=False)


@pytest.fixture
def embargoed_partner(settings):
    """A client whose key is allowed embargoed content; versions are listed at once."""
    settings.API_SETTLE_SECONDS = 0
    key, secret = ApiKey.issue("Партнёр под эмбарго")
    key.embargoed_content = True
    key.save()
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def editor():
    user = UserFactory(username="timur")
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def released(**fields) -> Article:
    """Scheduled for PUBLIC_AT and released to partners from now (unless told otherwise)."""
    return ArticleFactory(**{"title": "Под эмбарго", "publish_at": PUBLIC_AT, "partners_from": MOMENT, **fields})


# -- The queryset ------------------------------------------------------------------------------


def test_released_to_partners_is_published_and_the_early_released_only():
    public = ArticleFactory(title="На сайте")
    early = released()
    ArticleFactory(title="Запланирована", publish_at=PUBLIC_AT)
    ArticleFactory(title="Выйдет к партнёрам позже", publish_at=PUBLIC_AT, partners_from=MOMENT + HOUR)
    ArticleFactory(title="Черновик", status="draft", publish_at=PUBLIC_AT, partners_from=MOMENT)
    ArticleFactory(title="Истекла", publish_at=MOMENT - 2 * HOUR, partners_from=MOMENT - 3 * HOUR, expire_at=MOMENT)
    assert set(Article.objects.released_to_partners()) == {public, early}
    assert set(Article.objects.published()) == {public}


# -- Keys allowed embargoed content -------------------------------------------------------------


def test_a_released_article_is_listed_with_embargoed_until_for_a_key_allowed_embargoed_content(
    embargoed_partner, ninjs_validator
):
    PublisherFactory()
    article = released()
    _, page = get(embargoed_partner, ITEMS)
    assert titles(page) == ["Под эмбарго"]
    item = page["items"][0]
    assert item["embargoedUntil"] == stamp(PUBLIC_AT)
    assert item["versionCreated"] == stamp(MOMENT)
    assert item["uri"].endswith(f"/api/v1/items/{article.pk}")
    assert list(ninjs_validator.iter_errors(item)) == []


def test_the_single_item_is_embargoed_for_a_key_allowed_embargoed_content(embargoed_partner):
    article = released()
    response, item = get(embargoed_partner, f"{ITEMS}/{article.pk}")
    assert response.status_code == 200
    assert (item["pubStatus"], item["embargoedUntil"]) == ("usable", stamp(PUBLIC_AT))


def test_once_public_the_article_is_listed_without_embargoed_until(embargoed_partner, time_machine):
    article = released()
    time_machine.move_to(PUBLIC_AT, tick=False)
    _, page = get(embargoed_partner, ITEMS)
    assert titles(page) == ["Под эмбарго"]
    assert "embargoedUntil" not in page["items"][0]
    assert page["items"][0]["versionCreated"] == stamp(PUBLIC_AT)
    assert "embargoedUntil" not in get(embargoed_partner, f"{ITEMS}/{article.pk}")[1]


def test_a_polling_partner_gets_the_article_at_its_release_and_again_when_public(embargoed_partner, time_machine):
    released(partners_from=MOMENT + HOUR)
    _, page = get(embargoed_partner, ITEMS)
    assert page["items"] == []
    cursor = page["next"]

    time_machine.move_to(MOMENT + HOUR, tick=False)
    _, page = get(embargoed_partner, ITEMS, since=cursor)
    assert [item.get("embargoedUntil") for item in page["items"]] == [stamp(PUBLIC_AT)]
    cursor = page["next"]
    assert get(embargoed_partner, ITEMS, since=cursor)[1]["items"] == []

    time_machine.move_to(PUBLIC_AT, tick=False)
    _, page = get(embargoed_partner, ITEMS, since=cursor)
    assert [item.get("embargoedUntil") for item in page["items"]] == [None]
    assert get(embargoed_partner, ITEMS, since=page["next"])[1]["items"] == []


def test_a_partner_polling_after_both_moments_gets_the_article_once(embargoed_partner, time_machine):
    _, page = get(embargoed_partner, ITEMS)
    cursor = page["next"]
    released()
    time_machine.move_to(PUBLIC_AT + HOUR, tick=False)
    _, page = get(embargoed_partner, ITEMS, since=cursor)
    assert titles(page) == ["Под эмбарго"]
    assert "embargoedUntil" not in page["items"][0]


def test_pages_of_the_two_orders_merge_by_position_with_more(embargoed_partner, time_machine):
    cursor = get(embargoed_partner, ITEMS)[1]["next"]
    time_machine.move_to(MOMENT + dt.timedelta(minutes=1), tick=False)
    ArticleFactory(title="Первая на сайте", publish_at=MOMENT)
    time_machine.move_to(MOMENT + dt.timedelta(minutes=2), tick=False)
    released(title="Партнёрам")
    time_machine.move_to(MOMENT + dt.timedelta(minutes=3), tick=False)
    ArticleFactory(title="Вторая на сайте", publish_at=MOMENT)
    seen = []
    while True:
        _, page = get(embargoed_partner, ITEMS, since=cursor, limit=1)
        seen += titles(page)
        cursor = page["next"]
        if not page["more"]:
            break
    assert seen == ["Первая на сайте", "Партнёрам", "Вторая на сайте"]


def test_a_reschedule_during_the_embargo_reaches_allowed_partners_at_once(embargoed_partner, editor, time_machine):
    article = released()
    cursor = get(embargoed_partner, ITEMS)[1]["next"]
    time_machine.move_to(MOMENT + dt.timedelta(minutes=30), tick=False)
    article_publish(article=article, by=editor, at=PUBLIC_AT + HOUR)
    _, page = get(embargoed_partner, ITEMS, since=cursor)
    assert [(item["version"], item["embargoedUntil"]) for item in page["items"]] == [("2", stamp(PUBLIC_AT + HOUR))]


@pytest.mark.parametrize("service", [article_withdraw, article_return_to_draft])
def test_a_released_article_taken_down_before_its_time_is_canceled_for_allowed_keys(
    embargoed_partner, partner, editor, time_machine, service
):
    article = released()
    cursor = get(embargoed_partner, ITEMS)[1]["next"]
    default_cursor = get(partner, ITEMS)[1]["next"]
    time_machine.move_to(MOMENT + dt.timedelta(minutes=30), tick=False)
    service(article=article, by=editor)
    _, page = get(embargoed_partner, ITEMS, since=cursor)
    assert [(item["uri"].rsplit("/", 1)[-1], item["pubStatus"]) for item in page["items"]] == [
        (str(article.pk), "canceled")
    ]
    assert get(partner, ITEMS, since=default_cursor)[1]["items"] == []


def test_a_released_article_scheduled_for_later_is_not_canceled_before_it_reached_partners(
    embargoed_partner, editor, time_machine
):
    article = released(partners_from=MOMENT + HOUR)
    cursor = get(embargoed_partner, ITEMS)[1]["next"]
    article_return_to_draft(article=article, by=editor)
    time_machine.move_to(PUBLIC_AT + HOUR, tick=False)
    assert get(embargoed_partner, ITEMS, since=cursor)[1]["items"] == []


def test_a_page_for_a_key_allowed_embargoed_content_takes_one_query_more(embargoed_partner):
    PublisherFactory()
    for n in range(5):
        ArticleFactory(title=f"Новость {n}")
        released(title=f"Под эмбарго {n}")
    embargoed_partner.get(ITEMS, {"limit": 1})  # the key's use recorded, the publisher cached
    with CaptureQueriesContext(connection) as queries:
        response = embargoed_partner.get(ITEMS, {"limit": 100})
    assert len(response.json()["items"]) == 10
    assert len(queries) == PAGE_QUERIES, [q["sql"][:120] for q in queries]


# -- Everyone else -----------------------------------------------------------------------------


def test_a_default_key_never_sees_a_released_article_before_its_time(partner, time_machine):
    assert not ApiKey.objects.get().embargoed_content  # the default
    article = released()
    _, page = get(partner, ITEMS)
    assert page["items"] == []
    cursor = page["next"]
    assert partner.get(f"{ITEMS}/{article.pk}").status_code == 404
    time_machine.move_to(PUBLIC_AT - dt.timedelta(seconds=1), tick=False)
    assert get(partner, ITEMS, since=cursor)[1]["items"] == []
    time_machine.move_to(PUBLIC_AT, tick=False)
    _, page = get(partner, ITEMS, since=cursor)
    assert titles(page) == ["Под эмбарго"] and "embargoedUntil" not in page["items"][0]


def test_a_key_whose_permission_was_taken_away_no_longer_sees_a_released_article(embargoed_partner):
    article = released()
    ApiKey.objects.update(embargoed_content=False)
    assert get(embargoed_partner, ITEMS)[1]["items"] == []
    assert embargoed_partner.get(f"{ITEMS}/{article.pk}").status_code == 404


def test_readers_never_see_a_released_article_before_its_time(client):
    PublisherFactory()
    section = SectionFactory(name="Политика")
    article = released(title="Сайгаки под эмбарго", slug="saygaki", section=section, tags=["Сайгаки"])
    assert client.get(article.get_absolute_url()).status_code == 404
    for url in ("/", "/news/", section.get_absolute_url(), "/feed.rss", "/feeds/all.atom", "/sitemap-news.xml"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Сайгаки" not in response.content.decode() and "saygaki" not in response.content.decode(), url
    assert "saygaki" not in client.get("/sitemap.xml").content.decode()
    assert "saygaki" not in client.get("/sitemap-articles.xml").content.decode()
    assert "Сайгаки под эмбарго" not in client.get("/search/", {"q": "Сайгаки"}).content.decode()


def test_telegram_does_not_post_a_released_article_before_its_time(settings):
    settings.TELEGRAM_API_BASE = "http://127.0.0.1:9"  # never reached: nothing is planned
    TelegramChannel.objects.create(name="Канал", chat_id="@agency", bot_token="123456789:" + "A" * 35)
    TelegramChannel.objects.update(active_since=MOMENT - HOUR)
    released()
    assert plan_posts() == 0


# -- The admin -----------------------------------------------------------------------------------


def test_an_editor_allows_a_key_embargoed_content_in_the_admin(client, editor):
    key, _secret = ApiKey.issue("Казинформ")
    client.force_login(editor)
    url = f"/admin/distribution/apikey/{key.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"embargoed_content": "on"}).status_code == 302
    key.refresh_from_db()
    assert key.embargoed_content is True


def test_an_editor_cannot_revoke_a_key(client, editor):
    key, _secret = ApiKey.issue("Казинформ")
    client.force_login(editor)
    listing = client.get("/admin/distribution/apikey/").content.decode()
    assert 'value="revoke"' not in listing
    client.post("/admin/distribution/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is None

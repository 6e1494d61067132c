"""The partner API as a partner uses it: keys, ninjs items valid against IPTC's schema, polling
with a cursor that shows every new or changed item once, never a draft or an article before its
time, and clear JSON errors for bad input."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Tag
from articles.services import article_withdraw
from distribution.api import encode_cursor
from distribution.models import ApiKey
from tests.factories import (
    AgencyFactory,
    ArticleFactory,
    PersonFactory,
    PhotoFactory,
    PublisherFactory,
    SectionFactory,
    UserFactory,
    country,
)

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/items"
# A page of items, whatever its length: the key, the topic or section named (when asked for)
# and the items with all they carry; the publisher comes from the cache after the first page.
PAGE_QUERIES = 3


def get(client, url, **params):
    response = client.get(url, params)
    return response, response.json() if response["Content-Type"].startswith("application/json") else None


def titles(page):
    return [item["headlines"][0]["value"] if item["pubStatus"] == "usable" else item["uri"] for item in page["items"]]


def test_a_partner_gets_published_articles_newest_first_as_valid_ninjs(partner, ninjs_validator):
    PublisherFactory()
    source = AgencyFactory(name="Агентство «Источник»")
    section = SectionFactory(name="Политика")
    minister = PersonFactory(name="Аида Балаева", position="министр культуры и информации")
    author = PersonFactory(name="Ерлан Журналистов")
    older = ArticleFactory(title="Старая новость", publish_at=timezone.now() - dt.timedelta(hours=3))
    article = ArticleFactory(
        title="Министр <культуры> & «спорта» встретилась с послом",
        lead="Встреча прошла в Астане, передает DKNews.kz",
        body="<p>Текст <strong>новости</strong>.</p>",
        section=section,
        source=source,
        photo=PhotoFactory(renditions=True),
        tags=["Культура"],
    )
    article.people.add(minister)
    article.authors.add(author)
    article.countries.add(country("KZ"), country("AZ"))
    ArticleFactory(title="Черновик", status=Article.Status.DRAFT)
    ArticleFactory(title="На проверке", status=Article.Status.REVIEW)
    ArticleFactory(title="Запланированная", publish_at=timezone.now() + dt.timedelta(hours=1))
    ArticleFactory(title="Истёкшая", expire_at=timezone.now() - dt.timedelta(minutes=1))

    response, page = get(partner, ITEMS)

    assert response.status_code == 200
    assert titles(page) == [article.title, older.title]
    assert response["Cache-Control"] == "private, no-cache"
    item = page["items"][0]
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in ninjs_validator.iter_errors(item)]
    assert errors == []
    assert item["uri"] == f"http://testserver/api/v1/items/{article.pk}"
    assert (item["type"], item["pubStatus"], item["language"]) == ("text", "usable", "ru")
    assert item["standard"] == {
        "name": "ninjs",
        "version": "3.1",
        "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
    }
    assert item["descriptions"][0]["value"] == "Встреча прошла в Астане, передает DKNews.kz"
    assert item["bodies"] == [{"role": "main", "contentType": "text/html", "value": article.body}]
    assert item["by"] == "Ерлан Журналистов"
    assert [(s["rel"], s["name"]) for s in item["subjects"]] == [("section", "Политика"), ("topic", "Культура")]
    assert [p["name"] for p in item["people"]] == ["Аида Балаева"]
    assert sorted(p["literal"] for p in item["places"]) == ["AZ", "KZ"]
    assert item["copyrightHolder"] == "Международное информационное агентство «DKNews»"
    assert item["infoSources"][0]["name"] == "Агентство «Источник»"
    assert item["renditions"][0]["href"] == "http://testserver" + article.get_absolute_url()
    photo = item["associations"][0]
    assert photo["type"] == "picture" and photo["descriptions"][0]["value"].startswith("Министр и посол")
    assert {(r["width"], r["height"]) for r in photo["renditions"]} >= {(1200, 800), (1024, 683), (320, 213)}
    for other in page["items"]:
        assert list(ninjs_validator.iter_errors(other)) == []


def test_polling_with_the_cursor_shows_every_new_changed_or_withdrawn_item_once(partner, ninjs_validator):
    first = ArticleFactory(title="Первая")
    second = ArticleFactory(title="Вторая")
    _, page = get(partner, ITEMS)
    assert titles(page) == ["Вторая", "Первая"]
    cursor = page["next"]

    _, page = get(partner, ITEMS, since=cursor)
    assert (page["items"], page["next"], page["more"]) == ([], cursor, False)

    ArticleFactory(title="Третья")
    first.refresh_from_db()
    first.title = "Первая (исправлено)"
    first.save()
    _, page = get(partner, ITEMS, since=cursor)
    assert titles(page) == ["Третья", "Первая (исправлено)"]  # in the order they reached readers
    assert page["items"][1]["version"] == "2"
    cursor = page["next"]

    second.refresh_from_db()
    article_withdraw(article=second, by=UserFactory(is_superuser=True))
    _, page = get(partner, ITEMS, since=cursor)
    assert [(item["uri"].rsplit("/", 1)[-1], item["pubStatus"]) for item in page["items"]] == [
        (str(second.pk), "canceled")
    ]
    assert "headlines" not in page["items"][0] and "bodies" not in page["items"][0]
    assert list(ninjs_validator.iter_errors(page["items"][0])) == []
    _, page = get(partner, ITEMS, since=page["next"])
    assert page["items"] == []


def test_a_long_backlog_comes_in_pages_with_more(partner):
    for n in range(5):
        ArticleFactory(title=f"Новость {n}", publish_at=timezone.now() - dt.timedelta(hours=5 - n))
    _, page = get(partner, ITEMS, limit=2)
    assert titles(page) == ["Новость 4", "Новость 3"]

    cursor = encode_cursor(timezone.now() - dt.timedelta(days=1), 0)
    seen = []
    while True:
        _, page = get(partner, ITEMS, since=cursor, limit=2)
        seen += titles(page)
        cursor = page["next"]
        if not page["more"]:
            break
    assert seen == [f"Новость {n}" for n in range(5)]


def test_a_scheduled_article_reaches_partners_at_its_time_never_before(partner):
    at = timezone.now() + dt.timedelta(minutes=10)
    scheduled = ArticleFactory(title="В своё время", publish_at=at)
    _, page = get(partner, ITEMS)
    cursor = page["next"]
    assert titles(page) == []
    assert partner.get(f"{ITEMS}/{scheduled.pk}").status_code == 404

    with time_machine.travel(at - dt.timedelta(seconds=1)):
        assert get(partner, ITEMS, since=cursor)[1]["items"] == []
    with time_machine.travel(at + dt.timedelta(seconds=1)):
        _, page = get(partner, ITEMS, since=cursor)
        assert titles(page) == ["В своё время"]
        assert page["items"][0]["versionCreated"] == at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_version_is_listed_only_after_the_settle_time(partner, settings):
    """A save still being committed when a partner polls must not be jumped over by the cursor:
    versions wait API_SETTLE_SECONDS before they are listed."""
    settings.API_SETTLE_SECONDS = 10
    _, page = get(partner, ITEMS)
    cursor = page["next"]
    ArticleFactory(title="Только что")
    assert get(partner, ITEMS, since=cursor)[1]["items"] == []
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=11)):
        assert titles(get(partner, ITEMS, since=cursor)[1]) == ["Только что"]


def test_filters_by_language_section_and_topic(partner):
    economy = SectionFactory(name="Экономика", slug="ekonomika")
    ArticleFactory(title="Русская", section=economy, tags=["Нефть"])
    ArticleFactory(title="Қазақша", language="kk")
    ArticleFactory(title="Другая")
    topic = Tag.objects.get(name="Нефть")
    assert titles(get(partner, ITEMS, language="kk")[1]) == ["Қазақша"]
    assert titles(get(partner, ITEMS, section="ekonomika")[1]) == ["Русская"]
    assert titles(get(partner, ITEMS, topic=topic.slug)[1]) == ["Русская"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"since": "not-a-cursor"}, "since"),
        ({"since": "bm90LXNpZ25lZA"}, "since"),
        ({"section": "no-such-section"}, "section"),
        ({"topic": "no-such-topic"}, "topic"),
        ({"language": "de"}, "language"),
        ({"limit": "0"}, "limit"),
        ({"limit": "100000"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"languge": "kk"}, "languge"),
    ],
)
def test_bad_parameters_get_a_400_naming_the_parameter(partner, params, parameter):
    response, body = get(partner, ITEMS, **params)
    assert response.status_code == 400
    assert body["parameter"] == parameter
    assert parameter in body["error"]


def test_a_request_django_refuses_before_the_api_still_gets_a_json_error(partner, client):
    """A Host header that is not the site's is refused by Django itself (schemathesis found
    the HTML page it used to answer); the rest of the site keeps Django's page."""
    response = partner.get("/api/v1/items", HTTP_HOST="Bq~")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json() == {"error": "Bad request."}
    page = client.get("/news/", HTTP_HOST="Bq~")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_one_item_usable_canceled_or_not_found(partner, ninjs_validator):
    live = ArticleFactory(title="Живая")
    withdrawn = ArticleFactory(title="Отозванная")
    article_withdraw(article=withdrawn, by=UserFactory(is_superuser=True))
    expired = ArticleFactory(title="Истёкшая", expire_at=timezone.now() - dt.timedelta(minutes=1))
    draft = ArticleFactory(title="Черновик", status=Article.Status.DRAFT, publish_at=None)
    never_shown = ArticleFactory(title="Снята до публикации", publish_at=timezone.now() + dt.timedelta(hours=1))
    article_withdraw(article=never_shown, by=UserFactory(is_superuser=True))

    _, body = get(partner, f"{ITEMS}/{live.pk}")
    assert (body["pubStatus"], body["headlines"][0]["value"]) == ("usable", "Живая")
    for article in (withdrawn, expired):
        response, body = get(partner, f"{ITEMS}/{article.pk}")
        assert (response.status_code, body["pubStatus"]) == (200, "canceled")
        assert list(ninjs_validator.iter_errors(body)) == []
    for pk in (draft.pk, never_shown.pk, 999999, 2**63 - 1):
        response, body = get(partner, f"{ITEMS}/{pk}")
        assert (response.status_code, body) == (404, {"error": "No such item."})


def test_keys_missing_wrong_or_revoked_get_401_and_the_key_is_never_echoed(client, api_key, settings):
    settings.API_SETTLE_SECONDS = 0
    wrong = api_key[:-4] + "abcd"
    for header in (None, "Bearer nonsense", f"Bearer {wrong}", f"Basic {api_key}"):
        extra = {"HTTP_AUTHORIZATION": header} if header else {}
        response = client.get(ITEMS, **extra)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        assert "Authorization: Bearer" in response.json()["error"]
        assert api_key.split("_", 2)[2] not in response.content.decode()
    assert client.get(ITEMS, HTTP_AUTHORIZATION=f"Bearer {api_key}").status_code == 200
    ApiKey.objects.update(revoked_at=timezone.now())
    assert client.get(ITEMS, HTTP_AUTHORIZATION=f"Bearer {api_key}").status_code == 401


def test_the_key_is_stored_only_as_its_hash_and_its_use_is_recorded(partner, api_key):
    key = ApiKey.objects.get()
    assert api_key.split("_", 2)[2] not in json.dumps(list(ApiKey.objects.values()), default=str)
    assert key.last_used_at is None
    partner.get(ITEMS)
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_key_past_its_rate_limit_gets_429_with_retry_after(partner, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    with time_machine.travel(timezone.now().replace(second=10), tick=False):
        statuses = [partner.get(ITEMS).status_code for _ in range(4)]
        response = partner.get(ITEMS)
    assert statuses == [200, 200, 200, 429]
    assert response["Retry-After"] == "50"
    assert "120" not in response.json()["error"] and "3 a minute" in response.json()["error"]


def test_an_unchanged_page_answers_304_to_its_etag(partner):
    ArticleFactory(title="Одна")
    first = partner.get(ITEMS)
    again = partner.get(ITEMS, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (first.status_code, again.status_code) == (200, 304)
    ArticleFactory(title="Вторая")
    assert partner.get(ITEMS, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_page_of_100_items_takes_a_fixed_number_of_queries(partner):
    PublisherFactory()
    photo = PhotoFactory()
    people = [PersonFactory() for _ in range(3)]
    for n in range(100):
        article = ArticleFactory(title=f"Новость {n}", photo=photo, tags=[f"Тема {n % 7}", "Общая"])
        article.people.set(people)
        article.authors.set(people[:1])
        article.countries.add(country("KZ"))
    partner.get(ITEMS, {"limit": 1})  # the key's use recorded, the publisher cached
    with CaptureQueriesContext(connection) as queries:
        response = partner.get(ITEMS, {"limit": 100})
    assert len(response.json()["items"]) == 100
    assert len(queries) == PAGE_QUERIES - 1, [q["sql"][:120] for q in queries]
    topic = Tag.objects.get(name="Общая").slug
    with CaptureQueriesContext(connection) as queries:
        response = partner.get(ITEMS, {"limit": 100, "topic": topic})
    assert len(response.json()["items"]) == 100
    assert len(queries) == PAGE_QUERIES


def test_create_api_key_prints_the_key_once(capsys, db):
    call_command("create_api_key", "Казинформ")
    out, err = capsys.readouterr()
    key = ApiKey.objects.get()
    assert out.strip().startswith(f"nrk_{key.prefix}_")
    assert "shown only now" in err and out.strip() not in err
    assert key.name == "Казинформ" and key.key_hash not in out


def test_the_openapi_description_and_staff_docs(client):
    response = client.get("/api/v1/openapi.json")
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert {"/api/v1/items", "/api/v1/items/{pk}"} <= set(schema["paths"])
    assert client.get("/api/v1/docs").status_code == 302  # to the admin's login
    client.force_login(UserFactory(is_staff=True))
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content


def test_an_admin_revokes_a_key_and_never_sees_one(client, api_key, settings):
    settings.API_SETTLE_SECONDS = 0
    key = ApiKey.objects.get()
    client.force_login(UserFactory(is_superuser=True))
    listing = client.get("/admin/distribution/apikey/").content.decode()
    assert key.prefix in listing and api_key.split("_", 2)[2] not in listing
    assert "/admin/distribution/apikey/add/" not in listing  # keys are made by create_api_key
    assert client.get(f"/admin/distribution/apikey/{key.pk}/change/").status_code == 200
    response = client.post(
        "/admin/distribution/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
        follow=True,
    )
    assert "1 ключ отозван." in response.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is not None
    client.logout()
    assert client.get(ITEMS, HTTP_AUTHORIZATION=f"Bearer {api_key}").status_code == 401

"""The admin's long lists (articles, topics, people, photos) as they behave at a million rows: no
exact count past the cap ("more than"), pages that stop there, filters that narrow instead
(publication date, author), searches an index answers (a prefix for a short word), and query
budgets that do not grow with the rows. Roles never widen."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Person, Tag
from newsroom import admin as newsroom_admin
from photos.models import Photo
from tests.factories import ArticleFactory, PersonFactory, PhotoFactory, UserFactory
from tests.migrating import latest, migrate

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def member(username: str, group: str):
    user = UserFactory(username=username, first_name=username.capitalize())
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def editor():
    return member("redaktor", "Editor")[1]


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [article.title for article in response.context["cl"].result_list]


def counts_whole_table(queries) -> bool:
    """Whether a query counted rows without a limit (an exact COUNT(*) of the list)."""
    return any("COUNT(" in query["sql"].upper() and "LIMIT" not in query["sql"].upper() for query in queries)


# -- Counting ---------------------------------------------------------------------------------


def test_a_list_past_the_cap_says_more_than_and_never_counts_it_all(editor, monkeypatch):
    monkeypatch.setattr(newsroom_admin, "LIST_CAP", 4)
    monkeypatch.setattr(admin.site._registry[Article], "list_per_page", 2)
    for n in range(7):
        ArticleFactory(title=f"Статья {n}")
    with CaptureQueriesContext(connection) as queries:
        response = editor.get(CHANGELIST)
    html = response.content.decode()
    assert "Больше 4 в этом списке." in html and "Страницы на этом заканчиваются" in html
    assert not counts_whole_table(queries)
    assert titles(response) == ["Статья 6", "Статья 5"]
    assert "question hidden" not in html  # no "select all N": an action never reaches rows nobody counted


@pytest.mark.parametrize(
    ("language", "said"),
    [("kk", "Бұл тізімде 4-нан астам."), ("en", "More than 4 in this list.")],
)
def test_a_long_list_says_more_than_in_kazakh_and_english(editor, monkeypatch, language, said):
    monkeypatch.setattr(newsroom_admin, "LIST_CAP", 4)
    monkeypatch.setattr(admin.site._registry[Article], "list_per_page", 2)
    ArticleFactory.create_batch(6)
    editor.post(reverse("set_language"), {"language": language, "next": "/admin/"})
    assert said in editor.get(CHANGELIST).content.decode()


def test_a_short_list_is_counted_exactly(editor):
    """The sibling of the test above, at the default cap."""
    assert newsroom_admin.LIST_CAP == 10_000
    for n in range(3):
        ArticleFactory(title=f"Статья {n}")
    response = editor.get(CHANGELIST)
    assert response.context["cl"].result_count == 3
    assert "в этом списке" not in response.content.decode()


def test_a_searched_list_counts_to_a_smaller_cap(editor, monkeypatch):
    monkeypatch.setattr(newsroom_admin, "SEARCH_CAP", 2)
    for n in range(4):
        PersonFactory(name=f"Асель {n}")
    html = editor.get(reverse("admin:articles_person_changelist"), {"q": "асель"}).content.decode()
    assert "больше 2 результатов" in html and "Больше 2 в этом списке." in html


def test_a_searched_list_with_a_few_matches_counts_them(editor):
    """The sibling of the test above, at the default search cap."""
    assert newsroom_admin.SEARCH_CAP == 1_000
    for n in range(4):
        PersonFactory(name=f"Асель {n}")
    html = editor.get(reverse("admin:articles_person_changelist"), {"q": "асель"}).content.decode()
    assert "4 результата" in html and "больше" not in html


def test_a_filtered_list_is_counted_exactly_when_it_is_small(editor, monkeypatch):
    monkeypatch.setattr(newsroom_admin, "LIST_CAP", 4)
    for n in range(6):
        ArticleFactory(title=f"Статья {n}")
    ArticleFactory(title="На проверке", status=Article.Status.REVIEW, publish_at=None)
    response = editor.get(CHANGELIST, {"state": "review"})
    assert titles(response) == ["На проверке"] and response.context["cl"].result_count == 1


# -- Pages ------------------------------------------------------------------------------------


def test_pages_past_the_cap_show_the_last_page_and_say_why(editor, monkeypatch):
    monkeypatch.setattr(newsroom_admin, "LIST_CAP", 4)
    monkeypatch.setattr(admin.site._registry[Article], "list_per_page", 2)
    for n in range(7):
        ArticleFactory(title=f"Статья {n}")
    response = editor.get(CHANGELIST, {"p": "2000"})
    assert titles(response) == ["Статья 4", "Статья 3"]  # page 2, the last before the cap
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "Страницы заканчиваются на 4 строках. Сузьте список поиском, фильтром или датой, чтобы увидеть остальные."
    ]


def test_a_page_is_its_rows_in_the_lists_order(editor, monkeypatch):
    """A page reads its ids, then its rows by id: the rows stay in the list's order."""
    monkeypatch.setattr(admin.site._registry[Article], "list_per_page", 2)
    for n in range(5):
        ArticleFactory(title=f"Статья {n}")
    assert titles(editor.get(CHANGELIST, {"p": "2"})) == ["Статья 2", "Статья 1"]
    assert titles(editor.get(CHANGELIST, {"p": "3"})) == ["Статья 0"]


def test_a_page_that_does_not_exist_in_a_short_list_is_djangos_error_redirect(editor, monkeypatch):
    monkeypatch.setattr(admin.site._registry[Article], "list_per_page", 2)
    ArticleFactory.create_batch(3)
    response = editor.get(CHANGELIST, {"p": "5"})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


# -- Query budgets ------------------------------------------------------------------------------

# The session and user, the permissions, the publication years, the staff accounts and the
# sections (filters), the capped count, the page's ids and rows, the rows' authors; and the
# header's bell (the unread notifications, cold here, then cached until they change). A search on
# PostgreSQL (ranked ids, then the page) reaches the budget; SQLite stays one under it.
LIST_QUERIES = 12


@pytest.mark.parametrize("rows", [2, 25])
@pytest.mark.parametrize("role", ["Editor", "Journalist"])
@pytest.mark.parametrize(
    "params", [{}, {"state": "published"}, {"q": "статья"}, {"published": "today"}, {"by": "me"}], ids=str
)
def test_the_article_list_has_a_fixed_query_budget(role, rows, params, django_assert_max_num_queries):
    user, client = member("someone", role)
    for n in range(rows):
        ArticleFactory(title=f"Статья {n}", created_by=user if n % 2 else None, tags=["Экономика"])
        Article.objects.get(title=f"Статья {n}").authors.add(PersonFactory())
    with django_assert_max_num_queries(LIST_QUERIES):
        assert client.get(CHANGELIST, params).status_code == 200


@pytest.mark.parametrize("rows", [2, 25])
@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:articles_tag_changelist"),
        reverse("admin:articles_person_changelist"),
        reverse("admin:photos_photo_changelist"),
    ],
)
def test_the_topic_people_and_photo_lists_have_a_fixed_query_budget(editor, rows, url, django_assert_max_num_queries):
    for n in range(rows):
        ArticleFactory(tags=[f"Тема {n}"])
        PersonFactory(name=f"Персона {n}")
    PhotoFactory.create_batch(min(rows, 4))
    with django_assert_max_num_queries(10):
        assert editor.get(url).status_code == 200


# -- Filters -------------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False)
def test_the_publication_date_filter_offers_years_then_months_and_narrows(editor):
    ArticleFactory(title="Март 2024", publish_at=dt.datetime(2024, 3, 10, 12, tzinfo=dt.UTC))
    ArticleFactory(title="Июль 2025", publish_at=dt.datetime(2025, 7, 1, 12, tzinfo=dt.UTC))
    ArticleFactory(title="Сегодня", publish_at=dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC))
    ArticleFactory(title="Черновик", status=Article.Status.DRAFT, publish_at=None)
    html = editor.get(CHANGELIST).content.decode()
    for choice in ["?published=2026", "?published=2025", "?published=2024", "?published=today"]:
        assert choice in html
    assert "?published=2024-03" not in html  # months appear once their year is chosen
    assert titles(editor.get(CHANGELIST, {"published": "2024"})) == ["Март 2024"]
    assert "?published=2024-03" in editor.get(CHANGELIST, {"published": "2024"}).content.decode()
    assert titles(editor.get(CHANGELIST, {"published": "2024-03"})) == ["Март 2024"]
    assert titles(editor.get(CHANGELIST, {"published": "2024-04"})) == []
    assert titles(editor.get(CHANGELIST, {"published": "today"})) == ["Сегодня"]
    assert titles(editor.get(CHANGELIST, {"published": "7d"})) == ["Сегодня"]


def test_a_publication_date_lists_by_publication_time(editor):
    """Within a year or a month the list follows publication time (its own index), whatever
    the order the articles were written in."""
    ArticleFactory(title="Вышла позже", publish_at=dt.datetime(2024, 5, 2, tzinfo=dt.UTC))
    ArticleFactory(title="Вышла раньше", publish_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    assert titles(editor.get(CHANGELIST)) == ["Вышла раньше", "Вышла позже"]  # newest written first
    assert titles(editor.get(CHANGELIST, {"published": "2024"})) == ["Вышла позже", "Вышла раньше"]


def test_the_newsroom_day_starts_at_midnight_in_almaty(editor):
    """2025-01-01 00:30 in Almaty is still 2024 in UTC: it belongs to 2025."""
    ArticleFactory(title="Новогодняя", publish_at=dt.datetime(2024, 12, 31, 19, 30, tzinfo=dt.UTC))
    assert titles(editor.get(CHANGELIST, {"published": "2025"})) == ["Новогодняя"]
    assert titles(editor.get(CHANGELIST, {"published": "2025-01"})) == ["Новогодняя"]


@pytest.mark.parametrize("value", ["2024-13", "abcd", "0", "99999", "2024-", "-03", "2024-03-01"])
def test_a_hand_typed_date_that_is_no_date_lists_nothing_and_is_no_error(editor, value):
    ArticleFactory(publish_at=dt.datetime(2024, 3, 10, 12, tzinfo=dt.UTC))
    assert editor.get(CHANGELIST, {"published": value}).status_code == 200


def test_written_by_me_lists_the_users_own_articles_within_what_they_may_see():
    me, journalist = member("asel", "Journalist")
    colleague, _ = member("dana", "Journalist")
    ArticleFactory(title="Мой черновик", status=Article.Status.DRAFT, publish_at=None, created_by=me)
    ArticleFactory(title="Черновик коллеги", status=Article.Status.DRAFT, publish_at=None, created_by=colleague)
    ArticleFactory(title="Статья коллеги", created_by=colleague)
    assert titles(journalist.get(CHANGELIST, {"by": "me"})) == ["Мой черновик"]
    assert titles(journalist.get(CHANGELIST, {"by": str(colleague.pk)})) == ["Статья коллеги"]
    html = journalist.get(CHANGELIST).content.decode()
    assert "Черновик коллеги" not in html and "Dana" in html  # the colleague is a choice, not their draft


def test_only_the_publication_time_column_sorts_the_article_list(editor):
    ArticleFactory()
    html = editor.get(CHANGELIST).content.decode()
    assert html.count('class="sortable') == 1 and 'class="sortable column-publish_time' in html


# -- Topics, people, photos and the autocomplete widgets -------------------------------------------


def test_the_topic_list_counts_each_topics_articles(editor):
    ArticleFactory(tags=["Экономика", "Спорт"])
    ArticleFactory(tags=["Экономика"])
    response = editor.get(reverse("admin:articles_tag_changelist"))
    counts = {tag.name: tag.article_total for tag in response.context["cl"].result_list}
    assert counts == {"Экономика": 2, "Спорт": 1}


def complete(client, field: str, term: str) -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_a_short_word_finds_people_by_the_start_of_a_word_a_longer_one_anywhere(editor):
    PersonFactory(name="Асель Нурова", position="")
    PersonFactory(name="Ерлан Тасов", position="")
    PersonFactory(name="Айдос Сарсенбаев", position="министр культуры")
    assert complete(editor, "people", "ас") == ["Асель Нурова"]
    assert complete(editor, "people", "тасов") == ["Ерлан Тасов"]
    assert complete(editor, "authors", "сель") == ["Асель Нурова"]
    assert complete(editor, "people", "айдос культуры") == ["Айдос Сарсенбаев, министр культуры"]
    assert len(complete(editor, "people", "")) == 3  # the widget opened: the first names


def test_the_people_list_searches_as_the_autocomplete_does(editor):
    PersonFactory(name="Асель Нурова", position="")
    PersonFactory(name="Ерлан Тасов", position="")
    response = editor.get(reverse("admin:articles_person_changelist"), {"q": "ас"})
    assert [person.name for person in response.context["cl"].result_list] == ["Асель Нурова"]


def test_topic_suggestions_match_the_start_of_a_word_or_part_of_a_longer_one(editor):
    ArticleFactory(tags=["Экономика", "Экология", "Спорт"])
    Tag.objects.filter(name="Спорт").update(name_kk="Спорт жаңалықтары")
    url = reverse("admin:articles_article_tag_names")
    assert [r["id"] for r in editor.get(url, {"term": "эк"}).json()["results"]] == ["Экология", "Экономика"]
    assert [r["id"] for r in editor.get(url, {"term": "номик"}).json()["results"]] == ["Экономика"]
    assert [r["id"] for r in editor.get(url, {"term": "жаңа"}).json()["results"]] == ["Спорт"]
    assert [r["id"] for r in editor.get(url, {"term": "ко"}).json()["results"]] == []  # no word starts so


def test_the_photo_picker_finds_photos_by_every_word_and_by_id(editor):
    wanted = PhotoFactory(caption="Нефтяной терминал в Актау", credit="Фото: пресс-служба")
    PhotoFactory(caption="Школа в Астане", credit="Фото: акимат")
    url = reverse("admin:photos_photo_choices")
    assert [p["id"] for p in editor.get(url, {"term": "терминал актау"}).json()["results"]] == [wanted.pk]
    assert [p["id"] for p in editor.get(url, {"id": str(wanted.pk)}).json()["results"]] == [wanted.pk]
    assert len(editor.get(url).json()["results"]) == 2


def test_the_photo_month_filter_offers_the_libraries_months_newest_first(editor):
    old, new = PhotoFactory(caption="Старое"), PhotoFactory(caption="Новое")
    Photo.objects.filter(pk=old.pk).update(created_at=dt.datetime(2026, 9, 15, 12, tzinfo=dt.UTC))
    Photo.objects.filter(pk=new.pk).update(created_at=dt.datetime(2026, 11, 15, 12, tzinfo=dt.UTC))
    url = reverse("admin:photos_photo_changelist")
    html = editor.get(url).content.decode()
    months = [html.index(f"?month=2026-{month}") for month in ("11", "10", "09")]
    assert months == sorted(months) and "?month=2026-08" not in html
    response = editor.get(url, {"month": "2026-09"})
    assert [photo.caption for photo in response.context["cl"].result_list] == ["Старое"]


# -- PostgreSQL: the indexes the searches rely on ---------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_postgresql_has_the_trigram_indexes_the_admin_searches_use():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("pg_trgm",)
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        indexes = dict(cursor.fetchall())
    for table, field in [
        ("articles_article", "title"),
        ("articles_article", "slug"),
        ("articles_tag", "name"),
        ("articles_person", "name"),
        ("photos_photo", "caption"),
    ]:
        definition = indexes[f"{table}_{field}_trgm"]
        assert "gin_trgm_ops" in definition and f"ON public.{table} USING gin" in definition


def test_people_topics_and_photos_lists_cap_their_count_too(editor, monkeypatch):
    monkeypatch.setattr(newsroom_admin, "LIST_CAP", 2)
    for n in range(4):
        PersonFactory(name=f"Персона {n}")
    html = editor.get(reverse("admin:articles_person_changelist")).content.decode()
    assert "Больше 2 в этом списке." in html
    assert Person.objects.count() == 4


def index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


LIST_INDEXES = {
    "articles_article_created",
    "articles_article_publish",
    "articles_article_lang_section",
    "articles_article_status_author",
}
TRIGRAM_INDEXES = {"articles_article_title_trgm", "articles_person_name_trgm", "articles_tag_name_trgm"}


@pytest.mark.django_db(transaction=True)
def test_the_index_migrations_run_backwards_forwards_and_again_after_an_interruption():
    """The list's indexes on both databases (the trigram ones on PostgreSQL only), removed going
    back; an index already there (a run stopped half-way) is kept, not built twice."""
    migration = importlib.import_module("articles.migrations.0022_admin_list_indexes")
    before = migrate([("articles", "0021_version_at"), ("photos", "0001_initial")])
    assert not index_names("articles_article") & (LIST_INDEXES | TRIGRAM_INDEXES)
    with connection.schema_editor() as editor:  # as if a first run had stopped after one index
        editor.add_index(before.get_model("articles", "Article"), migration.LIST_INDEXES[0])
    migrate(latest())
    found = index_names("articles_article") | index_names("articles_person") | index_names("articles_tag")
    assert LIST_INDEXES <= found
    if connection.vendor == "postgresql":
        assert TRIGRAM_INDEXES <= found and "photos_photo_caption_trgm" in index_names("photos_photo")
    else:
        assert not found & TRIGRAM_INDEXES


@pytest.mark.parametrize("page", ["1000", "99999999999999999999", "-3", "x"])
def test_the_pickers_answer_any_page_without_reading_past_the_cap(editor, page):
    ArticleFactory(tags=["Экономика"])
    PhotoFactory()
    for url in (reverse("admin:articles_article_tag_names"), reverse("admin:photos_photo_choices")):
        response = editor.get(url, {"page": page})
        assert response.status_code == 200
        answer = response.json()
        assert answer["pagination"]["more"] is False
        assert len(answer["results"]) == (1 if page in {"-3", "x"} else 0)  # a bad page is the first


def test_the_photo_list_shows_thumbnails_without_writing_a_file(editor, settings):
    PhotoFactory.create_batch(3, renditions=True)
    before = sorted(settings.MEDIA_ROOT.rglob("*"))
    assert editor.get(reverse("admin:photos_photo_changelist")).status_code == 200
    assert sorted(settings.MEDIA_ROOT.rglob("*")) == before


def test_a_quoted_phrase_is_one_word_as_in_djangos_admin_search(editor):
    PersonFactory(name="Асель Нурова", position="")
    PersonFactory(name="Нурова Асель", position="")
    response = editor.get(reverse("admin:articles_person_changelist"), {"q": '"асель нурова"'})
    assert [person.name for person in response.context["cl"].result_list] == ["Асель Нурова"]


@pytest.mark.parametrize("term", ["\x00", "нефть\x00газ", "'", "%_", "//[", "a:b & !c | d*", "н" * 500, "🛢️"])
def test_every_picker_and_list_search_answers_odd_input(editor, term):
    ArticleFactory(tags=["Нефть"])
    PersonFactory(name="Асель Нурова")
    PhotoFactory(caption="Нефтяной терминал")
    pickers = [reverse("admin:articles_article_tag_names"), reverse("admin:photos_photo_choices")]
    for url in pickers:
        response = editor.get(url, {"term": term})
        assert response.status_code == 200, url
        assert "results" in response.json()
    typed_nothing = term == "\x00"
    assert complete(editor, "people", term) == (complete(editor, "people", "") if typed_nothing else [])
    for model in ("articles_tag", "articles_person", "photos_photo", "articles_section"):
        assert editor.get(reverse(f"admin:{model}_changelist"), {"q": term}).status_code == 200, model

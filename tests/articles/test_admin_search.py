"""The admin's article search (articles.search.staff_search through ArticleAdmin): words, a
number, a pasted address; on PostgreSQL the full-text and trigram indexes, ranked by relevance
then newest. A search never shows a user more than the list would."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import search
from articles.models import Article
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
CHANGELIST = reverse("admin:articles_article_changelist")


def member(username: str, group: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def editor():
    return member("redaktor", "Editor")[1]


def found(client, query: str, **params) -> list[str]:
    """The titles the article list shows for ``query``, in its order."""
    response = client.get(CHANGELIST, {"q": query, **params})
    assert response.status_code == 200
    return [article.title for article in response.context["cl"].result_list]


def test_a_word_finds_articles_by_their_headline_and_lead(editor):
    ArticleFactory(title="Атырау: модернизация завода", lead="Лид")
    ArticleFactory(title="Новость дня", lead="В Атырау открыли школу")
    ArticleFactory(title="Другая новость", lead="О другом")
    assert sorted(found(editor, "атырау")) == ["Атырау: модернизация завода", "Новость дня"]


def test_a_number_finds_the_article_with_that_id(editor):
    wanted = ArticleFactory(title="Искомая статья")
    ArticleFactory(title="Соседняя статья")
    assert found(editor, str(wanted.pk)) == ["Искомая статья"]


def test_a_number_finds_the_article_first_and_the_articles_that_mention_it(editor):
    wanted = ArticleFactory(title="Искомая статья")
    ArticleFactory(title=f"Итоги {wanted.pk} года")
    titles = found(editor, str(wanted.pk))
    assert titles[0] == "Искомая статья" and f"Итоги {wanted.pk} года" in titles


@pytest.mark.parametrize(
    "address",
    [
        "https://dknews.kz/news/{slug}/",
        "http://www.dknews.kz/news/{slug}/?utm_source=telegram#comments",
        "dknews.kz/news/{slug}/",
        "/news/{slug}/",
    ],
)
def test_a_pasted_public_address_finds_its_article(editor, address):
    ArticleFactory(title="Статья по ссылке", slug="statya-po-ssylke")
    ArticleFactory(title="Статья по ссылке, продолжение", slug="statya-po-ssylke-2")
    assert found(editor, address.format(slug="statya-po-ssylke")) == ["Статья по ссылке"]


def test_a_pasted_address_of_the_kazakh_site_or_of_the_admin_finds_its_article(editor):
    kazakh = ArticleFactory(title="Қазақстан жаңалықтары", slug="qazaqstan", language="kk")
    assert found(editor, "https://dknews.kz/kk/news/qazaqstan/") == ["Қазақстан жаңалықтары"]
    admin_page = "https://dknews.kz" + reverse("admin:articles_article_change", args=[kazakh.pk])
    assert found(editor, admin_page) == ["Қазақстан жаңалықтары"]


def test_a_search_never_shows_a_journalist_a_colleagues_draft():
    me, journalist = member("asel", "Journalist")
    colleague, _ = member("dana", "Journalist")
    draft = ArticleFactory(
        title="Черновик коллеги о нефти",
        slug="chernovik",
        status=Article.Status.DRAFT,
        publish_at=None,
        created_by=colleague,
    )
    ArticleFactory(title="Моя статья о нефти", created_by=me, status=Article.Status.DRAFT, publish_at=None)
    ArticleFactory(title="Опубликованная статья о нефти")
    assert sorted(found(journalist, "нефти")) == ["Моя статья о нефти", "Опубликованная статья о нефти"]
    assert found(journalist, str(draft.pk)) == []
    assert found(journalist, "https://dknews.kz/news/chernovik/") == []
    assert "Черновик коллеги о нефти" in found(member("redaktor", "Editor")[1], "нефти")


@pytest.mark.parametrize(
    "query", ["//[", "'", '"', "\x00нефть", "н" * 500, "https://", "/", "-1", "9" * 30, "a:b & !c | d*", "%_"]
)
def test_odd_input_is_searched_without_an_error(editor, query):
    ArticleFactory(title="Нефть")
    response = editor.get(CHANGELIST, {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("matches", [2, 12])
def test_a_search_has_a_fixed_query_budget(editor, matches):
    """Whatever the number of matches (and of their authors): the same queries."""
    for n in range(matches):
        ArticleFactory(title=f"Нефть и газ {n}")
    with CaptureQueriesContext(connection) as queries:
        assert editor.get(CHANGELIST, {"q": "нефть"}).status_code == 200
    assert len(queries) <= SEARCH_PAGE_QUERIES


# The session and user, the permissions, the search's candidates (PostgreSQL), the capped count,
# the page's ids and its rows, the rows' authors, the filters' choices (years of publication,
# staff accounts, sections).
SEARCH_PAGE_QUERIES = 12


@postgresql_only
def test_postgresql_finds_any_form_of_a_russian_word_and_words_in_the_text(editor):
    ArticleFactory(title="Визит", lead="Лид", body="<p>Встреча с министрами культуры прошла в Астане.</p>")
    ArticleFactory(title="Погода", lead="Лид", body="<p>Дожди.</p>")
    assert found(editor, "министр") == ["Визит"]


@postgresql_only
def test_postgresql_ranks_by_relevance_then_newest(editor):
    texts = {"lead": "Лид", "body": "<p>Текст.</p>"}
    ArticleFactory(title="Нефть Казахстана", slug="old", **texts)
    ArticleFactory(title="Погода", lead="Лид", body="<p>Цены на нефть.</p>", slug="body-only")
    ArticleFactory(title="Нефть Казахстана", slug="new", **texts)
    response = editor.get(CHANGELIST, {"q": "нефть"})
    slugs = [article.slug for article in response.context["cl"].result_list]
    assert slugs == ["new", "old", "body-only"]  # headline matches first, the newer of equals first


@postgresql_only
def test_postgresql_ranks_by_the_clicked_column_when_one_is_clicked(editor):
    ArticleFactory(title="Нефть", slug="first", publish_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    ArticleFactory(
        title="Погода", body="<p>Нефть.</p>", slug="second", publish_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    )
    response = editor.get(CHANGELIST, {"q": "нефть", "o": "3"})  # publication time, oldest first
    assert [article.slug for article in response.context["cl"].result_list] == ["first", "second"]


@postgresql_only
def test_postgresql_finds_part_of_a_headline_word(editor):
    ArticleFactory(title="Модернизация Атырауского завода")
    ArticleFactory(title="Погода на неделю")
    assert found(editor, "модерниз") == ["Модернизация Атырауского завода"]


@postgresql_only
def test_postgresql_finds_part_of_an_address(editor):
    ArticleFactory(title="Отчёт компании", slug="kazmunaigaz-otchet-2025")
    ArticleFactory(title="Другой отчёт", slug="drugoy-otchet")
    assert found(editor, "kazmunai") == ["Отчёт компании"]


@postgresql_only
def test_postgresql_ranks_the_newest_matches_only_and_says_so(editor, monkeypatch):
    monkeypatch.setattr(search, "STAFF_SEARCH_CANDIDATES", 3)
    monkeypatch.setattr(admin.site._registry[Article], "list_per_page", 3)
    for n in range(5):
        ArticleFactory(title=f"Нефть {n}", slug=f"neft-{n}")
    response = editor.get(CHANGELIST, {"q": "нефть"})
    assert sorted(article.slug for article in response.context["cl"].result_list) == ["neft-2", "neft-3", "neft-4"]
    html = response.content.decode()
    assert "больше 3 результатов" in html and "Показаны 3 самых свежих совпадения" in html


@postgresql_only
def test_postgresql_counts_a_few_matches_exactly(editor):
    """The sibling of the test above, at the default number of candidates."""
    assert search.STAFF_SEARCH_CANDIDATES == 200
    for n in range(2):
        ArticleFactory(title=f"Нефть {n}")
    html = editor.get(CHANGELIST, {"q": "нефть"}).content.decode()
    assert "2 результата" in html and "больше" not in html

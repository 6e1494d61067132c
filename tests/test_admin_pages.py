"""Every admin page renders, and bad input on the forms is a clear error that keeps what was typed."""

import json

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from agencies.models import Agency, PromoBlock
from articles.models import Article, Country, Person, Section, Tag
from tests.factories import (
    ArticleFactory,
    PersonFactory,
    PromoBlockFactory,
    PublisherFactory,
    SectionFactory,
    UserFactory,
    country,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="boss", is_superuser=True))
    return client


@pytest.fixture
def objects():
    return {
        Article: ArticleFactory(tags=["Экономика"]),
        Section: SectionFactory(),
        Person: PersonFactory(),
        Country: country("KZ"),
        Tag: Tag.objects.get(name="Экономика"),
        Agency: PublisherFactory(),
        PromoBlock: PromoBlockFactory(),
    }


@pytest.mark.parametrize(
    "model", [Article, Section, Person, Country, Tag, Agency, PromoBlock], ids=lambda m: m.__name__
)
def test_admin_changelist_add_and_change_pages_render(superuser_client, objects, model):
    assert model in site._registry
    opts = model._meta
    obj = objects[model]
    changelist = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    assert str(obj) in changelist.content.decode()
    change = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert change.status_code == 200
    add = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == (403 if model is Country else 200)


def test_admin_is_in_russian_by_default(superuser_client):
    html = superuser_client.get(reverse("admin:index")).content.decode()
    assert "Статьи" in html and "Выйти" in html


def test_article_changelist_shows_newsroom_time_and_search_works(superuser_client):
    ArticleFactory(title="Атырау: модернизация")
    ArticleFactory(title="Другая новость")
    html = superuser_client.get(reverse("admin:articles_article_changelist"), {"q": "Атырау"}).content.decode()
    assert "Атырау: модернизация" in html and "Другая новость" not in html


def article_form(**overrides):
    data = {
        "title": "Новость",
        "slug": "",
        "lead": "Лид",
        "body": "<p>Текст</p>",
        "language": "ru",
        "status": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        "expire_at_0": "",
        "expire_at_1": "",
        "photo_caption": "",
    }
    data.update(overrides)
    return data


def test_admin_creates_an_article_with_new_and_existing_topics(superuser_client):
    ArticleFactory(tags=["Экономика"])
    response = superuser_client.post(
        reverse("admin:articles_article_add"),
        article_form(title="Қазақстан экспорты өсті", tags=["экономика", "Экспорт"], countries=[country("KZ").pk]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="Қазақстан экспорты өсті")
    assert article.slug == "qazaqstan-eksporty-osti"
    assert sorted(article.tags.names()) == ["Экономика", "Экспорт"]
    assert list(article.countries.values_list("code", flat=True)) == ["KZ"]


def test_admin_duplicate_title_gets_a_distinct_slug(superuser_client):
    ArticleFactory(title="Одинаковый заголовок")
    response = superuser_client.post(reverse("admin:articles_article_add"), article_form(title="Одинаковый заголовок"))
    assert response.status_code == 302
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["odinakovyy-zagolovok", "odinakovyy-zagolovok-2"]


def test_admin_duplicate_slug_typed_by_hand_is_a_form_error(superuser_client):
    ArticleFactory(title="Первая", slug="pervaya")
    response = superuser_client.post(
        reverse("admin:articles_article_add"), article_form(title="Вторая", slug="pervaya", lead="Мой лид")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "errornote" in html and "Мой лид" in html


def test_admin_title_over_the_limit_is_a_form_error_keeping_the_text(superuser_client):
    title = "Очень длинный заголовок " * 25
    body = "<p>Текст, который нельзя потерять</p>"
    response = superuser_client.post(reverse("admin:articles_article_add"), article_form(title=title, body=body))
    assert response.status_code == 200
    html = response.content.decode()
    assert "не более 300 символов" in html
    assert "Текст, который нельзя потерять" in html
    assert not Article.objects.exists()


@pytest.mark.parametrize("title", ["🔥🔥🔥", "!!! ???", "«—»"])
def test_admin_title_of_punctuation_or_emoji_saves_with_a_fallback_slug(superuser_client, title):
    response = superuser_client.post(reverse("admin:articles_article_add"), article_form(title=title))
    assert response.status_code == 302
    assert Article.objects.get().slug == "article"


def test_admin_expiry_before_publication_is_a_form_error(superuser_client):
    response = superuser_client.post(
        reverse("admin:articles_article_add"),
        article_form(
            status="published",
            publish_at_0="26.11.2026",
            publish_at_1="12:00:00",
            expire_at_0="25.11.2026",
            expire_at_1="12:00:00",
        ),
    )
    assert response.status_code == 200
    assert "Время снятия должно быть позже времени публикации" in response.content.decode()
    assert not Article.objects.exists()


def test_admin_second_publisher_is_a_form_error_keeping_the_input(superuser_client):
    PublisherFactory()
    response = superuser_client.post(
        reverse("admin:agencies_agency_add"),
        {
            "name": "Второе агентство",
            "short_name": "Второе",
            "slug": "",
            "domain": "second.example",
            "founded_year": "2010",
            "is_publisher": "on",
            "registration_authority": "Министерство",
            "registration_number": "123-АБ",
            "registration_date": "01.02.2011",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Издателем уже отмечено другое агентство" in html
    assert "Второе агентство" in html and "123-АБ" in html
    assert Agency.objects.count() == 1


def test_tag_autocomplete_suggests_existing_topics_by_name(superuser_client):
    ArticleFactory(tags=["Экономика", "Экология", "Спорт"])
    response = superuser_client.get(reverse("admin:articles_article_tag_names"), {"term": "эко"})
    assert response.json()["results"] == [
        {"id": "Экология", "text": "Экология"},
        {"id": "Экономика", "text": "Экономика"},
    ]


def test_tag_autocomplete_is_closed_to_anonymous_visitors(client):
    response = client.get(reverse("admin:articles_article_tag_names"), {"term": "эко"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_russian_admin_names_an_article_in_the_right_case(superuser_client):
    changelist = superuser_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Выберите статью для изменения" in changelist and "Добавить статью" in changelist
    add = superuser_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "<title>Добавить статью" in add and '<li aria-current="page">Добавить статью</li>' in add
    assert "Добавить статья" not in changelist + add

    response = superuser_client.post(
        reverse("admin:articles_article_add"), article_form(title="Новость дня"), follow=True
    )
    message = [str(m) for m in response.context["messages"]]
    article = Article.objects.get(title="Новость дня")
    assert message == [f'Статья «<a href="/admin/articles/article/{article.pk}/change/">Новость дня</a>» добавлена.']
    change = superuser_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "<title>Новость дня | Изменить статью |" in change
    people = superuser_client.get(reverse("admin:articles_person_changelist")).content.decode()
    assert "Выберите персону для изменения" in people and "Добавить персону" in people


@pytest.mark.parametrize("model", list(site._registry), ids=lambda m: m._meta.label)
def test_every_admin_model_is_named_in_whole_sentences(superuser_client, model):
    """No «Добавить персона» or «Выберите группа для изменения»: each model has its sentences."""
    from django.utils import translation

    names = site._registry[model].names
    assert names is not None, f"{model._meta.label} has no AdminNames"
    opts = model._meta
    html = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).content.decode()
    assert str(names.select) in html or str(names.select_view) in html
    with translation.override("kk"):
        assert not str(names.add).startswith("Add "), "the Kazakh catalogue lacks the sentences"
        assert "«{obj}»" in str(names.added)


def test_the_admin_speaks_kazakh_to_whoever_chooses_it_and_the_site_keeps_its_addresses(superuser_client):
    PublisherFactory()
    response = superuser_client.post(
        reverse("set_language"), {"language": "kk", "next": "/admin/articles/article/"}, follow=True
    )
    html = response.content.decode()
    assert '<html lang="kk"' in html
    assert "Өзгерту үшін мақаланы таңдаңыз" in html and "Мақала қосу" in html
    add = superuser_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "<title>Мақала қосу" in add and "Басты фото" in add
    catalogue = superuser_client.get(reverse("admin:jsi18n")).content.decode()
    for label in ["Кітапханадағы фото", "Қалың (Ctrl+B)"]:  # the editor's labels, as JSON strings
        assert json.dumps(label) in catalogue
    assert '<html lang="ru">' in superuser_client.get("/").content.decode()  # readers: the address decides
    superuser_client.post(reverse("set_language"), {"language": "ru", "next": "/admin/"})
    assert "Выберите статью для изменения" in superuser_client.get("/admin/articles/article/").content.decode()


def test_the_language_buttons_never_redirect_off_site(superuser_client):
    response = superuser_client.post(reverse("set_language"), {"language": "kk", "next": "https://evil.example/"})
    assert response.status_code == 302 and not response["Location"].startswith("https://evil")

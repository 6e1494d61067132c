import datetime as dt

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import AgencyFactory, ArticleFactory, PersonFactory, PromoBlockFactory, PublisherFactory, country

pytestmark = pytest.mark.django_db

# Query budgets: fixed numbers that do not grow with page size or an article's relations.
# Front page: publisher (footer), count for the paginator, the page of articles.
FRONT_PAGE_QUERIES = 3
# Article page: publisher, the article (+section, source), tags, authors, people, countries, promo blocks.
ARTICLE_PAGE_QUERIES = 7


@pytest.fixture
def publisher():
    return PublisherFactory()


def test_front_page_lists_published_articles_newest_first(client, publisher):
    now = timezone.now()
    ArticleFactory(title="Старая новость", publish_at=now - dt.timedelta(days=1))
    ArticleFactory(title="Свежая новость", publish_at=now - dt.timedelta(minutes=1))
    ArticleFactory(title="Черновик", status=Article.Status.DRAFT, publish_at=None)
    ArticleFactory(title="Запланированная", publish_at=now + dt.timedelta(hours=1))
    html = client.get("/").content.decode()
    assert html.index("Свежая новость") < html.index("Старая новость")
    assert "Черновик" not in html and "Запланированная" not in html


@pytest.mark.parametrize(
    "state",
    [
        {"status": "draft", "publish_at": None},
        {"status": "review"},
        {"publish_at_offset": dt.timedelta(hours=1)},
        {"expire_at_offset": -dt.timedelta(minutes=1)},
    ],
    ids=["draft", "review", "scheduled", "expired"],
)
def test_unpublished_article_is_404_for_readers(client, publisher, state):
    now = timezone.now()
    fields = {"title": "Секретный черновик", "publish_at": now - dt.timedelta(hours=2)}
    if "publish_at_offset" in state:
        fields["publish_at"] = now + state["publish_at_offset"]
    if "expire_at_offset" in state:
        fields["expire_at"] = now + state["expire_at_offset"]
    fields.update({key: value for key, value in state.items() if not key.endswith("_offset")})
    article = ArticleFactory(**fields)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert "Секретный черновик" not in response.content.decode()


def test_unpublished_article_404_is_identical_to_a_nonexistent_address(client, publisher, settings):
    settings.DEBUG = False
    draft = ArticleFactory(title="Эмбарго до завтра", slug="embargo", status="draft", publish_at=None)
    hidden = client.get(draft.get_absolute_url())
    missing = client.get("/news/no-such-article/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert "Эмбарго" not in hidden.content.decode()


def test_withdrawn_article_answers_410_gone_without_its_text(client, publisher):
    article = ArticleFactory(title="Снятая новость", status="withdrawn")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "Материал снят с публикации" in html
    assert "Снятая новость" not in html


def test_article_page_shows_what_a_reader_expects(client, publisher):
    minister = PersonFactory(name="Айдос Сарсенбаев", position="министр культуры и спорта")
    author = PersonFactory(name="Дина Ахметова", position="корреспондент")
    PromoBlockFactory(title="«Нефть и Газ Казахстана». Факты и комментарии", link_text="Бесплатная подписка")
    article = ArticleFactory(
        title="Министр встретился с послом",
        lead="Стороны обсудили культурный обмен",
        body="<blockquote><p>«Культура объединяет»</p></blockquote>",
        source=publisher,
        tags=["Культура"],
    )
    article.people.set([minister])
    article.authors.set([author])
    article.countries.set([country("KZ"), country("AZ")])
    html = client.get(article.get_absolute_url()).content.decode()
    for text in [
        "Министр встретился с послом",
        "передает DKNews.kz",
        "Айдос Сарсенбаев, министр культуры и спорта",
        "Дина Ахметова",
        "Азербайджан",
        "Казахстан",
        "Тема:",
        "Культура",
        "<blockquote><p>«Культура объединяет»</p></blockquote>",
        "«Нефть и Газ Казахстана». Факты и комментарии",
        "Бесплатная подписка",
    ]:
        assert text in html, text


def test_every_page_footer_shows_the_publisher_imprint(client, publisher):
    article = ArticleFactory()
    year = timezone.localdate().year
    for url in ["/", article.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "Международное информационное агентство «DKNews»" in html
        assert "Министерство культуры и информации Республики Казахстан" in html
        assert "10484-АА" in html
        assert "20 января 2010" in html
        assert f"© 2006 – {year} МИА «DKNews»" in html


def test_footer_follows_the_agency_row_not_the_template(client, publisher):
    publisher.short_name = "МИА «Другое имя»"
    publisher.save()
    assert "© 2006" in client.get("/").content.decode()
    assert "МИА «Другое имя»" in client.get("/").content.decode()


def test_bad_page_number_is_404_not_500(client, publisher):
    ArticleFactory()
    assert client.get("/?page=999").status_code == 404
    assert client.get("/?page=abc").status_code == 404


def make_article_with_relations(count: int, *, source) -> Article:
    article = ArticleFactory(source=source, tags=[f"Тема {n}" for n in range(count)])
    article.people.set([PersonFactory() for _ in range(count)])
    article.authors.set([PersonFactory() for _ in range(count)])
    article.countries.set(country_list(count))
    return article


def country_list(count):
    from articles.models import Country

    return list(Country.objects.order_by("code")[:count])


@pytest.mark.parametrize("relations", [1, 30])
def test_article_page_query_budget_does_not_grow_with_relations(
    client, publisher, django_assert_max_num_queries, relations
):
    article = make_article_with_relations(relations, source=AgencyFactory())
    PromoBlockFactory()
    client.get("/")  # warm the cached publisher the way real traffic does
    with django_assert_max_num_queries(ARTICLE_PAGE_QUERIES - 1):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("articles", [1, 20])
def test_front_page_query_budget_does_not_grow_with_page_size(
    client, publisher, django_assert_max_num_queries, articles
):
    for _ in range(articles):
        make_article_with_relations(3, source=publisher)
    with django_assert_max_num_queries(FRONT_PAGE_QUERIES):
        response = client.get("/")
    assert response.status_code == 200

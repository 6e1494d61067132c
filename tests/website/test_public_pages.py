import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from articles.models import Article, Country
from readership import buffer as views_buffer
from tests.factories import (
    AgencyFactory,
    ArticleFactory,
    PersonFactory,
    PhotoFactory,
    PromoBlockFactory,
    PublisherFactory,
    SectionFactory,
    country,
    jpeg,
)
from tests.reading import beacon_url, read

pytestmark = pytest.mark.django_db

# Query budgets, with every cache cold (the page cache, the schedule horizon, the publisher,
# sections menu, promo blocks, breaking-news banner and most-read list). They do not grow with
# page size or with an article's tags, people, authors or countries, nor with the archive:
# lists run no COUNT(*).
# Every page's frame: the next scheduled change (two: the articles', the live entries') +
# publisher + sections menu + the banner.
SCHEDULE_QUERIES = 2
FRAME_QUERIES = SCHEDULE_QUERIES + 3
# A list: the frame + the page (one row more) + the most read beside it.
LIST_QUERIES = FRAME_QUERIES + 2
# A list about something (section, topic, person, author, country, source): + that thing.
SUBJECT_LIST_QUERIES = LIST_QUERIES + 1
# Search: the list's queries (the page carries the match count) + the highlighted snippets.
SEARCH_QUERIES = LIST_QUERIES + 1
# The front page: the frame + the main story, top block and feed (one query) + the most read +
# the sections' latest (one query).
FRONT_QUERIES = FRAME_QUERIES + 3
# The most read page: the frame + the list.
POPULAR_QUERIES = FRAME_QUERIES + 1
# A feed: the next scheduled change, the publisher (its title), the items with their topics,
# authors and notes (one query); a subject's feed + the subject.
FEED_QUERIES = SCHEDULE_QUERIES + 2
# Counting a view without Redis: one statement on PostgreSQL (the total, the hour's and the
# day's buckets in one WITH); on SQLite, the ORM: the article's language, then an update of each
# bucket, in a savepoint.
VIEW_WRITE_QUERIES = 1 if connection.vendor == "postgresql" else 6
# Article: the frame + promo blocks + the most read, then the article with its section, source,
# lead photo, topics, authors, people, countries, notes, the photos in its body, language
# versions, related articles and view count (one query). Its view beacon counts the view.
ARTICLE_QUERIES = FRAME_QUERIES + 3
# The same page in steady traffic (another article's page not cached yet; the rest cached):
# the article.
ARTICLE_QUERIES_STEADY = 1


@pytest.fixture
def publisher():
    return PublisherFactory()


def text_of(response) -> str:
    """What a reader reads: the page without tags, whitespace folded."""
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_front_page_lists_published_articles_newest_first(client, publisher):
    now = timezone.now()
    ArticleFactory(title="Старая новость", publish_at=now - dt.timedelta(days=1))
    ArticleFactory(title="Свежая новость", publish_at=now - dt.timedelta(minutes=1))
    ArticleFactory(title="Черновик", status=Article.Status.DRAFT, publish_at=None)
    ArticleFactory(title="Запланированная", publish_at=now + dt.timedelta(hours=1))
    html = client.get("/").content.decode()
    assert html.index("Свежая новость") < html.index("Старая новость")
    assert "Черновик" not in html and "Запланированная" not in html


def test_front_page_shows_articles_of_the_active_language(client, publisher):
    ArticleFactory(title="Новость на русском", language="ru")
    ArticleFactory(title="Қазақша жаңалық", language="kk")
    ArticleFactory(title="News in English", language="en")
    assert "Новость на русском" in text_of(client.get("/"))
    assert "Қазақша жаңалық" not in text_of(client.get("/"))
    kazakh = text_of(client.get("/kk/"))
    assert "Қазақша жаңалық" in kazakh and "Новость на русском" not in kazakh
    assert "News in English" in text_of(client.get("/en/"))


def test_interface_and_dates_follow_the_language(client, publisher):
    ArticleFactory(language="kk", publish_at=dt.datetime(2025, 11, 26, 6, 0, tzinfo=dt.UTC))
    ArticleFactory(language="ru", publish_at=dt.datetime(2025, 11, 26, 6, 0, tzinfo=dt.UTC))
    assert "26 қараша 2025" in text_of(client.get("/kk/"))
    assert "Іздеу" in text_of(client.get("/kk/"))
    assert "26 ноября 2025" in text_of(client.get("/"))
    assert "Поиск" in text_of(client.get("/"))


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
    article = ArticleFactory(**fields, tags=["Тайна"])
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert "Секретный черновик" not in response.content.decode()
    for url in ["/", reverse("articles:tag", args=["tayna"]), article.section.get_absolute_url()]:
        assert "Секретный черновик" not in client.get(url).content.decode()
    assert "Секретный черновик" not in client.get(reverse("articles:search"), {"q": "Секретный"}).content.decode()


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
    views_buffer.write({article.pk: 1})  # an earlier reader's beacon
    response = client.get(article.get_absolute_url())
    html, text = response.content.decode(), text_of(response)
    for phrase in [
        "Министр встретился с послом",
        "Стороны обсудили культурный обмен — передает DKNews.kz",
        "Айдос Сарсенбаев , министр культуры и спорта",
        "Авторы: Дина Ахметова",
        "Страны: Азербайджан , Казахстан",
        "Тема: Культура",
        "1 просмотр",
        "«Нефть и Газ Казахстана». Факты и комментарии",
        "Бесплатная подписка",
    ]:
        assert phrase in text, phrase
    assert "<blockquote><p>«Культура объединяет»</p></blockquote>" in html
    for url in [
        reverse("articles:source", args=[publisher.slug]),
        reverse("articles:author", args=[author.slug]),
        minister.get_absolute_url(),
        country("AZ").get_absolute_url(),
        reverse("articles:tag", args=["kultura"]),
    ]:
        assert f'href="{url}"' in html, url


def test_related_articles_share_a_topic_or_a_person_and_are_published(client, publisher):
    person = PersonFactory()
    article = ArticleFactory(title="Главная", tags=["Нефть"])
    article.people.set([person])
    ArticleFactory(title="Та же тема", tags=["Нефть"])
    ArticleFactory(title="Тот же человек").people.set([person])
    ArticleFactory(title="Другая тема", tags=["Спорт"])
    ArticleFactory(title="Черновик той же темы", tags=["Нефть"], status="draft", publish_at=None)
    related = re.search(
        r'<section class="related".*?</section>', client.get(article.get_absolute_url()).content.decode(), re.S
    )
    assert related is not None
    assert "Та же тема" in related.group() and "Тот же человек" in related.group()
    assert "Другая тема" not in related.group() and "Черновик" not in related.group()


def test_related_articles_are_the_newest_four_of_a_busy_topic_in_the_language(client, publisher):
    now = timezone.now()
    article = ArticleFactory(title="Главная", tags=["Нефть"], publish_at=now - dt.timedelta(days=30))
    for day in range(1, 13):
        ArticleFactory(title=f"Нефть, день {day:02}", tags=["Нефть"], publish_at=now - dt.timedelta(days=20 - day))
    ArticleFactory(title="Нефть по-казахски", tags=["Нефть"], language="kk")
    ArticleFactory(title="Нефть завтра", tags=["Нефть"], publish_at=now + dt.timedelta(days=1))  # scheduled
    related = re.search(
        r'<section class="related".*?</section>', client.get(article.get_absolute_url()).content.decode(), re.S
    )
    titles = re.findall(r">(Нефть[^<]*)</a>", related.group())
    assert titles == ["Нефть, день 12", "Нефть, день 11", "Нефть, день 10", "Нефть, день 09"]


def test_related_articles_are_exactly_what_published_selects(client, publisher):
    # The related list is plain SQL (website.pages.published_sql): it must agree with
    # Article.objects.published() on every state an article can be in.
    now = timezone.now()
    article = ArticleFactory(title="Главная", tags=["Нефть"], publish_at=now - dt.timedelta(days=9))
    states = {
        "опубликована": {},
        "истечёт завтра": {"expire_at": now + dt.timedelta(days=1)},
        "черновик": {"status": "draft", "publish_at": None},
        "на проверке": {"status": "review", "publish_at": None},
        "запланирована": {"publish_at": now + dt.timedelta(hours=1)},
        "истекла": {"expire_at": now - dt.timedelta(minutes=1)},
        "снята": {"status": "withdrawn"},
    }
    for day, (state, fields) in enumerate(states.items()):
        ArticleFactory(
            title=f"Нефть: {state}", tags=["Нефть"], **{"publish_at": now - dt.timedelta(days=day + 1)} | fields
        )
    related = re.search(
        r'<section class="related".*?</section>', client.get(article.get_absolute_url()).content.decode(), re.S
    )
    shown = re.findall(r">Нефть: ([^<]*)</a>", related.group())
    expected = Article.objects.published().filter(title__startswith="Нефть:").order_by("-publish_at")
    assert shown == [title.removeprefix("Нефть: ") for title in expected.values_list("title", flat=True)]
    assert shown == ["опубликована", "истечёт завтра"]


def test_translations_are_linked_with_hreflang(client, publisher):
    original = ArticleFactory(title="Оригинал", language="ru", slug="original")
    kazakh = ArticleFactory(title="Аударма", language="kk", slug="audarma", translation_of=original)
    html = client.get(original.get_absolute_url()).content.decode()
    assert 'hreflang="kk" href="http://testserver/kk/news/audarma/"' in html
    back = client.get(kazakh.get_absolute_url()).content.decode()
    assert 'hreflang="ru" href="http://testserver/news/original/"' in back
    # The switcher on an article page leads to the other version, not to a 404.
    assert '<a href="/kk/news/audarma/" hreflang="kk" lang="kk">' in html


def test_article_under_another_language_prefix_redirects_to_its_address(client, publisher):
    article = ArticleFactory(language="kk", slug="zhanalyq")
    response = client.get("/news/zhanalyq/")
    assert response.status_code == 301 and response["Location"] == "/kk/news/zhanalyq/"
    article.refresh_from_db()
    assert article.view_count == 0


@pytest.mark.parametrize(
    ("name", "url_of"),
    [
        ("section", lambda objs: objs["section"].get_absolute_url()),
        ("tag", lambda objs: reverse("articles:tag", args=["ekonomika"])),
        ("person", lambda objs: objs["person"].get_absolute_url()),
        ("author", lambda objs: reverse("articles:author", args=[objs["author"].slug])),
        ("country", lambda objs: country("KZ").get_absolute_url()),
        ("source", lambda objs: reverse("articles:source", args=[objs["source"].slug])),
        ("archive", lambda objs: "/2026/11/20/"),
    ],
)
def test_each_list_shows_its_articles_only_with_a_heading(client, publisher, name, url_of):
    section = SectionFactory(name="Экономика раздел", description="Рынки и бюджет")
    person, author, source = (
        PersonFactory(name="Ерлан Персонов"),
        PersonFactory(name="Айгуль Авторова"),
        AgencyFactory(),
    )
    match = ArticleFactory(
        title="Подходящая", section=section, tags=["Экономика"], source=source,
        publish_at=dt.datetime(2026, 11, 20, 5, 0, tzinfo=dt.UTC),
    )  # fmt: skip
    match.people.set([person])
    match.authors.set([author])
    match.countries.set([country("KZ")])
    ArticleFactory(title="Посторонняя", publish_at=dt.datetime(2026, 11, 21, 5, 0, tzinfo=dt.UTC))
    response = client.get(url_of({"section": section, "person": person, "author": author, "source": source}))
    assert response.status_code == 200
    text = text_of(response)
    assert "Подходящая" in text and "Посторонняя" not in text
    assert "<h1>" in response.content.decode()
    if name == "section":
        assert "Рынки и бюджет" in text


def test_archive_day_is_the_newsroom_day(client, publisher):
    # 23:30 in Almaty on 20 November is 18:30 UTC: it belongs to the 20th, not the 21st.
    ArticleFactory(title="Поздняя новость", publish_at=dt.datetime(2026, 11, 20, 18, 30, tzinfo=dt.UTC))
    assert "Поздняя новость" in text_of(client.get("/2026/11/20/"))
    assert "Поздняя новость" not in text_of(client.get("/2026/11/21/"))


@pytest.mark.parametrize("url", ["/2026/02/30/", "/2026/13/01/", "/section/nope/", "/topic/nope/", "/person/nope/"])
def test_unknown_list_is_404(client, publisher, url):
    assert client.get(url).status_code == 404


def test_every_page_footer_shows_the_publisher_imprint(client, publisher, time_machine):
    # 00:05 on 1 January in Almaty, 19:05 on 31 December in UTC: the newsroom's year is the new one.
    time_machine.move_to(dt.datetime(2026, 12, 31, 19, 5, tzinfo=dt.UTC), tick=False)
    article = ArticleFactory()
    year = timezone.localdate().year
    assert year == timezone.now().year + 1
    for url in ["/", article.get_absolute_url(), "/kk/", reverse("articles:search")]:
        html = client.get(url).content.decode()
        assert "Международное информационное агентство «DKNews»" in html
        assert "Министерство культуры и информации Республики Казахстан" in html
        assert "10484-АА" in html
        assert f"© 2006 – {year} МИА «DKNews»" in html
    assert "20 января 2010" in client.get("/").content.decode()


def test_footer_follows_the_agency_row_not_the_template(client, publisher):
    publisher.short_name = "МИА «Другое имя»"
    publisher.save()
    assert "МИА «Другое имя»" in client.get("/").content.decode()


def test_bad_page_number_is_404_not_500(client, publisher):
    section = SectionFactory()
    ArticleFactory(section=section)
    assert client.get(f"{section.get_absolute_url()}?page=999").status_code == 404
    assert client.get(f"{section.get_absolute_url()}?page=abc").status_code == 404


# -- View counts --------------------------------------------------------------------------


def test_each_reader_view_counts_once_and_staff_views_do_not(client, publisher, admin_client):
    article = ArticleFactory()
    for _ in range(3):
        read(client, article.get_absolute_url())
    staff_page = read(admin_client, article.get_absolute_url())
    assert staff_page.status_code == 200 and beacon_url(staff_page) is None
    article.refresh_from_db()
    assert article.view_count == 3


@pytest.mark.parametrize(
    ("method", "address", "status"),
    [
        ("post", "/views/{pk}", 400),  # a beacon without its page load's token
        ("post", "/views/{pk}?t=not-hex", 400),
        ("put", "/views/{pk}?t=0123456789abcdef", 405),
        ("post", "/views/99999999999999999999999?t=0123456789abcdef", 204),  # no such article: nothing counted
        ("get", "/views/{pk}", 200),  # the <noscript> pixel
    ],
)
def test_the_view_beacon_refuses_what_no_page_sends(client, publisher, method, address, status):
    article = ArticleFactory()
    response = getattr(client, method)(address.format(pk=article.pk))
    assert response.status_code == status
    assert status >= 400 or response["Cache-Control"] == "no-store"
    if status == 400:
        assert b"the page load's token: 16 to 64 hexadecimal digits" in response.content
    article.refresh_from_db()
    assert article.view_count == (1 if method == "get" else 0)


def test_readers_without_javascript_are_counted_by_the_pixel(client, publisher):
    article = ArticleFactory()
    html = client.get(article.get_absolute_url()).content.decode()
    pixel = f'<noscript><img class="view-pixel" src="/views/{article.pk}" alt="" width="1" height="1"></noscript>'
    assert pixel in html
    pixel_answer = client.get(f"/views/{article.pk}")
    assert pixel_answer["Content-Type"] == "image/gif" and pixel_answer.content.startswith(b"GIF89a")
    article.refresh_from_db()
    assert article.view_count == 1


# -- Query budgets ---------------------------------------------------------------------------


def make_article_with_relations(count: int, *, source, **fields) -> Article:
    """An article with ``count`` topics, people, authors, countries and figures in its body."""
    photos = [PhotoFactory(image=ContentFile(jpeg(64, 48), name="small.jpg")) for _ in range(count)]
    figures = "".join(
        f'<figure data-photo-id="{p.pk}"><img src="x"><figcaption>Фото {p.pk}</figcaption></figure>' for p in photos
    )
    article = ArticleFactory(
        source=source,
        tags=[f"Тема {n}" for n in range(count)],
        photo=photos[0],
        body=f"<p>Текст</p>{figures}",
        **fields,
    )
    article.people.set([PersonFactory() for _ in range(count)])
    article.authors.set([PersonFactory() for _ in range(count)])
    article.countries.set(Country.objects.order_by("code")[:count])
    return article


@pytest.mark.parametrize("relations", [1, 30])
def test_article_page_query_budget(client, publisher, django_assert_max_num_queries, relations):
    article = make_article_with_relations(relations, source=AgencyFactory())
    make_article_with_relations(relations, source=publisher)  # something related
    PromoBlockFactory()
    with django_assert_max_num_queries(ARTICLE_QUERIES):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('rel="tag"') == relations
    assert html.count('<meta property="article:tag"') == relations
    assert html.count('rel="author"') == relations
    people = html.split('<section class="people"', 1)[1].split("</section>", 1)[0]
    assert people.count("<li>") == relations
    assert html.count('<figure class="body-photo">') == relations


@pytest.mark.parametrize("relations", [1, 30])
def test_article_page_in_steady_traffic_costs_the_article_alone(
    client, publisher, django_assert_num_queries, relations
):
    first = make_article_with_relations(relations, source=publisher)
    second = make_article_with_relations(relations, source=publisher)
    client.get(first.get_absolute_url())  # header data and the schedule horizon now cached
    with django_assert_num_queries(ARTICLE_QUERIES_STEADY):
        html = client.get(second.get_absolute_url()).content.decode()
    for person in second.people.all():
        assert person.name in html
    assert html.count('rel="tag"') == relations


def test_lists_never_count_the_archive(client, publisher):
    section = SectionFactory()
    for day in range(1, 23):
        ArticleFactory(section=section, publish_at=dt.datetime(2026, 11, 1, day, tzinfo=dt.UTC))
    with CaptureQueriesContext(connection) as queries:
        first = client.get(section.get_absolute_url())
        second = client.get(section.get_absolute_url() + "?page=2")
    assert not [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert "Страница 2" in second.content.decode() and 'rel="next"' not in second.content.decode()
    assert second.content.decode().count('<article class="teaser">') == 2
    assert client.get(section.get_absolute_url() + "?page=3").status_code == 404


@pytest.mark.parametrize("relations", [1, 30])
def test_list_query_budgets(client, publisher, django_assert_max_num_queries, relations):
    section = SectionFactory()
    people = []
    for day in range(1, 21):
        article = make_article_with_relations(
            relations, source=publisher, section=section, publish_at=dt.datetime(2026, 11, 20, day, tzinfo=dt.UTC)
        )
        article.tags.add("Общая тема")
        people = list(article.people.all())
        article.countries.add(country("KZ"))
    urls = {
        "/": FRONT_QUERIES,
        "/news/": LIST_QUERIES,
        "/popular/": POPULAR_QUERIES,
        "/2026/11/20/": LIST_QUERIES,
        section.get_absolute_url(): SUBJECT_LIST_QUERIES,
        reverse("articles:tag", args=["obshchaya-tema"]): SUBJECT_LIST_QUERIES,
        people[0].get_absolute_url(): SUBJECT_LIST_QUERIES,
        reverse("articles:author", args=[people[0].slug]): SUBJECT_LIST_QUERIES,
        country("KZ").get_absolute_url(): SUBJECT_LIST_QUERIES,
        reverse("articles:source", args=[publisher.slug]): SUBJECT_LIST_QUERIES,
        reverse("articles:search") + "?q=Лид": SEARCH_QUERIES,
        "/feed.rss": FEED_QUERIES,
        "/feeds/all.atom": FEED_QUERIES,
        reverse("articles:tag_feed_rss", args=["obshchaya-tema"]): FEED_QUERIES + 1,
        reverse("articles:author_feed_atom", args=[people[0].slug]): FEED_QUERIES + 1,
    }
    for url, budget in urls.items():
        with override("ru"), django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200, url
        cache.clear()  # every page measured cold


def test_server_error_page_is_in_the_site_design(rf):
    from django.templatetags.static import static
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Что-то пошло не так" in html and f'href="{static("css/site.css")}"' in html

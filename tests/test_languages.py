"""Whole sites in Kazakh and English: what editors type once (sections, the agency's imprint,
promo blocks, people's positions, topics) is read in the page's language, falls back to
Russian when a translation is missing, and costs no query more."""

import datetime as dt
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import lxml.html
import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import override

from agencies.models import Agency, PromoBlock
from articles.models import Article, Country, Person, Section, Tag
from tests.factories import (
    ArticleFactory,
    PersonFactory,
    PromoBlockFactory,
    PublisherFactory,
    SectionFactory,
    UserFactory,
)
from tests.migrating import latest, migrate
from tests.website.test_public_pages import ARTICLE_QUERIES, FRONT_QUERIES, SUBJECT_LIST_QUERIES
from website import urls as articles_urls

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile(r"[\u0400-\u04FF]+")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Attributes a reader sees or hears, or that a sharing card shows.
SHOWN_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "content"}


class PageText(HTMLParser):
    """What a reader of ``language`` reads: the text and the attributes that are shown or read
    aloud, outside scripts and styles and outside elements that declare another language
    (``lang="ru"``: the switcher's entries, a name written in Russian). Every tag ends a piece
    of text, and each attribute is a piece of its own."""

    def __init__(self, language: str):
        super().__init__()
        self.stack: list[tuple[str, str]] = [("", language)]
        self.pieces: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.pieces.append("\n")
        attrs = dict(attrs)
        language = attrs.get("lang") or self.stack[-1][1]
        if language == self.stack[0][1] and self.stack[-1][0] not in ("script", "style"):
            self.pieces += [f"\n{attrs[name]}\n" for name in sorted(SHOWN_ATTRIBUTES & attrs.keys()) if attrs[name]]
        if tag not in VOID:
            self.stack.append((tag, language))

    def handle_endtag(self, tag):
        self.pieces.append("\n")
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data):
        tag, language = self.stack[-1]
        if tag not in ("script", "style") and language == self.stack[0][1]:
            self.pieces.append(data)


def page_text(html: str, language: str) -> str:
    """The page's text in ``language`` (see ``PageText``), its white space made single spaces."""
    parser = PageText(language)
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.pieces).split())


def foreign_words(html: str, language: str) -> list[str]:
    return CYRILLIC.findall(page_text(html, language))


def json_ld(html: str) -> list[dict]:
    return [
        json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def meta(html: str, prop: str) -> str:
    return re.search(rf'<meta property="{prop}" content="([^"]*)"', html).group(1)


def test_the_checker_sees_cyrillic_in_text_and_attributes_but_not_in_other_languages():
    html = (
        '<html lang="en"><head><meta property="og:site_name" content="МИА"><script>var a = "Ы";</script></head>'
        '<body><p>News <b>Политика</b></p><img src="x.jpg" alt="Фото"><br><p lang="ru">Русский <i>текст</i></p>'
        "<p>Общество</p></body></html>"
    )
    assert foreign_words(html, "en") == ["МИА", "Политика", "Фото", "Общество"]


# -- The demo site --------------------------------------------------------------------------


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    return Article.objects.get(slug="kazakhstan-and-azerbaijan-agree-to-expand-cultural-exchange")


# The readers' HTML pages (website/urls.py): the feeds are XML, the preview is for one person.
# The readers' HTML pages: not the feeds, the preview, nor a live blog's poll (JSON).
HTML_PAGES = {pattern.name for pattern in articles_urls.urlpatterns if "feed" not in pattern.name} - {
    "preview",
    "live_poll",
}


def reader_pages(language: str) -> list[str]:
    """Every reader's HTML page of the demo in ``language``: the front page, the news feed, the
    most read (both periods), a search for the newest headline's first word, each published
    article, and the list of each section, topic, person, author, country and source agency the
    demo has, and of each day it published on."""
    with override(language):
        articles = list(Article.objects.published().filter(language=language).order_by("publish_at"))
        days = sorted({timezone.localdate(article.publish_at) for article in articles})
        people = Person.objects.order_by("slug")
        return [
            reverse("articles:list"),
            reverse("articles:news"),
            reverse("articles:popular"),
            f"{reverse('articles:popular')}?period=7d",
            f"{reverse('articles:search')}?{urlencode({'q': articles[-1].title.split()[0]})}",
            *(article.get_absolute_url() for article in articles),
            *(section.get_absolute_url() for section in Section.objects.order_by("slug")),
            *(topic.get_absolute_url() for topic in Tag.objects.order_by("slug")),
            *(person.get_absolute_url() for person in people),
            *(reverse("articles:author", kwargs={"slug": person.slug}) for person in people),
            *(country.get_absolute_url() for country in Country.objects.filter(articles__isnull=False).distinct()),
            *(reverse("articles:source", kwargs={"slug": agency.slug}) for agency in Agency.objects.order_by("slug")),
            *(reverse("articles:archive_day", kwargs={"year": d.year, "month": d.month, "day": d.day}) for d in days),
        ]


def read_pages(client, urls: list[str]) -> dict[str, str]:
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    assert {resolve(urlsplit(url).path).url_name for url in urls} == HTML_PAGES  # every kind of page
    return pages


def test_english_demo_pages_show_no_cyrillic_outside_text_marked_with_its_own_language(client, demo):
    pages = read_pages(client, reader_pages("en"))
    assert len(pages) > 40
    found = {url: words for url, html in pages.items() if (words := foreign_words(html, "en"))}
    assert found == {}
    # Nor does what search engines and sharing cards read.
    structured = {url: json.dumps(json_ld(html), ensure_ascii=False) for url, html in pages.items()}
    assert {url: CYRILLIC.findall(text) for url, text in structured.items() if CYRILLIC.search(text)} == {}
    # The checks above looked at pages with content: the English names are there.
    front = pages["/en/"]
    assert "Politics" in front and "DKNews International News Agency" in front
    assert "Ministry of Culture and Information of the Republic of Kazakhstan" in front
    search = client.get("/en/search/?q=culture").content.decode()
    assert "Kazakhstan and Azerbaijan agree" in search
    # The other languages stay in the switcher, each marked as what it is.
    assert re.search(r'<a href="/"[^>]* lang="ru">Русский</a>', front)
    assert re.search(r'<a href="/kk/"[^>]* lang="kk">[^<]*[ҚқӘәІі][^<]*</a>', front)


def russian_only_texts() -> set[str]:
    """The demo's Russian texts that a Kazakh page must not show: each translated text whose
    Kazakh version differs, each country's Russian name, and the Russian articles' headlines,
    leads and photo texts."""
    texts = set()
    for model in (Section, Person, Tag, Agency, PromoBlock):
        for row in model.objects.all():
            for field in model.translated_fields:
                russian = " ".join(strip_tags(getattr(row, field)).split())
                if russian and russian != " ".join(strip_tags(getattr(row, f"{field}_kk")).split()):
                    texts.add(russian)
    for country in Country.objects.filter(articles__isnull=False).distinct():
        if country.name_ru != country.name_kk:
            texts.add(country.name_ru)
    for article in Article.objects.filter(language="ru").select_related("photo"):
        texts |= {article.title, article.lead, article.photo_caption}
        if article.photo:
            texts |= {article.photo.alt_text, article.photo.caption, article.photo.credit}
    return texts - {""}


def test_kazakh_demo_pages_show_no_russian_only_text(client, demo):
    russian = russian_only_texts()
    assert {"Политика", "Культура", "Казахстан", "DKNews (демо)", "Демонстрационное изображение"} <= russian
    pages = read_pages(client, reader_pages("kk"))
    found = {}
    for url, html in pages.items():
        text = page_text(html, "kk") + " " + json.dumps(json_ld(html), ensure_ascii=False)
        if shown := sorted(phrase for phrase in russian if phrase in text):
            found[url] = shown
    assert found == {}


def test_english_and_kazakh_feeds_are_in_their_language(client, demo):
    feeds = {
        "feed_rss": {},
        "feed_atom": {},
        "section_feed_rss": {"slug": demo.section.slug},
        "tag_feed_atom": {"slug": demo.tags.order_by("slug").first().slug},
        "author_feed_rss": {"slug": demo.authors.get().slug},
    }
    russian = russian_only_texts()
    found = {}
    for language in ("en", "kk"):
        with override(language):
            urls = [reverse(f"articles:{name}", kwargs=kwargs) for name, kwargs in feeds.items()]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            xml = response.content.decode()
            shown = CYRILLIC.findall(xml) if language == "en" else [phrase for phrase in russian if phrase in xml]
            if shown:
                found[url] = shown
    assert found == {}


@pytest.mark.parametrize(
    ("language", "caption", "credit"),
    [("en", "A demo image", "DKNews (demo)"), ("kk", "Демонстрациялық сурет", "DKNews (демонстрациялық сурет)")],
)
def test_a_demo_photo_has_its_caption_and_credit_in_the_article_language(client, demo, language, caption, credit):
    article = Article.objects.published().filter(language=language, importance="main").get()
    html = client.get(article.get_absolute_url()).content.decode()
    figure = re.search(r"<figcaption>(.*?)</figcaption>", html, re.S).group(1)
    assert figure == f'{caption} <span class="image-credit">{credit}</span>'
    image = next(block for block in json_ld(html) if block["@type"] == "NewsArticle")["image"][0]
    assert (image["caption"], image["creditText"]) == (caption, credit)


def test_a_name_with_no_latin_spelling_is_marked_russian_on_an_english_page(client, publisher):
    named = PersonFactory(name="Асель Нурланова", name_en="Asel Nurlanova")
    unnamed = PersonFactory(name="Ержан Тлеубаев")
    article = ArticleFactory(language="en")
    article.people.set([named, unnamed])
    article.authors.set([unnamed])
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'<a href="/en/author/[^"]+" rel="author" lang="ru">Ержан Тлеубаев</a>', html)
    assert re.search(r'<a href="/en/person/[^"]+" lang="ru">Ержан Тлеубаев</a>', html)
    assert re.search(r'<a href="/en/person/[^"]+">Asel Nurlanova</a>', html)
    assert "Тлеубаев" not in " ".join(foreign_words(html, "en"))


def test_english_article_shares_and_structured_data_are_in_english(client, demo):
    html = client.get(demo.get_absolute_url()).content.decode()
    assert meta(html, "og:site_name") == "DKNews"
    assert meta(html, "og:locale") == "en_US"
    article = next(block for block in json_ld(html) if block["@type"] == "NewsArticle")
    assert article["publisher"]["name"] == "DKNews International News Agency"
    assert article["articleSection"] == "Politics"
    assert "Diplomacy" in article["keywords"]
    assert not CYRILLIC.search(json.dumps(article, ensure_ascii=False).replace(demo.translation_of.title, ""))


def test_feeds_and_the_news_sitemap_name_the_publisher_in_each_language(client, demo):
    assert "<title>DKNews</title>" in client.get("/en/feed.rss").content.decode()
    assert "<title>«DKNews» ХАА</title>" in client.get("/kk/feed.rss").content.decode()
    assert "<title>МИА «DKNews»</title>" in client.get("/feed.rss").content.decode()
    topic = demo.tags.get(name="Дипломатия")
    assert "<title>DKNews: Diplomacy</title>" in client.get(f"/en/topic/{topic.slug}/feed.rss").content.decode()
    sitemap = client.get("/sitemap-news.xml").content.decode()
    english = sitemap.split(demo.slug)[1].split("</url>")[0]
    assert "<news:name>DKNews</news:name>" in english and "<news:language>en</news:language>" in english


def test_kazakh_demo_pages_show_the_kazakh_menu_and_imprint(client, demo):
    html = client.get("/kk/").content.decode()
    menu = re.search(r'<nav class="sections".*?</nav>', html, re.S).group(0)
    for section in Section.objects.all():
        assert section.name_kk and f">{section.name_kk}<" in menu
    assert "Саясат" in menu and "Политика" not in menu and "Общество" not in menu
    footer = html.split("<footer")[1]
    agency = Agency.objects.publisher()
    assert agency.name_kk in footer and agency.registration_authority_kk in footer
    assert agency.registration_authority not in footer and "Министерство" not in footer
    assert "© 2006 – " in footer and agency.short_name_kk in footer


def test_kazakh_article_counts_views_and_minutes_in_kazakh(client, demo):
    kazakh = Article.objects.published().filter(language="kk").first()
    html = client.get(kazakh.get_absolute_url()).content.decode()
    assert re.search(r"\d+ мин оқу", html) and re.search(r"\d+ қаралым", html)
    assert kazakh.section.name_kk in html


# -- Fallbacks and bad input ----------------------------------------------------------------


@pytest.fixture
def publisher():
    return PublisherFactory()


def test_a_missing_translation_falls_back_to_russian_never_to_nothing(client, publisher):
    section = SectionFactory(name="Регионы", name_en="Regions")
    person = PersonFactory(name="Асель Нурланова", position="министр", position_kk="министр (қаз.)")
    article = ArticleFactory(language="kk", section=section)
    article.people.set([person])
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Регионы" in html and "министр (қаз.)" in html  # no Kazakh name: the Russian one
    english = ArticleFactory(language="en", section=section)
    english.people.set([person])
    html = client.get(english.get_absolute_url()).content.decode()
    assert "Regions" in html and "министр" in html and "Регионы" not in html
    assert client.get("/en/").status_code == 200
    with override("kk"):
        assert section.i18n.name == "Регионы" and section.i18n.description == ""


def test_html_in_a_section_name_is_escaped_in_every_language(client, publisher):
    section = SectionFactory(name="<b>Жирный</b>", name_kk='<script>alert("kk")</script>')
    ArticleFactory(language="kk", section=section)
    page = lxml.html.fromstring(client.get("/kk/").content)
    links = [link.text_content() for link in page.iter("a")]
    assert '<script>alert("kk")</script>' in links  # shown as text,
    assert not [script for script in page.iter("script") if "alert" in script.text_content()]  # never run
    page = lxml.html.fromstring(client.get("/").content)
    assert "<b>Жирный</b>" in [link.text_content() for link in page.iter("a")] and not list(page.iter("b"))


@pytest.fixture
def editor():
    user = UserFactory(username="redaktor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    staff = Client()
    staff.force_login(user)
    return staff


def section_form(section: Section, **changes) -> dict:
    form = {
        field: getattr(section, field)
        for field in (
            "name",
            "name_kk",
            "name_en",
            "slug",
            "position",
            "description",
            "description_kk",
            "description_en",
        )
    }
    return {**form, **changes}


def test_a_translation_longer_than_its_field_is_an_error_naming_the_language(editor):
    section = SectionFactory(name="Регионы")
    long_kk, long_en = "Ө" * 101, "R" * 120
    url = reverse("admin:articles_section_change", args=[section.pk])
    response = editor.post(url, section_form(section, name_kk=long_kk, name_en=long_en, description="<p>Новое</p>"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Казахский текст слишком длинный: не более 100 символов (сейчас 101)." in html
    assert "Английский текст слишком длинный: не более 100 символов (сейчас 120)." in html
    assert long_kk in html and long_en in html and "Новое" in html  # nothing typed is lost
    section.refresh_from_db()
    assert section.name_kk == "" and section.description == ""


def test_the_admin_list_says_which_translations_are_missing(editor):
    SectionFactory(name="Политика", name_kk="Саясат", name_en="Politics")
    SectionFactory(name="Регионы", name_en="Regions")
    SectionFactory(name="Спорт")
    html = editor.get(reverse("admin:articles_section_changelist")).content.decode()
    rows = dict(re.findall(r"<tr>.*?>([^<]+)</a></th>(.*?)</tr>", html, re.S))
    assert "все есть" in rows["Политика"]
    assert "нет перевода: казахский" in rows["Регионы"]
    assert "нет перевода: казахский, английский" in rows["Спорт"]


def test_the_admin_shows_each_field_in_every_language_russian_first(admin_client):
    html = admin_client.get(reverse("admin:agencies_agency_add")).content.decode()
    order = [html.index(f'name="{field}"') for field in ("name", "name_kk", "name_en")]
    assert order == sorted(order)
    assert "полное название (каз.)" in html.lower() and "регистрирующий орган (англ.)" in html.lower()


def test_topic_autocomplete_finds_a_topic_by_any_name_and_keeps_namesakes_apart(editor, publisher):
    tourism = Tag.objects.create(name="Туризм", name_kk="Туризм", name_en="Tourism")
    travel = Tag.objects.create(name="Путешествия", name_kk="Туризм", name_en="Travel")  # its Kazakh name
    url = reverse("admin:articles_article_tag_names")

    def found(term):
        return [row["id"] for row in editor.get(url, {"term": term}).json()["results"]]

    assert found("Tourism") == ["Туризм"]  # by its English name; the value is its Russian key
    assert found("Туризм") == ["Туризм", "Путешествия"]  # two topics, each by its own key; the one named so first
    assert found("Travel") == ["Путешествия"]
    assert "Путешествия · Туризм · Travel" in str(editor.get(url, {"term": "Travel"}).json())

    article = ArticleFactory(language="kk", tags=["Путешествия"])
    assert list(article.tags.all()) == [travel]
    html = Client().get(f"/kk{travel.get_absolute_url()}").content.decode()
    assert article.title in html
    assert article.title not in Client().get(f"/kk{tourism.get_absolute_url()}").content.decode()


def test_editing_a_translation_forgets_the_cached_pages_of_every_language(client, publisher, editor):
    section = SectionFactory(name="Регионы", name_kk="Өңірлер", name_en="Regions")
    for language in ("ru", "kk", "en"):
        ArticleFactory(language=language, section=section)
    assert "Өңірлер" in client.get("/kk/").content.decode()
    assert "Regions" in client.get("/en/").content.decode()
    url = reverse("admin:articles_section_change", args=[section.pk])
    form = section_form(section, name_kk="Аймақтар", name_en="Provinces")
    assert editor.post(url, form).status_code == 302
    assert "Аймақтар" in client.get("/kk/").content.decode()
    assert "Provinces" in client.get("/en/").content.decode()


# -- Query budgets: translations cost no query -----------------------------------------------


@pytest.mark.parametrize("language", ["kk", "en"])
def test_translated_pages_keep_the_query_budgets(client, publisher, language, django_assert_max_num_queries):
    section = SectionFactory(name="Регионы", name_kk="Өңірлер", name_en="Regions")
    person = PersonFactory(position="министр", position_kk="министр", position_en="minister", name_en="Asel N.")
    PromoBlockFactory(title_kk="Агенттік арнасы", title_en="Our channel")
    articles = [
        ArticleFactory(
            language=language,
            section=section,
            tags=["Экономика", "Экология"],
            publish_at=dt.datetime(2026, 11, 20, hour, tzinfo=dt.UTC),
        )
        for hour in range(1, 6)
    ]
    Tag.objects.filter(name="Экономика").update(name_kk="Экономика", name_en="Economy")
    for article in articles:
        article.people.set([person])
    prefix = f"/{language}"
    budgets = {
        f"{prefix}/": FRONT_QUERIES,
        prefix + section.get_absolute_url(): SUBJECT_LIST_QUERIES,
        prefix + Tag.objects.get(name="Экономика").get_absolute_url(): SUBJECT_LIST_QUERIES,
        prefix + person.get_absolute_url(): SUBJECT_LIST_QUERIES,
        articles[0].get_absolute_url(): ARTICLE_QUERIES,
    }
    for url, budget in budgets.items():
        cache.clear()
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200, url
    html = response.content.decode()  # the article page
    expected = {"kk": ("Өңірлер", "Агенттік арнасы"), "en": ("Regions", "Our channel", "minister", "Economy")}
    for text in expected[language]:
        assert text in html


# -- The migration ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_existing_value_as_the_russian_one():
    old = migrate([("articles", "0017_background_jobs_roles"), ("agencies", "0001_initial")])
    old.get_model("articles", "Section").objects.create(name="Политика", slug="politika", description="<p>О власти</p>")
    old.get_model("articles", "Person").objects.create(name="Асель", slug="asel", position="министр", bio="")
    old.get_model("agencies", "Agency").objects.create(
        name="МИА «DKNews»", short_name="DKNews", slug="dknews", registration_authority="Министерство"
    )
    new = migrate(latest())
    section = Section.objects.get(slug="politika")
    assert (section.name, section.description, section.name_kk, section.name_en) == (
        "Политика",
        "<p>О власти</p>",
        "",
        "",
    )
    assert Person.objects.get(slug="asel").position == "министр"
    agency = Agency.objects.get(slug="dknews")
    assert (agency.registration_authority, agency.registration_authority_kk) == ("Министерство", "")
    with override("en"):
        assert section.i18n.name == "Политика" and agency.i18n.registration_authority == "Министерство"
    assert new.get_model("articles", "Section")._meta.get_field("name_kk").default == ""

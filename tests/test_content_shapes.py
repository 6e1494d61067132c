"""No content shape takes a reader's output down. Hypothesis builds published articles that use
the freedom the model and the admin's forms allow (no section, photo, lead, authors, topics,
people, countries or source; the longest title and lead; a body that is only an embed or only a
figure; Kazakh letters, emoji, «guillemets», markup-looking text and control characters such as
Word's line break in every text field; a person without a position, a topic without a Kazakh or
English name; a publisher without its optional details), and every reader-facing output that can
show such an article must answer 2xx and stay well-formed: the pages (HTML5 without a parse
error), the feeds and sitemaps (XML), the JSON-LD, the partner API's item (IPTC's ninjs schema)
and the Telegram message (Telegram's HTML)."""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

import html5lib
import lxml.html
import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agencies.models import Agency
from articles.models import Article, Correction, Person, Section, Tag
from distribution import telegram
from distribution.models import ApiKey
from newsroom.text import plain
from readership.services import view_record
from tests.distribution.fake_telegram import parse_entities
from tests.factories import PhotoFactory, country

pytestmark = pytest.mark.django_db

KAZAKH = "ӘҒҚҢӨҰҮҺІәғқңөұүһі"
# Pieces of text that have broken pages, feeds or messages somewhere: markup and entities,
# quotes, emoji (a flag is two code points), no-break and zero-width spaces, CDATA's end, template
# syntax, and the control characters a paste from Word brings (its line break is a vertical tab).
ODD = [
    "«", "»", "—", "&", "&amp;", "&lt;b&gt;", "<script>alert(1)</script>", "<b>", "</p>", '"', "'", "😀",
    "🇰🇿", "\u00a0", "\u200b", "]]>", "{{ x }}", "{% if %}", "\\", "%s", "\t", "\x0b", "\x08", "\x1f", "\x7f",
]  # fmt: skip
WORDS = st.text(alphabet=KAZAKH + "абвгдеёжзийклмнопрстуфхцчшщъыьэюя ABCxyz 019", min_size=1, max_size=12)
FRAGMENTS = st.one_of(st.sampled_from(ODD), WORDS, st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))


def text(max_size: int, *, min_size: int = 0, fragments: int = 12) -> st.SearchStrategy[str]:
    """Text a form field could hold: at most ``max_size`` characters, never a NUL (Django's form
    fields refuse it), leading and trailing spaces stripped as the form strips them."""
    joined = st.lists(FRAGMENTS, min_size=min_size, max_size=fragments).map(lambda parts: "".join(parts).strip())
    return joined.map(lambda value: value[:max_size].strip()).filter(lambda value: len(value) >= min_size)


def maybe(strategy) -> st.SearchStrategy:
    return st.one_of(st.just(""), strategy)


EMBEDS = [
    '<p><a href="https://t.me/dknews_kz/1234">https://t.me/dknews_kz/1234</a></p>',
    "<p>https://www.youtube.com/watch?v=dQw4w9WgXcQ</p>",
    '<p><a href="https://x.com/akorda/status/1789">x.com/akorda</a></p>',
]


@dataclass
class Shape:
    """What the strategy draws: the article's fields and which optional parts it has."""

    title: str
    lead: str
    body: str  # "", "embed:<n>", "figure", "figure-missing", or text for paragraphs
    language: str
    seo_title: str = ""
    seo_description: str = ""
    photo: dict | None = None  # alt_text, caption, credit
    photo_caption: str = ""
    section: dict | None = None  # name, name_kk, name_en
    source: dict | None = None  # name, short_name, domain
    tags: list[dict] = field(default_factory=list)  # name, name_kk, name_en
    people: list[dict] = field(default_factory=list)  # name, position
    authors: list[dict] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    importance: str = "normal"
    breaking: bool = False
    note: str = ""  # a correction's text
    publisher: dict = field(  # the publisher's optional details
        default_factory=lambda: {"domain": "DKNews.kz", "founded_year": 2006, "registered": True}
    )


NAMES = text(100, min_size=1, fragments=6)
CREDITS = maybe(text(200))
DOMAINS = maybe(st.sampled_from(["Kazinform.kz", "тест.қаз"]))
shapes = st.builds(
    Shape,
    title=text(300, min_size=1, fragments=30),
    lead=maybe(text(5000, fragments=60)),
    body=st.one_of(
        st.just(""),
        st.sampled_from(["embed:0", "embed:1", "embed:2", "figure", "figure-missing"]),
        text(2000, min_size=1, fragments=40),
    ),
    language=st.sampled_from(["ru", "kk", "en"]),
    seo_title=maybe(text(150)),
    seo_description=maybe(text(300)),
    photo=st.none() | st.fixed_dictionaries({"alt_text": text(300), "caption": maybe(text(300)), "credit": CREDITS}),
    photo_caption=maybe(text(300)),
    section=st.none() | st.fixed_dictionaries({"name": NAMES, "name_kk": maybe(NAMES), "name_en": maybe(NAMES)}),
    source=st.none() | st.fixed_dictionaries({"name": text(255, min_size=1), "short_name": NAMES, "domain": DOMAINS}),
    tags=st.lists(st.fixed_dictionaries({"name": NAMES, "name_kk": maybe(NAMES), "name_en": maybe(NAMES)}), max_size=3),
    people=st.lists(st.fixed_dictionaries({"name": text(200, min_size=1), "position": maybe(text(300))}), max_size=2),
    authors=st.lists(st.fixed_dictionaries({"name": text(200, min_size=1), "position": maybe(text(300))}), max_size=2),
    countries=st.lists(st.sampled_from(["KZ", "RU", "AZ", "CN", "US"]), max_size=2, unique=True),
    importance=st.sampled_from(["normal", "top", "main"]),
    breaking=st.booleans(),
    note=maybe(text(500)),
    publisher=st.fixed_dictionaries(
        {"domain": maybe(st.just("DKNews.kz")), "founded_year": st.none() | st.just(2006), "registered": st.booleans()}
    ),
)

LONGEST = Shape(title="Ә" * 299 + "😀", lead="«Лид» — " * 700, body="<p>Текст</p>", language="kk")
BARE = Shape(title="Без раздела", lead="", body="", language="ru")
EVERYTHING_ODD = Shape(
    title='<script>alert("x")</script> &amp; «Қазақстан» 🇰🇿\x0b]]>',
    lead="Лид с \x0b вертикальной табуляцией & <b>разметкой</b>",
    body="figure",
    language="en",
    seo_title="&lt;SEO&gt;",
    photo={"alt_text": "<img src=x onerror=alert(1)>", "caption": "", "credit": "Фото: «ҚазАқпарат» &"},
    section={"name": "<b>Раздел</b>", "name_kk": "", "name_en": ""},
    source={"name": "Агентство & Ко", "short_name": "А&К", "domain": ""},
    tags=[{"name": "Тема \x0b <i>", "name_kk": "", "name_en": ""}],
    people=[{"name": "Айдос «Сарсенбаев»", "position": ""}],
    authors=[{"name": "Автор 😀", "position": "министр & посол"}],
    countries=["KZ"],
    importance="main",
    breaking=True,
    note="Исправлено: «&» \x0b",
    publisher={"domain": "", "founded_year": None, "registered": False},
)


REGISTRATION = {
    "registration_authority": "Министерство культуры и информации",
    "registration_number": "10484-АА",
    "registration_date": dt.date(2010, 1, 20),
}
MISSING_FIGURE = '<figure data-photo-id="999999"><img src="x" alt=""><figcaption>Нет фото</figcaption></figure>'


def build(shape: Shape) -> Article:
    """The article and everything it points to, as the admin would save them."""
    publisher = Agency.objects.create(
        name="Международное информационное агентство «DKNews»",
        short_name="МИА «DKNews»",
        is_publisher=True,
        domain=shape.publisher["domain"],
        founded_year=shape.publisher["founded_year"],
        **(REGISTRATION if shape.publisher["registered"] else {}),
    )
    photo = PhotoFactory(**shape.photo) if shape.photo else None
    figure_photo = photo or PhotoFactory(alt_text="Фигура", caption="", credit="")
    body = {
        "": "",
        "figure": f'<figure data-photo-id="{figure_photo.pk}"><img src="x" alt=""><figcaption>{shape.photo_caption}'
        "</figcaption></figure>",
        "figure-missing": MISSING_FIGURE,
        **{f"embed:{n}": embed for n, embed in enumerate(EMBEDS)},
    }.get(shape.body, f"<p>{shape.body}</p>")
    now = timezone.now()
    article = Article.objects.create(
        title=shape.title,
        lead=shape.lead,
        body=body,
        language=shape.language,
        seo_title=shape.seo_title,
        seo_description=shape.seo_description,
        photo=photo,
        photo_caption=shape.photo_caption if photo else "",
        section=Section.objects.create(**shape.section) if shape.section else None,
        source=Agency.objects.create(**shape.source) if shape.source else None,
        status=Article.Status.PUBLISHED,
        publish_at=now - dt.timedelta(minutes=5),
        importance=shape.importance,
        breaking_until=now + dt.timedelta(hours=1) if shape.breaking else None,
    )
    for names in shape.tags:  # as the article form's topic field finds or makes them
        name = " ".join(plain(names["name"]).split())
        tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(**{**names, "name": name})
        article.tags.add(tag)
    article.people.set([Person.objects.create(**person) for person in shape.people])
    article.authors.set([Person.objects.create(**person) for person in shape.authors])
    article.countries.set([country(code) for code in shape.countries])
    if shape.note:
        Correction.objects.create(article=article, text=shape.note, created_at=now - dt.timedelta(minutes=1))
    view_record(article_id=article.pk, token="0123456789abcdef")  # a reader: the most-read lists show it
    assert publisher.pk
    return Article.objects.get(pk=article.pk)


def addresses(article: Article) -> dict[str, list[str]]:
    """Every reader-facing address that shows ``article``, by kind of output."""
    with translation.override(article.language):
        prefix = "" if article.language == "ru" else f"/{article.language}"
        day = timezone.localtime(article.publish_at).date()
        word = (re.findall(r"\w+", article.title) or ["x"])[0]
        subjects = [
            article.section,
            *article.tags.all(),
            *article.people.all(),
            *article.countries.all(),
            *(f"{prefix}/author/{author.slug}/" for author in article.authors.all()),
            *(f"{prefix}/source/{article.source.slug}/" for _ in [1] if article.source),
        ]
        pages = [
            f"{prefix}/",
            f"{prefix}/news/",
            article.get_absolute_url(),
            f"{prefix}/popular/",
            f"{prefix}/popular/?period=7d",
            f"{prefix}/{day:%Y/%m/%d}/",
            f"{prefix}/search/?{word and 'q=' + word}",
            *(subject if isinstance(subject, str) else subject.get_absolute_url() for subject in subjects if subject),
        ]
        feeds = [f"{prefix}/feed.rss", f"{prefix}/feed.atom", "/feeds/all.rss", "/feeds/all.atom"]
        if article.section:
            feeds += [f"{article.section.get_absolute_url()}feed.rss", f"{article.section.get_absolute_url()}feed.atom"]
        feeds += [f"{tag.get_absolute_url()}feed.rss" for tag in article.tags.all()]
        feeds += [f"{prefix}/author/{author.slug}/feed.atom" for author in article.authors.all()]
    return {"pages": pages, "feeds": feeds}


def html_errors(content: bytes) -> list:
    """HTML5 parse errors (html5lib, as browsers parse), each with its line and column."""
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(content)
    return parser.errors


def check_outputs(article: Article, client: Client, partner: Client) -> None:
    urls = addresses(article)
    for url in urls["pages"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert html_errors(response.content) == [], url
        page = lxml.html.fromstring(response.content)
        for script in page.xpath('//script[@type="application/ld+json"]'):
            json.loads(script.text)  # well-formed JSON-LD
        if url == article.get_absolute_url():
            (headline,) = page.xpath("//h1")
            assert headline.text_content() == article.title
    for url in urls["feeds"]:
        response = client.get(url)
        assert response.status_code == 200, url
        ElementTree.fromstring(response.content)  # well-formed XML
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    for location in ElementTree.fromstring(index.content).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
        response = client.get(location.text.removeprefix("http://testserver"))
        assert response.status_code == 200, location.text
        ElementTree.fromstring(response.content)
    news = client.get("/sitemap-news.xml")
    assert news.status_code == 200 and article.get_absolute_url() in news.content.decode()
    ElementTree.fromstring(news.content)

    item = partner.get(f"/api/v1/items/{article.pk}")
    assert item.status_code == 200
    assert json.loads(item.content)["headlines"][0]["value"] == article.title

    for with_photo in (False, True):
        message = telegram.render(article, url=f"https://dknews.kz{article.get_absolute_url()}", with_photo=with_photo)
        visible, error = parse_entities(message)
        assert error == "" and telegram.visible_length(visible) <= (1024 if with_photo else 4096)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(shape=shapes)
@example(shape=BARE)
@example(shape=LONGEST)
@example(shape=EVERYTHING_ODD)
def test_every_shape_of_article_renders_on_every_output(shape, ninjs_validator):
    with transaction.atomic():
        cache.clear()  # a page of another example must not be served from the cache
        article = build(shape)
        client = Client(raise_request_exception=True)
        partner = Client(HTTP_AUTHORIZATION=f"Bearer {ApiKey.issue('Партнёр')[1]}")
        check_outputs(article, client, partner)
        ninjs_validator.validate(json.loads(partner.get(f"/api/v1/items/{article.pk}").content))
        transaction.set_rollback(True)

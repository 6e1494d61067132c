"""Feeds, sitemaps, robots.txt, page metadata and corrections, read the way clients read them:
feeds with feedparser, structured data with extruct, sitemaps as XML."""

import datetime as dt
import xml.etree.ElementTree as ET

import extruct
import feedparser
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from articles.models import Article, Correction
from newsroom.pagecache import pages_changed
from tests.factories import (
    ArticleFactory,
    PersonFactory,
    PhotoFactory,
    PublisherFactory,
    SectionFactory,
    UserFactory,
    country,
)

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture
def publisher():
    return PublisherFactory()


def unpublished_variants():
    now = timezone.now()
    ArticleFactory(title="Черновик", status="draft", publish_at=None)
    ArticleFactory(title="Запланировано", publish_at=now + HOUR)
    ArticleFactory(title="Истекло", publish_at=now - 2 * HOUR, expire_at=now - HOUR)
    ArticleFactory(title="Снято", status="withdrawn")
    ArticleFactory(title="На проверке", status="review")


def feed(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return feedparser.parse(response.content), response


# -- Feeds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/feed.rss", "/feed.atom"])
def test_feed_has_published_articles_with_lead_link_topics_and_image(client, publisher, url):
    article = ArticleFactory(
        title="Опубликованная новость", lead="Лид новости", tags=["Энергетика", "Нефть"], photo=PhotoFactory()
    )
    unpublished_variants()
    parsed, _ = feed(client, url)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [entry.title for entry in parsed.entries] == ["Опубликованная новость"]
    entry = parsed.entries[0]
    assert entry.link == "http://testserver" + article.get_absolute_url()
    assert entry.summary == "Лид новости"
    assert sorted(tag.term for tag in entry.tags) == ["Нефть", "Энергетика"]
    enclosures = [link for link in entry.links if link.rel == "enclosure"]
    assert enclosures and enclosures[0].type == "image/jpeg"


def test_feed_guid_survives_a_headline_edit(client, publisher):
    article = ArticleFactory(title="Первый заголовок")
    before = feed(client, "/feed.rss")[0].entries[0].id
    article.title = "Исправленный заголовок"
    article.save()
    pages_changed()  # as the admin does after a save (the feed was cached by the first read)
    after = feed(client, "/feed.rss")[0].entries[0]
    assert after.title == "Исправленный заголовок" and after.id == before
    assert before.startswith("tag:testserver,")


def test_feed_has_the_latest_50(client, publisher):
    now = timezone.now()
    for minutes in range(55):
        ArticleFactory(title=f"Новость {minutes}", publish_at=now - dt.timedelta(minutes=minutes + 1))
    entries = feed(client, "/feed.rss")[0].entries
    assert len(entries) == 50 and entries[0].title == "Новость 0"


def test_section_topic_author_and_language_feeds(client, publisher):
    section, author = SectionFactory(name="Экономика"), PersonFactory(name="Дина Ахметова")
    mine = ArticleFactory(title="Моя", section=section, tags=["Нефть"])
    mine.authors.set([author])
    ArticleFactory(title="Чужая", tags=["Спорт"])
    ArticleFactory(title="Қазақша", language="kk")
    assert [e.title for e in feed(client, f"/section/{section.slug}/feed.rss")[0].entries] == ["Моя"]
    assert [e.title for e in feed(client, "/topic/neft/feed.atom")[0].entries] == ["Моя"]
    assert [e.title for e in feed(client, f"/author/{author.slug}/feed.rss")[0].entries] == ["Моя"]
    assert [e.title for e in feed(client, "/kk/feed.rss")[0].entries] == ["Қазақша"]
    assert feed(client, "/kk/feed.rss")[0].feed.language == "kk"
    assert {e.title for e in feed(client, "/feeds/all.atom")[0].entries} == {"Моя", "Чужая", "Қазақша"}


def test_pages_advertise_their_feeds(client, publisher):
    section = SectionFactory()
    ArticleFactory(section=section)
    assert (
        '<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.rss">'
        in client.get("/").content.decode()
    )
    html = client.get(section.get_absolute_url()).content.decode()
    assert f'href="/section/{section.slug}/feed.atom"' in html


def test_feed_answers_conditional_get_with_304(client, publisher):
    ArticleFactory()
    _, first = feed(client, "/feed.rss")
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    assert client.get("/feed.rss", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get("/feed.rss", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_scheduled_article_enters_feed_and_sitemaps_at_its_minute(client, publisher, time_machine):
    start = dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
    ArticleFactory(title="Ранняя", publish_at=start - HOUR)
    ArticleFactory(title="По расписанию", slug="po-raspisaniyu", publish_at=start + dt.timedelta(minutes=10))
    assert [e.title for e in feed(client, "/feed.rss")[0].entries] == ["Ранняя"]
    assert "po-raspisaniyu" not in client.get("/sitemap-articles.xml").content.decode()
    time_machine.move_to(start + dt.timedelta(minutes=10), tick=False)
    assert [e.title for e in feed(client, "/feed.rss")[0].entries] == ["По расписанию", "Ранняя"]
    assert "po-raspisaniyu" in client.get("/sitemap-articles.xml").content.decode()
    assert "po-raspisaniyu" in client.get("/sitemap-news.xml").content.decode()


# -- Sitemaps and robots.txt ---------------------------------------------------------------


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return ET.fromstring(response.content)


def test_sitemap_index_lists_every_section(client, publisher):
    ArticleFactory(tags=["Нефть"]).countries.set([country("KZ")])
    locations = [loc.text for loc in xml(client, "/sitemap.xml").findall("s:sitemap/s:loc", SITEMAP_NS)]
    for name in ["articles", "sections", "topics", "people", "countries"]:
        assert f"http://testserver/sitemap-{name}.xml" in locations


def test_sitemap_index_costs_a_query_per_section_whatever_the_number_of_articles(
    client, publisher, django_assert_max_num_queries
):
    for _ in range(30):
        article = ArticleFactory(tags=["Нефть"])
        article.countries.set([country("KZ")])
        article.people.set([PersonFactory()])
    client.get("/")  # the publisher is cached
    # Per section: a count for the paging and one indexed lookup for the lastmod (two for
    # articles: the newest publication and the newest significant update).
    with django_assert_max_num_queries(2 * 5 + 1):
        response = client.get("/sitemap.xml")
    assert response.status_code == 200
    lastmods = [node.text for node in ET.fromstring(response.content).findall("s:sitemap/s:lastmod", SITEMAP_NS)]
    assert len(lastmods) == 5 and all(lastmods)


def test_article_sitemap_has_published_articles_with_significant_lastmod(client, publisher):
    article = ArticleFactory(slug="glavnaya", publish_at=dt.datetime(2026, 11, 20, 6, tzinfo=dt.UTC))
    Article.objects.filter(pk=article.pk).update(significant_update_at=dt.datetime(2026, 11, 22, 6, tzinfo=dt.UTC))
    ArticleFactory(slug="audarma", language="kk")
    unpublished_variants()
    root = xml(client, "/sitemap-articles.xml")
    urls = {
        url.find("s:loc", SITEMAP_NS).text: url.find("s:lastmod", SITEMAP_NS).text
        for url in root.findall("s:url", SITEMAP_NS)
    }
    assert set(urls) == {"http://testserver/news/glavnaya/", "http://testserver/kk/news/audarma/"}
    assert urls["http://testserver/news/glavnaya/"] == "2026-11-22"


def test_article_sitemap_dates_each_article_by_its_day_in_almaty(client, publisher):
    almaty_midnight = dt.datetime(2026, 11, 20, 18, 30, tzinfo=dt.UTC)  # 23:30 or 00:30 in Almaty
    late = ArticleFactory(slug="pozdno", publish_at=almaty_midnight)
    early = ArticleFactory(slug="rano", publish_at=almaty_midnight + dt.timedelta(hours=1))
    updated = ArticleFactory(slug="obnovleno", language="en", publish_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    Article.objects.filter(pk=updated.pk).update(significant_update_at=almaty_midnight)
    ArticleFactory(slug="qazaqsha", language="kk")
    unpublished_variants()
    response = client.get("/sitemap-articles.xml")
    written = {
        url.find("s:loc", SITEMAP_NS).text: url.find("s:lastmod", SITEMAP_NS).text
        for url in ET.fromstring(response.content).findall("s:url", SITEMAP_NS)
    }
    assert len(written) == 4
    assert written["http://testserver/news/pozdno/"] == timezone.localtime(late.publish_at).date().isoformat()
    assert written["http://testserver/news/rano/"] == timezone.localtime(early.publish_at).date().isoformat()
    assert written["http://testserver/news/pozdno/"] != written["http://testserver/news/rano/"]
    assert written["http://testserver/en/news/obnovleno/"] == timezone.localtime(almaty_midnight).date().isoformat()
    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
    assert response["Content-Type"] == "application/xml"
    assert response["Last-Modified"] == http_date(Article.objects.get(slug="qazaqsha").publish_at.timestamp())


def test_article_sitemap_files_are_ranges_of_ids(client, publisher, monkeypatch, django_assert_max_num_queries):
    from website.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 3)
    articles = [ArticleFactory(slug=f"statya-{n}") for n in range(7)]
    Article.objects.filter(pk=articles[4].pk).update(status="draft")
    articles[5].delete()
    top = Article.objects.order_by("-pk").first().pk
    locations = [loc.text for loc in xml(client, "/sitemap.xml").findall("s:sitemap/s:loc", SITEMAP_NS)]
    files = [location for location in locations if "sitemap-articles" in location]
    assert len(files) == -(-top // 3)
    listed = []
    for number in range(1, len(files) + 1):
        with django_assert_max_num_queries(2):  # the highest id, the file's rows
            root = xml(client, f"/sitemap-articles.xml?p={number}")
        slugs = [loc.text.rsplit("/", 2)[1] for loc in root.findall("s:url/s:loc", SITEMAP_NS)]
        ids = [Article.objects.get(slug=slug).pk for slug in slugs]
        assert all((number - 1) * 3 < pk <= number * 3 for pk in ids)
        listed += slugs
    assert sorted(listed) == sorted(f"statya-{n}" for n in (0, 1, 2, 3, 6))
    for bad in (len(files) + 1, 0, "abc"):
        assert client.get(f"/sitemap-articles.xml?p={bad}").status_code == 404


def test_lists_in_sitemaps_only_with_published_articles(client, publisher):
    ArticleFactory(tags=["Живая тема"]).countries.set([country("KZ")])
    ArticleFactory(tags=["Тема черновика"], status="draft", publish_at=None).countries.set([country("AZ")])
    topics = client.get("/sitemap-topics.xml").content.decode()
    countries = client.get("/sitemap-countries.xml").content.decode()
    assert "/topic/zhivaya-tema/" in topics and "tema-chernovika" not in topics
    assert "/country/kazakhstan/" in countries and "azerbaijan" not in countries


def test_people_sitemap_gives_each_person_the_newest_published_article_in_a_fixed_number_of_queries(
    client, publisher, django_assert_max_num_queries
):
    now = timezone.now()
    minister, drafted = PersonFactory(slug="ministr"), PersonFactory(slug="tolko-v-chernovike")
    for days in (9, 5, 3):
        ArticleFactory(publish_at=now - dt.timedelta(days=days)).people.set([minister])
    ArticleFactory(publish_at=now + HOUR).people.set([minister])  # scheduled: not yet
    ArticleFactory(status="draft", publish_at=None).people.set([minister, drafted])
    for _ in range(30):
        ArticleFactory().people.set([PersonFactory()])
    client.get("/")  # the schedule horizon is cached
    with django_assert_max_num_queries(2):  # the rows (each newest article a subquery), the file count
        root = xml(client, "/sitemap-people.xml")
    urls = {
        url.find("s:loc", SITEMAP_NS).text: url.find("s:lastmod", SITEMAP_NS).text
        for url in root.findall("s:url", SITEMAP_NS)
    }
    assert len(urls) == 31 and "http://testserver/person/tolko-v-chernovike/" not in urls
    assert urls["http://testserver/person/ministr/"] == timezone.localdate(now - dt.timedelta(days=3)).isoformat()


def test_news_sitemap_has_only_the_last_48_hours_with_google_news_fields(client, publisher):
    now = timezone.now()
    ArticleFactory(title="Свежая «новость»", slug="svezhaya", publish_at=now - HOUR)
    ArticleFactory(title="Қазақша", slug="kazaksha", language="kk", publish_at=now - 47 * HOUR)
    ArticleFactory(title="Старая", slug="staraya", publish_at=now - 49 * HOUR)
    root = xml(client, "/sitemap-news.xml")
    urls = root.findall("s:url", SITEMAP_NS)
    assert [url.find("s:loc", SITEMAP_NS).text for url in urls] == [
        "http://testserver/news/svezhaya/",
        "http://testserver/kk/news/kazaksha/",
    ]
    news = urls[0].find("news:news", SITEMAP_NS)
    assert news.find("news:publication/news:name", SITEMAP_NS).text == "МИА «DKNews»"
    assert news.find("news:publication/news:language", SITEMAP_NS).text == "ru"
    assert news.find("news:title", SITEMAP_NS).text == "Свежая «новость»"
    assert dt.datetime.fromisoformat(news.find("news:publication_date", SITEMAP_NS).text) <= now
    assert urls[1].find("news:news/news:publication/news:language", SITEMAP_NS).text == "kk"


def test_robots_txt_points_at_the_sitemaps_and_keeps_crawlers_out_of_private_paths(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/sitemap-news.xml" in text
    for path in ["/admin/", "/search/", "/preview/", "/kk/search/"]:
        assert f"Disallow: {path}\n" in text


# -- Page metadata ----------------------------------------------------------------------------


def metadata(client, url):
    response = client.get(url)
    return extruct.extract(
        response.content.decode(), base_url="http://testserver" + url, syntaxes=["json-ld", "opengraph"], uniform=True
    )


def test_article_page_has_canonical_open_graph_and_news_article_json_ld(client, publisher):
    author, minister = PersonFactory(name="Дина Ахметова"), PersonFactory(name="Айдос Сарсенбаев", position="министр")
    article = ArticleFactory(
        title="Министр встретился с послом", lead="Обсудили культуру", tags=["Культура"], slug="vstrecha"
    )
    article.authors.set([author])
    article.people.set([minister])
    article.countries.set([country("AZ")])
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<link rel="canonical" href="http://testserver/news/vstrecha/">' in html

    data = metadata(client, article.get_absolute_url())
    og = data["opengraph"][0]
    assert og["@type"] == "article" and og["og:title"] == "Министр встретился с послом"
    assert og["og:description"] == "Обсудили культуру" and og["article:tag"] == "Культура"
    assert og["article:published_time"].startswith(timezone.localtime(article.publish_at).strftime("%Y-%m-%dT%H:%M"))

    ld = data["json-ld"][0]
    assert ld["@type"] == "NewsArticle"
    assert ld["headline"] == "Министр встретился с послом" and ld["description"] == "Обсудили культуру"
    assert ld["inLanguage"] == "ru" and ld["isAccessibleForFree"] is True
    assert ld["mainEntityOfPage"]["@id"] == "http://testserver/news/vstrecha/"
    assert ld["author"] == [
        {"@type": "Person", "name": "Дина Ахметова", "url": f"http://testserver/author/{author.slug}/"}
    ]
    assert ld["publisher"]["@type"] == "NewsMediaOrganization" and ld["publisher"]["name"] == publisher.name
    assert ld["about"][0]["name"] == "Айдос Сарсенбаев" and ld["mentions"][0]["name"] == "Азербайджан"
    assert dt.datetime.fromisoformat(ld["datePublished"]) == article.publish_at
    assert ld["dateModified"] == ld["datePublished"]


def test_json_ld_cannot_be_broken_out_of(client, publisher):
    title = 'Опасный </script><script>alert("x")</script> заголовок'
    article = ArticleFactory(title=title, lead="</script><img src=x onerror=alert(1)>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<script>alert("x")</script>' not in html and "<img src=x" not in html
    ld = metadata(client, article.get_absolute_url())["json-ld"][0]
    assert ld["headline"] == title


def test_front_page_has_the_organisation_json_ld_and_canonical_without_tracking(client, publisher):
    ArticleFactory()
    ld = metadata(client, "/")["json-ld"][0]
    assert ld["@type"] == "NewsMediaOrganization" and ld["name"] == publisher.name and ld["foundingDate"] == "2006"
    html = client.get("/?utm_source=telegram").content.decode()
    assert '<link rel="canonical" href="http://testserver/">' in html


def test_paginated_list_canonicalises_to_its_own_page(client, publisher):
    section = SectionFactory(slug="politika")
    for _ in range(21):
        ArticleFactory(section=section)
    html = client.get("/section/politika/?page=2&utm=x").content.decode()
    assert '<link rel="canonical" href="http://testserver/section/politika/?page=2">' in html


# -- Corrections and updates -----------------------------------------------------------------


@pytest.fixture
def editor_client(client):
    editor = UserFactory(username="timur")
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    return client


def add_note_in_admin(client, article, kind, text):
    from tests.articles.test_workflow import form_data

    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    data.update({
        "corrections-TOTAL_FORMS": "1", "corrections-INITIAL_FORMS": "0",
        "corrections-0-kind": kind, "corrections-0-text": text,
        "corrections-0-created_at_0": timezone.localtime().strftime("%d.%m.%Y"),
        "corrections-0-created_at_1": timezone.localtime().strftime("%H:%M:%S"),
    })  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_correction_note_shows_on_the_page_feed_and_json_ld(editor_client, publisher):
    article = ArticleFactory(title="Новость с ошибкой", lead="Лид", publish_at=timezone.now() - 3 * HOUR)
    add_note_in_admin(editor_client, article, "correction", "В первой версии неверно указана дата встречи.")
    add_note_in_admin(editor_client, article, "update", "Министерство подтвердило встречу.")
    article.refresh_from_db()
    assert article.significant_update_at is not None
    editor_client.logout()

    html = editor_client.get(article.get_absolute_url()).content.decode()
    page = html[html.index("<main") :]  # the head's JSON-LD carries the correction too
    body = page.index('<div class="body">')
    assert page.index("Министерство подтвердило встречу.") < body < page.index("неверно указана дата")
    assert "<strong>Обновление</strong>" in page and "<strong>Исправление</strong>" in page  # not «Применить»
    ld = metadata(editor_client, article.get_absolute_url())["json-ld"][0]
    assert ld["dateModified"] != ld["datePublished"]
    assert ld["correction"][0]["text"] == "В первой версии неверно указана дата встречи."
    entry = feed(editor_client, "/feed.atom")[0].entries[0]
    assert "Министерство подтвердило встречу." in entry.summary
    assert entry.updated_parsed != entry.published_parsed


def test_journalist_cannot_add_correction_notes(client, publisher):
    journalist = UserFactory(username="dina")
    journalist.groups.add(Group.objects.get(name="Journalist"))
    article = ArticleFactory(status="review", publish_at=None, created_by=journalist)
    client.force_login(journalist)
    from tests.articles.test_workflow import form_data

    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    data.update(
        {
            "corrections-TOTAL_FORMS": "1",
            "corrections-INITIAL_FORMS": "0",
            "corrections-0-kind": "update",
            "corrections-0-text": "Подделка",
        }
    )
    client.post(url, data)
    assert not Correction.objects.exists()

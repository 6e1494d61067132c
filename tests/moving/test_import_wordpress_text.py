"""import_wordpress reads what WordPress keeps as HTML (titles, excerpts, the names of categories,
tags and authors) as the text WordPress's readers see: the theme unit test's special characters
and markup, and names with ``&amp;`` (tests/moving/data/wordpress-escaping.xml), checked on the
public pages; a second run, and a run over an import made when the importer kept the entities."""

import html
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from markupsafe import escape

from articles.models import Article, Person, Section, Tag
from moving import wpbody, wxr
from moving.models import ImportedArticle
from tests.factories import PublisherFactory

pytestmark = pytest.mark.django_db
EXPORT = Path(__file__).parent / "data" / "wordpress-escaping.xml"

# The theme unit test's title, as WordPress shows it to readers.
SPECIAL = "Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>"
# The theme unit test writes it as WordPress exported titles before 5.7 (the_title_rss: escaped for XML)...
BEFORE_57 = "<title>Markup: Title With Special Characters ~`!@#$%^&amp;*()-_=+{}[]/\\;:&#039;&quot;?,.&gt;</title>"
# ...and WordPress 5.7+ exports the title in CDATA as its database keeps it: saved through kses (an
# author without unfiltered_html, any author on a multisite), with & and > as entities.
SINCE_57 = "<title><![CDATA[Markup: Title With Special Characters ~`!@#$%^&amp;*()-_=+{}[]/\\;:'\"?,.&gt;]]></title>"
# A WordPress.org site's export names its namespaces with http:// (WordPress.com's, https://).
SELF_HOSTED = [
    (f'"https://wordpress.org/export/1.2/{name}"', f'"http://wordpress.org/export/1.2/{name}"')
    for name in ("", "excerpt/")
]
# Post 9001, written as WordPress 5.7+ writes it.
NEWS_TITLE = "Kaspi & Halyk: «ставка > 15 %» — до конца года"


def run(path: Path) -> str:
    out = io.StringIO()
    call_command("import_wordpress", str(path), "--no-progress", stdout=out)
    return out.getvalue()


def export(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    text = EXPORT.read_text()
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "export.xml"
    path.write_text(text)
    return path


def element(page: str, tag: str) -> str:
    """The inner HTML of the page's first ``tag``, as the server wrote it."""
    return re.search(rf"<{tag}>(.*?)</{tag}>", page, re.S)[1]


def headline(page: str) -> str:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return next(data["headline"] for data in map(json.loads, blocks) if "headline" in data)


def assert_escaped_once(page: str) -> None:
    for twice in ("&amp;amp;", "&amp;gt;", "&amp;lt;", "&amp;#", "&amp;quot;", "&amp;laquo;"):
        assert twice not in page


@pytest.mark.parametrize(
    "replacements",
    [[], [(BEFORE_57, SINCE_57), *SELF_HOSTED]],
    ids=["the theme unit test (WordPress.com, before WordPress 5.7)", "exported by WordPress 5.7+"],
)
def test_the_theme_unit_tests_special_characters_title_reads_as_wordpress_shows_it(client, tmp_path, replacements):
    PublisherFactory()
    report = run(export(tmp_path, *replacements))
    assert "posts: 3 (created 3" in report

    article = Article.objects.get(imported_from__source_id="1174")
    assert article.title == SPECIAL
    page = client.get(article.get_absolute_url()).content.decode()
    # The reader's page escapes each character once: & is &amp; (once per &), > is &gt;.
    h1 = element(page, "h1")
    assert h1 == escape(SPECIAL) and h1.count("&amp;") == SPECIAL.count("&") == 1
    assert html.unescape(h1) == SPECIAL
    assert html.unescape(element(page, "title")).startswith(SPECIAL + " | ")
    assert html.unescape(re.search(r'<meta property="og:title" content="([^"]*)"', page)[1]) == SPECIAL
    assert headline(page) == SPECIAL
    assert_escaped_once(page)
    # And the news feed, which lists its headline.
    news = client.get("/news/").content.decode()
    link = re.search(rf'<a class="feed-title" href="{article.get_absolute_url()}">(.*?)</a>', news)[1]
    assert html.unescape(link) == SPECIAL and link.count("&amp;") == 1 and "<" not in link
    assert_escaped_once(news)


def test_a_title_with_markup_keeps_its_words_not_its_tags(client):
    """WordPress shows "With" in italics; a headline here is plain text (the <h1>, the <title>,
    feeds, JSON-LD, Telegram), so the tags go, as WordPress drops them from the browser's tab."""
    PublisherFactory()
    run(EXPORT)
    article = Article.objects.get(imported_from__source_id="1173")
    assert article.title == "Markup: Title With Markup"  # Mark<sup>up</sup>: one word
    page = client.get(article.get_absolute_url()).content.decode()
    assert element(page, "h1") == "Markup: Title With Markup"
    assert "&lt;em&gt;" not in page and "&lt;sup&gt;" not in page


def test_names_excerpts_and_typography_arrive_as_text(client):
    PublisherFactory()
    report = run(EXPORT)
    assert "sections created: 2, topics created: 6, people created: 2" in report

    article = Article.objects.get(imported_from__source_id="9001")
    assert article.title == NEWS_TITLE
    assert article.lead == "Банки & регулятор: “коридор” сохранится."
    assert article.section.name == "Бизнес & финансы" and article.section.slug == "biznes-finansy"
    assert list(article.tags.names()) == ["Kaspi & Halyk"]
    assert [person.name for person in article.authors.all()] == ["Редакция & партнёры"]
    assert "Kaspi &amp; Halyk ждут" in article.body  # the body stays HTML

    page = client.get(article.get_absolute_url()).content.decode()
    assert element(page, "h1") == escape(NEWS_TITLE)
    for text in (
        "Банки & регулятор: “коридор” сохранится.",
        "Бизнес & финансы",
        "Kaspi & Halyk",
        "Редакция & партнёры",
    ):
        assert str(escape(text)) in page
    assert_escaped_once(page)


def test_a_title_that_shows_an_entity_keeps_it_as_text(client, tmp_path):
    """A title whose readers saw «&amp;» is stored by WordPress as &amp;amp;: decoded once."""
    PublisherFactory()
    run(export(tmp_path, ("Kaspi &amp; Halyk: &laquo;ставка", "Как писать &amp;amp; в HTML: &laquo;ставка")))
    article = Article.objects.get(imported_from__source_id="9001")
    assert article.title.startswith("Как писать &amp; в HTML: «ставка")
    page = client.get(article.get_absolute_url()).content.decode()
    assert element(page, "h1").startswith("Как писать &amp;amp; в HTML")  # the reader sees &amp;


def test_a_second_run_changes_nothing():
    run(EXPORT)
    versions = dict(Article.objects.values_list("pk", "version"))
    counts = Article.objects.count(), Section.objects.count(), Tag.objects.count(), Person.objects.count()
    revisions = Article.history.count()

    report = run(EXPORT)
    assert "created 0, updated 0, unchanged 3, edited here since the last import and left alone 0" in report
    assert "corrected" not in report
    assert dict(Article.objects.values_list("pk", "version")) == versions
    assert (Article.objects.count(), Section.objects.count(), Tag.objects.count(), Person.objects.count()) == counts
    assert Article.history.count() == revisions


def test_an_import_that_kept_the_entities_is_corrected_by_the_next_run(monkeypatch, tmp_path):
    path = export(tmp_path, (BEFORE_57, SINCE_57), *SELF_HOSTED)
    # What the importer did before: it took WordPress's HTML for text.
    with monkeypatch.context() as before:
        before.setattr(wxr, "plain", str.strip)
        run(path)
    special = Article.objects.get(imported_from__source_id="1174")
    news = Article.objects.get(imported_from__source_id="9001")
    assert special.title.endswith("^&amp;*()-_=+{}[]/\\;:'\"?,.&gt;")  # what readers saw
    assert news.section.name == "Бизнес &amp; финансы"
    section, tag = news.section, news.tags.get()
    person = news.authors.get()
    assert (tag.name, person.name) == ("Kaspi &amp; Halyk", "Редакция &amp; партнёры")
    articles, imported = Article.objects.count(), ImportedArticle.objects.count()

    report = run(path)
    # Every post reads differently now, and none was edited here: updated, not left alone.
    assert "created 0, updated 3, unchanged 0, edited here since the last import and left alone 0" in report
    assert "names an earlier import kept with HTML entities, corrected: 3" in report
    assert "«Бизнес &amp; финансы» renamed «Бизнес & финансы»" in report
    assert Article.objects.get(pk=special.pk).title == SPECIAL
    assert Article.objects.get(imported_from__source_id="1173").title == "Markup: Title With Markup"
    news = Article.objects.get(pk=news.pk)
    assert news.title == NEWS_TITLE
    # The section, topic and person that import made are renamed in place: no second ones.
    assert news.section == section and Section.objects.get(pk=section.pk).name == "Бизнес & финансы"
    assert list(news.tags.all()) == [tag] and Tag.objects.get(pk=tag.pk).name == "Kaspi & Halyk"
    assert list(news.authors.all()) == [person] and Person.objects.get(pk=person.pk).name == "Редакция & партнёры"
    assert (Article.objects.count(), ImportedArticle.objects.count()) == (articles, imported)

    assert "created 0, updated 0, unchanged 3" in run(path)


def test_names_an_editor_gave_are_left_alone(tmp_path):
    """Only a name that is WordPress's name with its entities kept is corrected."""
    Section.objects.create(name="Бизнес и финансы", slug="biznes-finansy")
    Person.objects.create(name="Редакция &amp; партнёры")  # and one already has the name's text:
    Person.objects.create(name="Редакция & партнёры")
    report = run(EXPORT)
    assert "corrected" not in report
    assert Article.objects.get(imported_from__source_id="9001").section.name == "Бизнес и финансы"
    assert Person.objects.filter(name="Редакция &amp; партнёры").exists()


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("Mark<sup>up</sup> <em>with</em>  <b>tags</b>", "Markup with tags"),
        ("AT&amp;amp;T &#8220;quoted&#8221; &laquo;ёлки&raquo;", "AT&amp;T “quoted” «ёлки»"),
        ("5 < 6 and 7 > 3", "5 < 6 and 7 > 3"),
        ("&lt;em&gt; shown as text", "<em> shown as text"),
        ("one<br>two<p>three</p>four", "one two three four"),
        ("<script>alert('<b>')</script>safe<style>b{}</style><!-- note -->", "safe"),
    ],
)
def test_html_becomes_the_text_a_browser_shows(fragment, text):
    assert wpbody.plain(fragment) == text

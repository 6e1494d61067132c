"""import_wordpress: a hand-written WordPress export (tests/moving/data/wordpress-export.xml) with
the cases a twenty-year archive holds, imported through the real command; its old addresses;
a second run; bad files."""

import datetime as dt
import http.server
import io
import os
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Person, Section
from moving.models import ImportedArticle, LegacyRedirect
from photos.models import Photo
from tests.factories import ArticleFactory, PublisherFactory, jpeg
from tests.test_html_validity import JAVA, VNU, vnu_errors

pytestmark = pytest.mark.django_db
EXPORT = Path(__file__).parent / "data" / "wordpress-export.xml"


@pytest.fixture
def uploads(tmp_path):
    """A copy of wp-content/uploads holding the one image the export uses."""
    folder = tmp_path / "uploads"
    (folder / "2013" / "01").mkdir(parents=True)
    (folder / "2013" / "01" / "natsbank.jpg").write_bytes(jpeg(800, 500, "teal"))
    return folder


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_wordpress", *map(str, args), "--no-progress", stdout=out)
    return out.getvalue()


def test_an_export_becomes_articles_with_a_report_for_every_item(uploads):
    report = run(EXPORT, "--uploads", uploads)

    assert "items read: 10" in report
    assert "posts: 5 (created 5, updated 0, unchanged 0" in report
    assert "trashed posts skipped: 1" in report and "attachments: 1" in report
    assert "skipped, type nav_menu_item: 1" in report and "skipped, type page: 1" in report
    assert "skipped, type wp_global_styles: 1" in report

    rate = Article.objects.get(title="Нацбанк сохранил базовую ставку")
    assert rate.slug == "natsbank-sohranil-stavku" and rate.status == "published" and rate.language == "ru"
    assert rate.publish_at == dt.datetime(2013, 1, 11, 20, 22, 19, tzinfo=dt.UTC)
    assert rate.lead == "Национальный банк сохранил базовую ставку на уровне 15,25 %, передает DKNews.kz."
    assert rate.section.name == "Экономика" and rate.section.slug == "ekonomika"
    assert sorted(rate.tags.names()) == ["Базовая ставка", "Тенге"]
    assert [person.name for person in rate.authors.all()] == ["Айгуль Сейткали"]
    # The featured image and the captioned image in the body: one library photo.
    photo = Photo.objects.get()
    assert rate.photo == photo
    assert f'<figure data-photo-id="{photo.pk}"><img src="{photo.image.url}" alt="Здание Нацбанка">' in rate.body
    assert "image not found" not in report
    assert "<figcaption>Здание Национального банка</figcaption>" in rate.body
    # The YouTube block: the editor's embed paragraph. Scripts, handlers, block comments: gone.
    assert '<p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">' in rate.body
    assert "<script" not in rate.body and "onclick" not in rate.body and "wp:paragraph" not in rate.body
    assert "<strong>денежно-кредитного</strong>" in rate.body
    assert "contact-form-7" not in rate.body
    assert "shortcodes removed: [contact-form-7]" in report

    untitled = Article.objects.get(imported_from__source_id="2001")
    assert untitled.title == "Пост без заголовка: в Астане открыли новый маршрут…"
    assert "no title: titled" in report
    # The teaser before <!--more--> is the lead; bare text became paragraphs.
    assert untitled.lead == (
        "Пост без заголовка: в Астане открыли новый маршрут автобусов для жителей левого берега. "
        "Второй абзац с переносом строки."
    )
    assert untitled.body.startswith("<p>Третий абзац после «далее».</p>")
    assert '<p><a href="https://t.me/dknews_kz/1234">' in untitled.body
    assert "gallery image 9999 not found" in report
    # Its slug was taken by the first post: a new one, and the report says so.
    assert untitled.slug != "natsbank-sohranil-stavku" and "is taken here" in report
    assert len(untitled.section.name) == 100 and "cut to 100" in report

    draft = Article.objects.get(title="Черновик с датой из нулей")
    assert draft.status == "draft" and draft.publish_at is None and draft.lead == "Выдержка черновика."
    scheduled = Article.objects.get(imported_from__source_id="4001")
    assert scheduled.language == "kk" and scheduled.status == "published"
    assert scheduled.publish_at == dt.datetime(2031, 1, 1, 5, tzinfo=dt.UTC)  # scheduled, not shown yet
    private = Article.objects.get(title="Личная запись")
    assert private.status == "draft" and "private in WordPress: imported as a draft" in report
    assert not Article.objects.filter(title="В корзине").exists()


def test_old_addresses_answer_301_to_the_new_ones(client, uploads, time_machine):
    run(EXPORT, "--uploads", uploads)
    scheduled = Article.objects.get(imported_from__source_id="4001")
    time_machine.move_to(scheduled.publish_at - dt.timedelta(hours=1))  # its hour before, on any day
    rate = Article.objects.get(title="Нацбанк сохранил базовую ставку")
    for old in ("/2013/01/11/natsbank-sohranil-stavku/", "/2013/01/11/natsbank-sohranil-stavku", "/?p=1177"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == rate.get_absolute_url()
    assert client.get(rate.get_absolute_url()).status_code == 200
    assert LegacyRedirect.objects.get(old_path="/?p=1177").hits == 1
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/2013/01/11/never-existed/").status_code == 404
    assert sum("moving_legacyredirect" in query["sql"] for query in queries) == 1  # one lookup
    with CaptureQueriesContext(connection) as queries:
        assert client.get(rate.get_absolute_url()).status_code == 200
    assert not any("moving_legacyredirect" in query["sql"] for query in queries)  # pages: none
    # A scheduled or draft article's old address does not give its new one away before its time.
    assert client.get("/2031/01/01/zhospar/").status_code == 404
    time_machine.move_to(scheduled.publish_at)
    assert client.get("/2031/01/01/zhospar/")["Location"] == scheduled.get_absolute_url()
    assert client.get("/?p=3001").status_code == 200  # the draft's short link: just the front page
    assert client.get("/?utm_source=x").status_code == 200  # the front page, as before


def test_a_second_run_creates_nothing_and_leaves_an_editors_changes_alone(uploads):
    run(EXPORT, "--uploads", uploads)
    counts = Article.objects.count(), Section.objects.count(), Person.objects.count(), Photo.objects.count()
    edited = Article.objects.get(title="Нацбанк сохранил базовую ставку")
    edited.title = "Нацбанк сохранил базовую ставку — исправлено редактором"
    edited.save()

    report = run(EXPORT, "--uploads", uploads)
    assert "created 0, updated 0, unchanged 4, edited here since the last import and left alone 1" in report
    assert "changed in this CMS since the last import: left as it is" in report
    assert (Article.objects.count(), Section.objects.count(), Person.objects.count(), Photo.objects.count()) == counts
    assert Article.objects.get(pk=edited.pk).title.endswith("исправлено редактором")
    assert ImportedArticle.objects.count() == 5


def test_a_post_changed_in_wordpress_is_updated(uploads, tmp_path):
    run(EXPORT, "--uploads", uploads)
    changed = tmp_path / "changed.xml"
    changed.write_text(EXPORT.read_text().replace("Текст черновика.", "Текст черновика, дописанный."))
    report = run(changed, "--uploads", uploads)
    assert "created 0, updated 1, unchanged 4" in report
    assert "дописанный" in Article.objects.get(title="Черновик с датой из нулей").body


def test_a_dry_run_writes_nothing(uploads):
    report = run(EXPORT, "--uploads", uploads, "--dry-run")
    assert report.startswith("DRY RUN: nothing was written.") and "created 5" in report
    assert not Article.objects.exists() and not Photo.objects.exists() and not LegacyRedirect.objects.exists()


def test_without_uploads_the_images_are_listed_and_the_articles_imported():
    report = run(EXPORT)
    assert "created 5" in report and "photos: 0 added to the library, 1 not found" in report
    assert "featured image 1178 not found" in report
    assert Article.objects.get(title="Нацбанк сохранил базовую ставку").photo is None


def test_a_section_map_puts_posts_into_existing_sections(uploads, tmp_path):
    economy = Section.objects.create(name="Экономика и финансы", slug="economy")
    mapping = tmp_path / "map.json"
    mapping.write_text('{"ekonomika": "economy"}')
    run(EXPORT, "--uploads", uploads, "--section-map", mapping)
    assert Article.objects.get(title="Нацбанк сохранил базовую ставку").section == economy


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not XML at all", "not well-formed XML"),
        (b"", "not well-formed XML"),
        (b'<?xml version="1.0"?><html><body>Not an export</body></html>', "not a WordPress export"),
        (
            b'<rss version="2.0" xmlns:wp="http://wordpress.org/export/9.9/"><channel><item></item></channel></rss>',
            "unknown WXR version",
        ),
        (
            b'<rss version="2.0"><channel><title>A feed</title><item><title>x</title></item></channel></rss>',
            "use import_feed",
        ),
    ],
)
def test_a_file_that_is_not_an_export_is_refused_with_a_reason(tmp_path, content, message):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(content)
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing could be imported"):
        call_command("import_wordpress", str(bad), "--no-progress", stdout=out)
    assert message in out.getvalue()
    assert not Article.objects.exists()


def test_a_truncated_export_keeps_what_came_before_the_break(uploads, tmp_path):
    text = EXPORT.read_text()
    truncated = tmp_path / "truncated.xml"
    truncated.write_text(text[: text.index("Черновик с датой из нулей") + 10])
    report = run(truncated, "--uploads", uploads)
    assert "created 2" in report and "ERROR: the file is not well-formed XML" in report
    assert Article.objects.count() == 2


def test_a_huge_post_and_an_existing_article_with_the_same_address(tmp_path):
    ArticleFactory(slug="natsbank-sohranil-stavku")
    big = "<p>" + "Очень длинный текст. " * 100_000 + "</p>"  # about 2 MB
    text = EXPORT.read_text().replace("<p>Текст черновика.</p>", big)
    export = tmp_path / "big.xml"
    export.write_text(text)
    report = run(export)
    assert "created 5" in report
    assert len(Article.objects.get(title="Черновик с датой из нулей").body) > 2_000_000
    assert Article.objects.get(imported_from__source_id="1177").slug != "natsbank-sohranil-stavku"


def test_the_command_refuses_a_missing_file_or_folder(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_wordpress", str(tmp_path / "missing.xml"))
    with pytest.raises(CommandError, match="no such folder"):
        call_command("import_wordpress", str(EXPORT), "--uploads", str(tmp_path / "nowhere"))


@pytest.mark.skipif(not (VNU.exists() and JAVA) and not os.environ.get("CI"), reason="needs Java and vnu.jar")
def test_imported_articles_are_valid_pages(client, uploads, tmp_path):
    """The imported bodies pass the site's own checks: the Nu Html Checker on their pages."""
    PublisherFactory()
    run(EXPORT, "--uploads", uploads)
    files = []
    for article in Article.objects.published().order_by("publish_at"):
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        files.append(tmp_path / f"{article.pk}.html")
        files[-1].write_bytes(response.content)
    page = files[0].read_text()  # the first post: a figure and a YouTube video
    assert '<figure class="body-photo">' in page and "embed-youtube" in page
    assert vnu_errors(files) == []


@pytest.fixture
def old_site(tmp_path):
    """The old WordPress site, still online: serves its uploads and counts the requests."""
    image = jpeg(640, 400, "olive")
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            found = self.path.endswith("/natsbank.jpg")
            self.send_response(200 if found else 404)
            self.send_header("Content-Length", str(len(image) if found else 0))
            self.end_headers()
            if found:
                self.wfile.write(image)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    export = tmp_path / "online.xml"
    export.write_text(EXPORT.read_text().replace("https://old.dknews.kz/wp-content", base + "/wp-content"))
    yield export, hits
    server.shutdown()


def test_images_are_fetched_only_when_asked(old_site):
    export, hits = old_site
    report = run(export)
    assert hits == [] and "1 not found" in report  # no network unless --fetch-media

    report = run(export, "--fetch-media")
    assert hits == ["/wp-content/uploads/2013/01/natsbank.jpg"]  # once, for both of its uses
    assert "photos: 1 added to the library, 0 not found" in report
    assert Article.objects.get(title="Нацбанк сохранил базовую ставку").photo is not None


def test_a_post_imported_without_its_images_is_imported_again_when_they_are_there(uploads):
    run(EXPORT)  # no --uploads: imported without its photo
    assert "unchanged 5" in run(EXPORT)  # the same command again: nothing to do
    report = run(EXPORT, "--uploads", uploads)
    assert "updated 2, unchanged 3" in report  # the two posts that show the image
    assert Article.objects.get(title="Нацбанк сохранил базовую ставку").photo is not None
    assert "unchanged 5" in run(EXPORT, "--uploads", uploads)


def test_an_editor_adds_an_old_address_by_hand(client):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    editor = UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    url = "/admin/moving/legacyredirect/add/"
    response = client.post(url, {"old_path": "https://old.dknews.kz/about/", "url": "javascript:alert(1)"})
    page = response.content.decode()
    assert response.status_code == 200 and "без домена" in page and "полный адрес" in page
    assert 'value="https://old.dknews.kz/about/"' in page  # what was typed is kept
    assert client.post(url, {"old_path": "/about/", "url": "/news/"}).status_code == 302
    assert client.get("/about/").headers["Location"] == "/news/"


PROTECTED = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Агентство</title><link>https://old.dknews.kz</link><wp:wxr_version>1.2</wp:wxr_version>
<item>
  <title><![CDATA[Запись под паролем]]></title>
  <wp:post_id>4502</wp:post_id>
  <content:encoded><![CDATA[<p>Только для тех, кто знает пароль.</p>]]></content:encoded>
  <wp:post_date_gmt><![CDATA[2015-05-06 05:05:05]]></wp:post_date_gmt>
  <wp:status><![CDATA[publish]]></wp:status>
  <wp:post_password><![CDATA[sekret-parol]]></wp:post_password>
  <wp:post_type><![CDATA[post]]></wp:post_type>
</item>
</channel></rss>
"""


def test_a_password_protected_post_is_a_draft_here_and_its_password_is_not_kept(tmp_path, client):
    export = tmp_path / "protected.xml"
    export.write_text(PROTECTED)
    report = run(export)
    article = Article.objects.get(title="Запись под паролем")
    assert article.status == "draft" and "password-protected in WordPress: imported as a draft" in report
    assert "sekret-parol" not in report and client.get(article.get_absolute_url()).status_code == 404
    assert run(export).count("unchanged 1") == 1  # and a second run leaves it as it is


def test_a_protected_post_an_older_import_published_becomes_a_draft_and_the_others_stay_unchanged(tmp_path, uploads):
    first = run(EXPORT, "--uploads", uploads)
    assert "created 5" in first
    export = tmp_path / "protected.xml"
    export.write_text(PROTECTED.replace("<wp:post_password><![CDATA[sekret-parol]]></wp:post_password>", ""))
    run(export)  # as the importer did before it read passwords: published
    assert Article.objects.published().filter(title="Запись под паролем").exists()
    export.write_text(PROTECTED)
    assert "updated 1" in run(export) and not Article.objects.published().filter(title="Запись под паролем").exists()
    assert "unchanged 5" in run(EXPORT, "--uploads", uploads)  # posts without a password: the same hash

"""Every kind of public page is valid HTML by the Nu Html Checker (vnu.jar, from npm: `make test`
installs it with `npm ci`; it runs on the machine's Java). Skipped only outside CI when Java or
vnu.jar is missing; in CI it always runs."""

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from readership import buffer as views_buffer
from tests.factories import ArticleFactory, PersonFactory, PhotoFactory, PromoBlockFactory, PublisherFactory, country

VNU = Path(__file__).resolve().parent.parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (VNU.exists() and JAVA) and not os.environ.get("CI"),
        reason="needs Java and node_modules/vnu-jar (make test installs it); CI never skips",
    ),
]


def test_public_pages_are_valid_html(client, tmp_path, settings):
    settings.DEBUG = False  # the real 404 page, not Django's debug page
    publisher = PublisherFactory()
    PromoBlockFactory(text="Факты и комментарии")
    person = PersonFactory(name="Айдос Сарсенбаев")
    inline = PhotoFactory(renditions=True, caption="Подпись")
    article = ArticleFactory(
        title="Министр встретился с послом «Азербайджана»",
        lead="Лид — с тире",
        # Everything the editor writes: headings, marks, a quote with its attribution, lists, a
        # link opening a new tab, a library figure and lone links that become embeds.
        body=(
            "<h2>Подзаголовок</h2><p>Текст <strong>жирный</strong>, <em>курсив</em>, <u>подчёркнутый</u>.</p>"
            "<blockquote><p>«Цитата»</p><p><cite>— Айдос Сарсенбаев, министр</cite></p></blockquote>"
            '<ul><li><p>пункт</p></li></ul><ol start="2"><li><p>второй</p></li></ol><hr>'
            '<p><a href="https://gov.kz/" target="_blank" rel="noopener">Сайт</a></p>'
            f'<figure data-photo-id="{inline.pk}"><img src="/x.webp" alt="">'
            "<figcaption>Фото в тексте</figcaption></figure>"
            '<p><a href="https://t.me/dknews_kz/1234">https://t.me/dknews_kz/1234</a></p>'
            "<p>https://www.youtube.com/watch?v=dQw4w9WgXcQ</p><p>https://x.com/akorda_press/status/1851</p>"
            "<table><tbody><tr><th>Год</th></tr><tr><td>2026</td></tr></tbody></table>"
        ),
        source=publisher,
        tags=["Культура"],
    )
    article.photo = PhotoFactory(renditions=True)
    article.save()
    article.people.set([person])
    article.authors.set([person])
    article.countries.set([country("KZ")])
    ArticleFactory(title="Аударма", language="kk", translation_of=article, tags=["Культура"])
    ArticleFactory(title="Похожая", tags=["Культура"])
    # The front page with everything: a main story, a top story, the banner, the most read.
    Article.objects.filter(pk=article.pk).update(
        significant_update_at=article.publish_at,
        importance=Article.Importance.MAIN,
        breaking_until=timezone.now() + dt.timedelta(hours=1),
    )
    top = ArticleFactory(title="Вторая главная", importance=Article.Importance.TOP, photo=PhotoFactory(renditions=True))
    views_buffer.write({article.pk: 5, top.pk: 3})
    pages = {
        "front": "/",
        "front-kk": "/kk/",
        "news-feed": reverse("articles:news"),
        "most-read": reverse("articles:popular"),
        "most-read-week": reverse("articles:popular") + "?period=7d",
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "topic": reverse("articles:tag", args=["kultura"]),
        "person": person.get_absolute_url(),
        "author": reverse("articles:author", args=[person.slug]),
        "country": country("KZ").get_absolute_url(),
        "source": reverse("articles:source", args=[publisher.slug]),
        "search": reverse("articles:search") + "?q=министр",
        "search-empty": reverse("articles:search"),
        "not-found": "/news/no-such-thing/",
    }
    files = []
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    assert "embed-telegram" in (tmp_path / "article.html").read_text()
    assert '<figure class="body-photo">' in (tmp_path / "article.html").read_text()
    assert vnu_errors(files) == []


def vnu_errors(files: list[Path]) -> list[str]:
    """The Nu Html Checker's errors in these HTML files (also used by the browser tests)."""
    result = subprocess.run(
        [JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"]

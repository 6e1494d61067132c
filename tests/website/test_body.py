"""The body as readers get it: library figures, embeds that load nothing until asked, the CSP
widened only where an embed is, and photos that a body shows protected from deletion."""

import re

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from articles.models import ArticleBodyPhoto
from photos.images import rendition_name
from tests.factories import ArticleFactory, PhotoFactory, PublisherFactory, UserFactory
from website.body import embed_for, reading_minutes, render_body

pytestmark = pytest.mark.django_db


def figure(photo_id, caption="") -> str:
    return (
        f'<figure data-photo-id="{photo_id}"><img src="/media/x.jpg" alt=""><figcaption>{caption}</figcaption></figure>'
    )


def test_a_library_figure_becomes_a_responsive_picture_with_caption_and_credit(client):
    PublisherFactory()
    photo = PhotoFactory(caption="Подпись из библиотеки", credit="Фото: Айгуль Сейткали")
    article = ArticleFactory(body=f"<p>До</p>{figure(photo.pk, 'Министр на <strong>форуме</strong>')}<p>После</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    shown = re.search(r'<figure class="body-photo">.*?</figure>', html, re.S).group()
    assert 'type="image/webp"' in shown and f"{rendition_name(photo.image.name, 640)} 640w" in shown
    assert 'width="1200" height="800"' in shown and f'alt="{photo.alt_text}"' in shown and 'loading="lazy"' in shown
    assert "<figcaption>Министр на <strong>форуме</strong> " in shown
    assert '<span class="image-credit">Фото: Айгуль Сейткали</span>' in shown
    assert "/media/x.jpg" not in html  # the editor's preview image is not what readers get


def test_a_figure_without_its_own_caption_shows_the_photos(client):
    photo = PhotoFactory(caption="Подпись из библиотеки")
    rendered = render_body(figure(photo.pk), {photo.pk: photo}).html
    assert "<figcaption>Подпись из библиотеки" in rendered


def test_a_figure_whose_photo_is_gone_is_left_out_and_the_page_renders(client):
    PublisherFactory()
    article = ArticleFactory(body=f"<p>Текст статьи</p>{figure(999_999, 'Пропавшее фото')}")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Текст статьи" in html and "Пропавшее фото" not in html and "body-photo" not in html


def test_an_empty_body_renders_empty_and_a_figure_without_caption_or_credit_has_no_figcaption():
    assert (render_body("", {}).html, render_body("", {}).embeds) == ("", set())
    photo = PhotoFactory(caption="", credit="")
    rendered = render_body(figure(photo.pk), {photo.pk: photo}).html
    assert rendered.startswith('<figure class="body-photo"><picture>') and "figcaption" not in rendered


def test_images_outside_library_figures_never_reach_readers():
    rendered = render_body('<p>Текст <img src="/media/tracker.gif" alt=""></p>', {}).html
    assert rendered == "<p>Текст </p>"


def test_figures_link_their_photos_and_a_photo_in_use_cannot_be_deleted():
    used, unused = PhotoFactory(), PhotoFactory()
    article = ArticleFactory(body=figure(used.pk) + figure(999_999))
    assert list(ArticleBodyPhoto.objects.values_list("photo_id", flat=True)) == [used.pk]
    with pytest.raises(ProtectedError):
        used.delete()
    article.body = figure(unused.pk)
    article.save()
    assert list(ArticleBodyPhoto.objects.values_list("photo_id", flat=True)) == [unused.pk]
    used.delete()  # no longer shown anywhere


def test_the_admin_names_the_articles_that_use_a_photo_it_refuses_to_delete(client):
    client.force_login(UserFactory(username="boss", is_superuser=True))
    photo = PhotoFactory()
    ArticleFactory(title="Статья с фото в тексте", body=figure(photo.pk))
    ArticleFactory(title="Статья с главным фото", photo=photo)
    html = client.get(reverse("admin:photos_photo_delete", args=[photo.pk])).content.decode()
    assert "Статья с фото в тексте" in html and "Статья с главным фото" in html
    change = client.get(reverse("admin:photos_photo_change", args=[photo.pk])).content.decode()
    assert "Статья с фото в тексте" in change and "Статья с главным фото" in change


@pytest.mark.parametrize(
    ("url", "kind", "src"),
    [
        ("https://t.me/dknews_kz/1234", "telegram", "https://t.me/dknews_kz/1234?embed=1"),
        ("https://t.me/s/dknews_kz/1234", "telegram", "https://t.me/dknews_kz/1234?embed=1"),
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "youtube",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtube.com/shorts/dQw4w9WgXcQ", "youtube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        (
            "https://x.com/akorda_press/status/1851",
            "x",
            "https://platform.twitter.com/embed/Tweet.html?id=1851&dnt=true",
        ),
        (
            "https://twitter.com/akorda_press/status/1851",
            "x",
            "https://platform.twitter.com/embed/Tweet.html?id=1851&dnt=true",
        ),
    ],
)
def test_supported_links_become_embeds(url, kind, src):
    embed = embed_for(url)
    assert (embed.kind, embed.src) == (kind, src)


@pytest.mark.parametrize(
    "url",
    [
        "https://t.me/dknews_kz",  # a channel, not a post
        "https://t.me/c/123456/7",  # a private chat
        "https://t.me/+AbCdEf",
        "https://www.youtube.com/watch?v=short",  # not a video id
        "https://www.youtube.com/@dknews",
        "https://x.com/akorda_press",
        "https://example.com/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)",
        "ftp://t.me/a/1",
    ],
)
def test_other_links_stay_plain_links(url):
    assert embed_for(url) is None
    body = f'<p><a href="{url}">{url}</a></p>'
    assert render_body(body, {}).html == body


def test_an_embed_is_a_card_that_loads_nothing_and_widens_the_csp_only_on_its_page(client):
    PublisherFactory()
    with_embed = ArticleFactory(
        body='<p>Смотрите:</p><p><a href="https://t.me/dknews_kz/1234">https://t.me/dknews_kz/1234</a></p>'
        "<p>https://www.youtube.com/watch?v=dQw4w9WgXcQ</p>"
    )
    response = client.get(with_embed.get_absolute_url())
    html = response.content.decode()
    assert html.count('<figure class="embed ') == 2
    assert '<a class="embed-card" href="https://t.me/dknews_kz/1234" rel="noopener" target="_blank">' in html
    assert "<iframe" not in html  # nothing from Telegram or YouTube until the reader asks
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert "js/embeds." in html
    csp = response["Content-Security-Policy"]
    assert "frame-src https://t.me https://www.youtube-nocookie.com" in csp and "frame-ancestors 'none'" in csp

    plain = ArticleFactory(body="<p>Без встраиваний: https://t.me/dknews_kz/1234 в тексте.</p>")
    response = client.get(plain.get_absolute_url())
    assert "frame-src" not in response["Content-Security-Policy"]
    assert "embed-card" not in response.content.decode() and "js/embeds." not in response.content.decode()


def test_reading_time_is_shown_next_to_the_date(client):
    PublisherFactory()
    article = ArticleFactory(body="<p>" + "слово " * 650 + "</p>")
    assert reading_minutes(article.body) == 3
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="reading-time">3 минуты чтения</span>' in html

"""Photo uploads to the library through the admin, with real generated files; renditions; the
lead photo on the article page."""

import datetime as dt
import io
import re
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image, features

from articles.models import Article
from photos.images import rendition_name
from photos.models import Photo
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/photos/photo/add/"


def encoded(image_format, size=(1200, 800), **save_options) -> bytes:
    image = Image.new("RGB", size, (30, 90, 160))
    buffer = io.BytesIO()
    image.save(buffer, image_format, **save_options)
    return buffer.getvalue()


def png_bomb(width=30_000, height=30_000) -> bytes:
    """A real 30,000 x 30,000 grayscale PNG of zeros: about 1 MB on disk, 900 MB decoded."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    compressor, row, parts = zlib.compressobj(9), b"\x00" * (width + 1), []
    for _ in range(height):
        parts.append(compressor.compress(row))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


def jpeg_with_gps_and_rotation() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (43.0, 15.0, 0.0), 3: "E", 4: (76.0, 54.0, 0.0)}
    return encoded("JPEG", size=(1200, 800), exif=exif)


@pytest.fixture
def editor_client(client):
    client.force_login(UserFactory(username="boss", is_superuser=True))
    return client


def upload(client, content: bytes, name: str, **fields):
    data = {
        "alt_text": "Описание фотографии",
        "caption": "Подпись, которую нельзя потерять",
        "credit": "",
        "focal_x": "50",
        "focal_y": "50",
        "image": SimpleUploadedFile(name, content, content_type="image/jpeg"),
    }
    data.update(fields)
    return client.post(ADD_URL, data)


def field_errors(response) -> str:
    return " ".join(str(error) for error in response.context["adminform"].form.errors.get("image", []))


@pytest.mark.parametrize(
    ("image_format", "name"),
    [("JPEG", "photo.jpg"), ("PNG", "photo.png"), ("WEBP", "photo.webp"), ("AVIF", "photo.avif")],
)
def test_accepted_formats_are_stored_under_a_content_name_with_renditions(editor_client, image_format, name):
    if image_format == "AVIF" and not features.check("avif"):
        pytest.skip("this Pillow build has no AVIF support")
    response = upload(editor_client, encoded(image_format), name)
    assert response.status_code == 302, field_errors(response)
    photo = Photo.objects.get()
    assert re.fullmatch(r"photos/\d{4}/\d{2}/[0-9a-f]{20}\.(jpg|png|webp|avif)", photo.image.name)
    assert (photo.width, photo.height) == (1200, 800)
    assert len(photo.sha256) == 64 and photo.uploaded_by.username == "boss"
    for width in (320, 640, 1024, 1200):
        with default_storage.open(rendition_name(photo.image.name, width)) as handle:
            rendition = Image.open(handle)
            assert rendition.format == "WEBP" and rendition.size == (width, round(800 * width / 1200))
    assert not default_storage.exists(rendition_name(photo.image.name, 1600))  # never upscaled


def test_thumbnails_are_3_to_2_crops(editor_client):
    upload(editor_client, encoded("JPEG", size=(1000, 1000)), "square.jpg", focal_y="0")
    photo = Photo.objects.get()
    with default_storage.open(rendition_name(photo.image.name, 320, thumbnail=True)) as handle:
        assert Image.open(handle).size == (320, 213)


def test_location_is_stripped_and_orientation_applied(editor_client):
    response = upload(editor_client, jpeg_with_gps_and_rotation(), "phone.jpg")
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (800, 1200)  # turned upright
    for name in [photo.image.name, rendition_name(photo.image.name, 640)]:
        with default_storage.open(name) as handle:
            exif = Image.open(handle).getexif()
            assert not exif.get_ifd(ExifTags.IFD.GPSInfo) and 0x0112 not in exif, name


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (encoded("GIF", size=(1, 1)), "tiny.jpg", "Это файл GIF"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.jpg",
            "не является изображением",
        ),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "scan.jpg", "не является изображением"),
        (b"<html><body onload=alert(1)></body></html>", "page.jpg", "не является изображением"),
        (encoded("JPEG")[:2000], "truncated.jpg", "повреждён"),
    ],
    ids=["gif-renamed", "svg-with-script", "pdf-renamed", "html", "truncated-jpeg"],
)
def test_refused_files_get_a_clear_error_and_keep_the_form(editor_client, content, name, message):
    response = upload(editor_client, content, name)
    assert response.status_code == 200
    assert message in field_errors(response)
    assert "Подпись, которую нельзя потерять" in response.content.decode()
    assert not Photo.objects.exists()


def test_decompression_bomb_is_refused(editor_client):
    response = upload(editor_client, png_bomb(), "bomb.png")
    assert response.status_code == 200
    assert "не больше 40 мегапикселей" in field_errors(response)
    assert not Photo.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_decoding(editor_client):
    response = upload(editor_client, b"\xff\xd8\xff" + b"\0" * (21 * 1024 * 1024), "huge.jpg")
    assert response.status_code == 200
    assert "ограничение — 20,0\xa0МБ" in field_errors(response)
    assert "Подпись, которую нельзя потерять" in response.content.decode()


def test_a_photo_needs_alt_text(editor_client):
    response = upload(editor_client, encoded("JPEG"), "photo.jpg", alt_text="")
    assert response.status_code == 200
    assert "Обязательное поле" in " ".join(response.context["adminform"].form.errors["alt_text"])
    assert not Photo.objects.exists()


def test_two_uploads_never_overwrite_each_other(editor_client):
    upload(editor_client, encoded("JPEG"), "photo.jpg", caption="Первая")
    upload(editor_client, encoded("JPEG", size=(1200, 801)), "photo.jpg", caption="Вторая")
    first, second = Photo.objects.order_by("pk")
    assert first.image.name != second.image.name


def test_the_same_picture_uploaded_twice_is_found_not_stored_twice(editor_client):
    upload(editor_client, encoded("JPEG"), "photo.jpg", caption="Первая")
    response = upload(editor_client, encoded("JPEG"), "copy-of-photo.jpg", caption="Вторая")
    assert response.status_code == 200
    original = Photo.objects.get()
    assert "Это фото уже есть в библиотеке" in field_errors(response)
    assert f"/admin/photos/photo/{original.pk}/change/" in field_errors(response)


def lead_photo_article(editor_client, **fields) -> Article:
    upload(editor_client, encoded("JPEG"), "photo.jpg", **fields)
    return ArticleFactory(photo=Photo.objects.get(), status=Article.Status.DRAFT)


def test_article_page_serves_renditions_with_dimensions(editor_client, client):
    article = lead_photo_article(editor_client)
    html = editor_client.get(article.get_absolute_url()).content.decode()
    picture = re.search(r"<picture>.*?</picture>", html, re.S).group()
    assert 'type="image/webp"' in picture
    assert rendition_name(article.photo.image.name, 640) in picture and " 640w" in picture
    assert 'width="1200" height="800"' in picture and 'alt="Описание фотографии"' in picture
    assert reverse("admin:index")  # the admin rendered the page for a draft preview


def test_caption_and_credit_reach_the_page_and_json_ld(editor_client):
    import json

    article = lead_photo_article(editor_client, caption="Встреча в министерстве", credit="Фото: пресс-служба")
    html = editor_client.get(article.get_absolute_url()).content.decode()
    assert "<figcaption>Встреча в министерстве" in html and "Фото: пресс-служба" in html
    Article.objects.filter(pk=article.pk).update(status="published", publish_at=article.created_at)
    editor_client.logout()
    html = editor_client.get(article.get_absolute_url()).content.decode()
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert ld["image"][0] | {"url": ""} == {
        "@type": "ImageObject", "url": "", "width": 1200, "height": 800,
        "caption": "Встреча в министерстве", "creditText": "Фото: пресс-служба",
    }  # fmt: skip
    assert '<meta property="og:image:alt" content="Описание фотографии">' in html


def test_an_article_may_caption_a_library_photo_its_own_way(client):
    from tests.factories import PhotoFactory

    photo = PhotoFactory(caption="Подпись в библиотеке")
    own = ArticleFactory(photo=photo, photo_caption="Подпись для этой статьи")
    other = ArticleFactory(photo=photo)
    assert "<figcaption>Подпись для этой статьи" in client.get(own.get_absolute_url()).content.decode()
    assert "<figcaption>Подпись в библиотеке" in client.get(other.get_absolute_url()).content.decode()


def test_the_month_filter_takes_months_in_newsroom_time(client, time_machine):
    from tests.factories import PhotoFactory

    # 23:30 and 00:30 in Almaty across New Year; both are still 31 December in UTC.
    eve = dt.datetime(2026, 12, 31, 18, 30, tzinfo=dt.UTC)
    time_machine.move_to(eve, tick=False)
    old_year = PhotoFactory(caption="Снято в старом году")
    time_machine.move_to(eve + dt.timedelta(hours=1), tick=False)
    new_year = PhotoFactory(caption="Снято в новом году")
    client.force_login(UserFactory(username="boss", is_superuser=True))
    url = reverse("admin:photos_photo_changelist")
    for photo, other in ((old_year, new_year), (new_year, old_year)):
        month = f"{timezone.localtime(photo.created_at):%Y-%m}"
        assert f'href="?month={month}"' in client.get(url).content.decode()
        html = client.get(url, {"month": month}).content.decode()
        assert photo.caption in html and other.caption not in html

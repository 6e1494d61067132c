"""Media on S3-compatible storage, against a real S3 API server (moto's ThreadedMotoServer,
tests/s3server.py): uploads without EXIF under content-hash names, renditions and focal crops
as objects, make_renditions, deletion protection, readers' links at MEDIA_PUBLIC_URL, backups,
the WordPress importer's photos; and the faults: a storage that does not answer or has no such
bucket is a form error, never a 500, readers keep being served, and check --deploy says so.
The default (the local file system, no S3 variable) has its siblings at the end."""

import hashlib
import io
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import httpx
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.models import ProtectedError
from PIL import ExifTags, Image

from newsroom.apps import media_bucket_answers
from newsroom.management.commands.restore import Command as Restore
from photos.images import rendition_name
from photos.models import Photo
from tests.conftest import subprocess_env
from tests.factories import ArticleFactory, PhotoFactory, UserFactory, jpeg
from tests.photos.test_uploads import jpeg_with_gps_and_rotation
from tests.s3server import SECRET_KEY, closed_port_url, s3_environ, use_s3

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
ADD_URL = "/admin/photos/photo/add/"
UPLOAD_URL = "/admin/photos/photo/upload/"
STORAGE_FAILED = "The photo could not be stored: the media storage did not answer. Nothing was saved; try again."
FULL_WIDTHS = (320, 640, 800)  # a 800 x 1200 upright photo: 1024 and 1600 would be upscaled
THUMB_WIDTHS = (320, 640)


@pytest.fixture
def editor_client(client):
    client.force_login(UserFactory(username="boss", is_superuser=True))
    # English messages: the assertions read the English msgids.
    client.cookies["django_language"] = "en"
    return client


def upload(client, content: bytes, url=ADD_URL):
    return client.post(
        url,
        {
            "alt_text": "Министр на пресс-конференции",
            "caption": "Пресс-конференция",
            "credit": "",
            "focal_x": "50",
            "focal_y": "20",
            "image": SimpleUploadedFile("phone.jpg", content, content_type="image/jpeg"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


def image_errors(response) -> str:
    return " ".join(str(error) for error in response.context["adminform"].form.errors.get("image", []))


def stored_photo(client) -> Photo:
    response = upload(client, jpeg_with_gps_and_rotation())
    assert response.status_code == 302, image_errors(response)
    return Photo.objects.get()


# -- On S3, everything works as it does on the disk ------------------------------------------------


def test_an_upload_is_stored_in_the_bucket_without_location_under_its_content_hash(editor_client, s3_bucket):
    photo = stored_photo(editor_client)

    assert re.fullmatch(r"photos/\d{4}/\d{2}/[0-9a-f]{20}\.jpg", photo.image.name)
    stored = s3_bucket.read(photo.image.name)
    assert hashlib.sha256(stored).hexdigest() == photo.sha256
    assert photo.image.name.rsplit("/", 1)[1] == f"{photo.sha256[:20]}.jpg"
    exif = Image.open(io.BytesIO(stored)).getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo) and 0x0112 not in exif
    assert Image.open(io.BytesIO(stored)).size == (800, 1200) == (photo.width, photo.height)


def test_renditions_and_focal_crops_are_objects_in_the_bucket(editor_client, s3_bucket):
    photo = stored_photo(editor_client)

    keys = s3_bucket.keys()
    for width in FULL_WIDTHS:
        rendition = Image.open(io.BytesIO(s3_bucket.read(rendition_name(photo.image.name, width))))
        assert rendition.format == "WEBP" and rendition.size == (width, width * 3 // 2)
    for width in THUMB_WIDTHS:
        thumbnail = Image.open(io.BytesIO(s3_bucket.read(rendition_name(photo.image.name, width, thumbnail=True))))
        assert thumbnail.width == width and abs(width / thumbnail.height - 1.5) < 0.01  # 3:2 focal crops
    assert rendition_name(photo.image.name, 1024) not in keys  # never upscaled
    assert keys == {
        photo.image.name,
        *(rendition_name(photo.image.name, width) for width in FULL_WIDTHS),
        *(rendition_name(photo.image.name, width, thumbnail=True) for width in THUMB_WIDTHS),
    }


def test_the_editors_upload_dialog_stores_on_s3(editor_client, s3_bucket):
    response = upload(editor_client, jpeg(1000, 600), url=UPLOAD_URL)
    assert response.status_code == 201
    photo = Photo.objects.get()
    assert response.json()["photo"]["thumb"].startswith(s3_bucket.public_url)
    assert photo.image.name in s3_bucket.keys()


def test_make_renditions_missing_writes_only_what_the_bucket_lacks(s3_bucket):
    whole = PhotoFactory(image=ContentFile(jpeg(900, 600), name="whole.jpg"), renditions=True)
    bare = PhotoFactory(image=ContentFile(jpeg(900, 600, "teal"), name="bare.jpg"))
    assert rendition_name(bare.image.name, 320) not in s3_bucket.keys()

    out = io.StringIO()
    call_command("make_renditions", "--missing", stdout=out)

    assert "written for 1 photos" in out.getvalue()
    keys = s3_bucket.keys()
    for photo in (whole, bare):
        assert {rendition_name(photo.image.name, 320), rendition_name(photo.image.name, 900)} <= keys
        assert rendition_name(photo.image.name, 640, thumbnail=True) in keys


def test_make_renditions_says_when_the_storage_does_not_answer(s3_bucket, settings):
    PhotoFactory(renditions=True)
    use_s3(settings, s3_environ(closed_port_url(), s3_bucket.name))
    with pytest.raises(Exception, match="The media storage did not answer") as raised:
        call_command("make_renditions", "--missing")
    assert type(raised.value).__name__ == "CommandError"


def test_a_photo_in_use_cannot_be_deleted_and_its_objects_stay(editor_client, s3_bucket):
    photo = stored_photo(editor_client)
    ArticleFactory(photo=photo)
    before = s3_bucket.keys()

    response = editor_client.post(f"/admin/photos/photo/{photo.pk}/delete/", {"post": "yes"})

    assert response.status_code == 200  # the page lists the article that protects it
    assert Photo.objects.filter(pk=photo.pk).exists()
    with pytest.raises(ProtectedError):
        photo.delete()
    assert s3_bucket.keys() == before


def picture_urls(html: str) -> list[str]:
    urls = re.findall(r'<img[^>]* src="([^"]+)"', html)
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        urls += [candidate.split()[0] for candidate in srcset.split(",")]
    return [url.replace("&amp;", "&") for url in urls]


def test_readers_pages_link_photos_at_the_public_address_which_serves_them(client, editor_client, s3_bucket):
    article = ArticleFactory(photo=stored_photo(editor_client))

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    photo_urls = [url for url in picture_urls(response.content.decode()) if "/photos/" in url]
    assert photo_urls
    # Plain public addresses at MEDIA_PUBLIC_URL: no signature, nothing served by the application.
    assert all(url.startswith(s3_bucket.public_url) and "?" not in url for url in photo_urls), photo_urls
    for url in photo_urls:
        answer = httpx.get(url)  # what a reader's browser does, with no credentials
        assert answer.status_code == 200 and Image.open(io.BytesIO(answer.content)).width > 0
    # (The CSP's img-src names the public origin: settings.py, tested in a process below.)


def test_the_backup_holds_the_buckets_media(s3_bucket, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the backup command is for the SQLite setup")
    photo = PhotoFactory(renditions=True)
    archive = tmp_path / "backup.tar.gz"

    call_command("backup", "--output", str(archive), stdout=io.StringIO())

    with tarfile.open(archive) as tar:
        names = {name.removeprefix("media/") for name in tar.getnames() if name.startswith("media/")}
        assert names == s3_bucket.keys()
        assert tar.extractfile(f"media/{photo.image.name}").read() == s3_bucket.read(photo.image.name)


def test_restoring_media_makes_the_bucket_hold_exactly_the_backup(s3_bucket, tmp_path):
    photo = PhotoFactory(renditions=True)
    backed_up = {key: s3_bucket.read(key) for key in s3_bucket.keys()}
    restored = tmp_path / "media"
    for key, content in backed_up.items():
        (restored / key).parent.mkdir(parents=True, exist_ok=True)
        (restored / key).write_bytes(content)
    default_storage.delete(rendition_name(photo.image.name, 320))
    PhotoFactory(image=ContentFile(jpeg(300, 200, "red"), name="later.jpg"))  # not in the backup

    Restore().restore_media(restored)

    assert {key: s3_bucket.read(key) for key in s3_bucket.keys()} == backed_up


def test_the_wordpress_importers_photos_land_in_the_bucket(s3_bucket, tmp_path):
    from tests.moving.test_import_wordpress import EXPORT

    uploads = tmp_path / "uploads" / "2013" / "01"
    uploads.mkdir(parents=True)
    (uploads / "natsbank.jpg").write_bytes(jpeg(800, 500, "teal"))

    call_command(
        "import_wordpress", str(EXPORT), "--uploads", str(tmp_path / "uploads"), "--no-progress", stdout=io.StringIO()
    )

    photo = Photo.objects.get()
    assert photo.image.url.startswith(s3_bucket.public_url)
    assert {photo.image.name, rendition_name(photo.image.name, 320)} <= s3_bucket.keys()


# -- Faults: the storage does not answer, or has no such bucket ---------------------------------


@pytest.fixture
def unreachable_storage(s3_bucket, settings):
    use_s3(settings, s3_environ(closed_port_url(), s3_bucket.name))


@pytest.fixture
def missing_bucket(s3_server, settings):
    use_s3(settings, s3_environ(s3_server, "no-such-bucket-here"))


@pytest.mark.parametrize("fault", ["unreachable_storage", "missing_bucket"])
def test_an_upload_the_storage_does_not_take_is_a_form_error_and_nothing_is_saved(editor_client, fault, request):
    request.getfixturevalue(fault)

    response = upload(editor_client, jpeg_with_gps_and_rotation())

    assert response.status_code == 200
    assert image_errors(response) == STORAGE_FAILED
    assert response.context["adminform"].form.data["caption"] == "Пресс-конференция"  # what was typed is kept
    assert not Photo.objects.exists()


@pytest.mark.parametrize("fault", ["unreachable_storage", "missing_bucket"])
def test_the_editors_upload_dialog_says_the_storage_did_not_answer(editor_client, fault, request):
    request.getfixturevalue(fault)

    response = upload(editor_client, jpeg(), url=UPLOAD_URL)

    assert response.status_code == 503
    assert response.json() == {"errors": {"image": [{"message": STORAGE_FAILED, "code": "storage"}]}}
    assert not Photo.objects.exists()


def test_a_persons_photo_the_storage_does_not_take_is_a_form_error(editor_client, unreachable_storage):
    from articles.models import Person

    page = editor_client.get("/admin/articles/person/add/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value is not None}
    data.update(name="Аида Балаева", slug="aida-balaeva", position="министр культуры и информации")
    data["photo"] = SimpleUploadedFile("aida.jpg", jpeg(300, 400), content_type="image/jpeg")

    response = editor_client.post("/admin/articles/person/add/", data)

    assert response.status_code == 200
    assert [str(error) for error in response.context["adminform"].form.errors["photo"]] == [STORAGE_FAILED]
    assert not Person.objects.filter(slug="aida-balaeva").exists()


def test_readers_pages_keep_serving_when_the_storage_does_not_answer(client, editor_client, s3_bucket, settings):
    article = ArticleFactory(photo=stored_photo(editor_client))
    use_s3(settings, s3_environ(closed_port_url(), s3_bucket.name, public_url=s3_bucket.public_url))

    response = client.get(article.get_absolute_url())
    front = client.get("/")

    assert response.status_code == 200 and front.status_code == 200
    assert any(url.startswith(s3_bucket.public_url) for url in picture_urls(response.content.decode()))


def test_check_deploy_accepts_a_bucket_that_answers(s3_bucket):
    assert media_bucket_answers(None) == []


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ("missing_bucket", "The bucket 'no-such-bucket-here' does not exist at http://127.0.0.1:"),
        ("unreachable_storage", "The media storage at http://127.0.0.1:"),
    ],
)
def test_check_deploy_reports_a_wrong_bucket_or_a_silent_storage_without_the_secret(fault, says, request):
    request.getfixturevalue(fault)

    [error] = media_bucket_answers(None)

    assert error.id == "newsroom.E001" and error.msg.startswith(says)
    assert SECRET_KEY not in f"{error.msg} {error.hint}"


def test_check_deploy_reports_refused_keys(s3_bucket, settings, monkeypatch):
    """moto checks keys once told to (its INITIAL_NO_AUTH_ACTION_COUNT); these are unknown to it."""
    import moto.settings

    monkeypatch.setattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)
    [error] = media_bucket_answers(None)
    assert "refused these keys" in error.msg and SECRET_KEY not in error.msg


def test_manage_py_check_deploy_reports_a_missing_bucket(s3_server, tmp_path):
    env = subprocess_env(
        **s3_environ(s3_server, "no-such-bucket-here"), DEBUG="1", NEWSROOM_VAR_DIR=str(tmp_path), DATABASE_URL=""
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "files"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "newsroom.E001" in result.stderr and "'no-such-bucket-here' does not exist" in result.stderr
    assert SECRET_KEY not in result.stdout + result.stderr


# -- The default: the local file system, no S3 variable -----------------------------------------


def settings_in_a_process(tmp_path, **env) -> list[str]:
    code = (
        "from django.conf import settings as s; print(s.STORAGES['default']['BACKEND']); print(s.MEDIA_URL); "
        "print(s.SECURE_CSP['img-src'][-1])"
    )
    blank = dict.fromkeys(s3_environ("", ""), "")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env=subprocess_env(**{**blank, **env, "DEBUG": "1", "NEWSROOM_VAR_DIR": str(tmp_path), "DATABASE_URL": ""}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return [result.returncode, *result.stdout.split(), result.stderr.strip().splitlines()[-1:]]


def test_without_s3_variables_media_stay_on_the_local_disk(tmp_path):
    assert settings_in_a_process(tmp_path)[:4] == [0, "django.core.files.storage.FileSystemStorage", "/media/", "data:"]


def test_with_s3_variables_media_go_to_the_bucket_and_are_linked_at_the_public_address(tmp_path):
    environ = s3_environ("http://127.0.0.1:9", "news-media", public_url="https://media.dknews.kz")
    assert settings_in_a_process(tmp_path, **environ)[:4] == [
        0,
        "storages.backends.s3.S3Storage",
        "https://media.dknews.kz/",
        "https://media.dknews.kz",
    ]


def test_s3_without_a_bucket_refuses_to_start(tmp_path):
    returncode, *_, last = settings_in_a_process(tmp_path, MEDIA_STORAGE_BACKEND="storages.backends.s3.S3Storage")
    assert returncode == 1
    assert "AWS_STORAGE_BUCKET_NAME and MEDIA_PUBLIC_URL is not set" in last[0]


def test_on_the_local_disk_an_upload_is_linked_under_media(editor_client, client):
    article = ArticleFactory(photo=stored_photo(editor_client))
    html = client.get(article.get_absolute_url()).content.decode()
    photo_urls = [url for url in picture_urls(html) if "/photos/" in url]
    assert photo_urls and all(url.startswith("/media/") for url in photo_urls)

"""Migration 0013 moves every article's lead image into the photo library: no file lost, none
copied; shared files become one photo; it runs backwards too."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.factories import jpeg
from tests.migrating import latest, migrate

BEFORE = [("articles", "0012_photo_library_roles"), ("photos", "0001_initial")]
AFTER = [("articles", "0013_lead_images_to_photo_library")]


def media_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.mark.django_db(transaction=True)
def test_lead_images_become_library_photos_without_copying_a_file(settings):
    old = migrate(BEFORE)
    Article = old.get_model("articles", "Article")
    shared = default_storage.save("articles/2026/11/shared.jpg", ContentFile(jpeg()))
    alone = default_storage.save("articles/2026/11/alone.jpg", ContentFile(jpeg(color="teal")))
    common = {"status": "draft", "language": "ru", "version": 1, "image_width": 1200, "image_height": 800}
    first = Article.objects.create(
        title="Первая", slug="pervaya", image=shared, image_alt="Министр", image_caption="Встреча",
        image_credit="Фото: пресс-служба", image_focal_x=30, **common,
    )  # fmt: skip
    second = Article.objects.create(
        title="Вторая", slug="vtoraya", image=shared, image_alt="Министр", image_caption="Другая подпись", **common
    )
    third = Article.objects.create(title="Третья", slug="tretya", image=alone, image_alt="Завод", **common)
    missing = Article.objects.create(
        title="Без файла", slug="bez-fayla", image="articles/2020/01/gone.jpg", image_alt="Нет", **common
    )
    without = Article.objects.create(title="Без фото", slug="bez-foto", **common)
    files_before = media_files(settings.MEDIA_ROOT)

    new = migrate(AFTER)
    Article, Photo = new.get_model("articles", "Article"), new.get_model("photos", "Photo")
    assert Photo.objects.count() == 3  # the shared file is one photo
    first, second, third, missing, without = (
        Article.objects.get(pk=a.pk) for a in (first, second, third, missing, without)
    )
    assert first.photo_id == second.photo_id != third.photo_id
    photo = Photo.objects.get(pk=first.photo_id)
    assert (photo.image.name, photo.alt_text, photo.caption, photo.credit, photo.focal_x) == (
        shared, "Министр", "Встреча", "Фото: пресс-служба", 30,
    )  # fmt: skip
    assert len(photo.sha256) == 64 and (photo.width, photo.height) == (1200, 800)
    assert (first.photo_caption, second.photo_caption) == ("", "Другая подпись")  # nothing said is lost
    assert Photo.objects.get(pk=missing.photo_id).sha256 == ""  # a missing file is kept as it was named
    assert without.photo_id is None
    assert media_files(settings.MEDIA_ROOT) == files_before  # no file copied, moved or deleted

    old = migrate(BEFORE)  # and back
    Article = old.get_model("articles", "Article")
    second = Article.objects.get(pk=second.pk)
    assert (second.image.name, second.image_caption, second.image_alt) == (shared, "Другая подпись", "Министр")
    assert old.get_model("photos", "Photo").objects.count() == 0
    assert media_files(settings.MEDIA_ROOT) == files_before
    migrate(latest())

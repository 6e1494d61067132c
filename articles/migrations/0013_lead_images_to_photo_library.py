"""Every article's lead image becomes a photo in the library (``Article.photo``).

No file is copied or moved: the Photo points at the file the article pointed at, so its
renditions stay where they are. Articles that share a file share one Photo; where their
captions differ, the later ones keep theirs as ``photo_caption``. Reversible: going back copies
each article's photo onto its image fields again (the Photo rows are then deleted, their files
are not).
"""

import hashlib

from django.db import migrations


def file_hash(storage, name: str) -> str:
    """The SHA-256 of the stored file, or "" when the file is missing (a database copied without
    its media keeps its rows; the duplicate check simply does not know these bytes)."""
    try:
        with storage.open(name, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return ""


def to_photos(apps, schema_editor):
    db = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    Photo = apps.get_model("photos", "Photo")
    storage = Photo._meta.get_field("image").storage
    photos = {}  # file name -> Photo
    rows = (
        Article.objects.using(db)
        .exclude(image="")
        .order_by("pk")
        # Plain values: an Article instance with an image would open the file to read its size.
        .values_list(
            "pk",
            "image",
            "image_alt",
            "image_caption",
            "image_credit",
            "image_focal_x",
            "image_focal_y",
            "image_width",
            "image_height",
            "created_by_id",
            "created_at",
        )  # fmt: skip
    )
    for pk, name, alt, caption, credit, focal_x, focal_y, width, height, created_by, created_at in rows.iterator():
        photo = photos.get(name)
        if photo is None:
            digest = file_hash(storage, name)
            photo = Photo.objects.using(db).filter(image=name).only("pk", "caption").first() or (
                digest and Photo.objects.using(db).filter(sha256=digest).only("pk", "caption").first()
            )
        if not photo:
            # The file name is written with update(): an instance holding it would open the file
            # to read its size, and a database copied without its media has no file to open.
            photo = Photo(
                alt_text=alt or caption or "", caption=caption, credit=credit, focal_x=focal_x, focal_y=focal_y,
                width=width, height=height, sha256=digest, uploaded_by_id=created_by,
            )  # fmt: skip
            photo.save(using=db)
            Photo.objects.using(db).filter(pk=photo.pk).update(image=name, created_at=created_at)
        photos[name] = photo
        own_caption = caption if caption and caption != photo.caption else ""
        Article.objects.using(db).filter(pk=pk).update(photo=photo, photo_caption=own_caption)


def to_image_fields(apps, schema_editor):
    db = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    Photo = apps.get_model("photos", "Photo")
    rows = Article.objects.using(db).exclude(photo=None).values_list("pk", "photo_id", "photo_caption")
    for pk, photo_id, photo_caption in rows.iterator():
        name, alt, caption, credit, focal_x, focal_y, width, height = (
            Photo.objects.using(db)
            .filter(pk=photo_id)
            .values_list("image", "alt_text", "caption", "credit", "focal_x", "focal_y", "width", "height")
            .get()
        )
        Article.objects.using(db).filter(pk=pk).update(
            image=name, image_alt=alt, image_caption=photo_caption or caption, image_credit=credit,
            image_focal_x=focal_x, image_focal_y=focal_y, image_width=width, image_height=height, photo=None,
        )  # fmt: skip
    Photo.objects.using(db).all().delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_photo_library_roles")]

    operations = [migrations.RunPython(to_photos, to_image_fields)]

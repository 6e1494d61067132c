"""Writes to the photo library: saving an upload (once per picture) and its renditions."""

import hashlib

from django.db import transaction

from newsroom.media import StorageUnavailable, storage_errors
from photos.images import make_renditions
from photos.models import Photo


def content_hash(file) -> str:
    """The SHA-256 of an uploaded (already cleaned) file, read from its start."""
    file.seek(0)
    digest = hashlib.sha256(file.read()).hexdigest()
    file.seek(0)
    return digest


def photo_duplicate(file) -> Photo | None:
    """The library's photo with exactly these bytes, if there is one."""
    return Photo.objects.filter(sha256=content_hash(file)).first()


def photo_make_renditions(*, photo: Photo) -> list[str]:
    """Write the photo's WebP renditions (after an upload or a new focal point)."""
    if not photo.image:
        return []
    return make_renditions(photo.image.name, focal_x=photo.focal_x, focal_y=photo.focal_y)


def photo_save(*, photo: Photo, by, changed: set[str]) -> Photo:
    """Save ``photo`` (an upload or an edit). ``changed`` names the fields the user changed; a
    new file or focal point writes the renditions (in the request: a few hundred milliseconds
    for a large photo, and the page that shows it next finds them).

    Raises ``StorageUnavailable`` when the media storage does not answer or refuses; the row is
    then not saved (one transaction with the file writes)."""
    if "image" in changed and photo.image:
        photo.sha256 = content_hash(photo.image.file)
    if photo.pk is None:
        photo.uploaded_by = by
    try:
        with transaction.atomic():
            photo.save()
            if changed & {"image", "focal_x", "focal_y"}:
                photo_make_renditions(photo=photo)
    except storage_errors() as error:
        raise StorageUnavailable from error
    return photo

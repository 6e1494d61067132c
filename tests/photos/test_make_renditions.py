import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from photos.images import rendition_name
from photos.models import Photo
from tests.factories import PhotoFactory

pytestmark = pytest.mark.django_db


def jpeg(width=800, height=600) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, "JPEG")
    return buffer.getvalue()


def test_make_renditions_backfills_and_skips_missing_originals():
    present = PhotoFactory(image=ContentFile(jpeg(), name="present.jpg"))
    gone = PhotoFactory(image=ContentFile(jpeg(), name="gone.jpg"))
    default_storage.delete(gone.image.name)  # the database outlived its media files
    Photo.objects.filter(pk=gone.pk).update(width=None, height=None)  # and knows no size
    out, err = io.StringIO(), io.StringIO()
    call_command("make_renditions", "--missing", stdout=out, stderr=err)
    assert "written for 1 photos" in out.getvalue()
    assert f"Skipped photo {gone.pk}" in err.getvalue()
    present = Photo.objects.get(pk=present.pk)
    assert default_storage.exists(rendition_name(present.image.name, 320))
    assert default_storage.exists(rendition_name(present.image.name, 800))

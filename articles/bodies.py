"""What an article body holds that the model keeps track of: the library photos its figures
show (``Article.save`` links them, so a photo in use cannot be deleted)."""

import re

_PHOTO_ID = re.compile(r'<figure data-photo-id="(\d+)"')


def body_photo_ids(body: str) -> list[int]:
    """The library photos the body's figures show, in order."""
    return [int(pk) for pk in _PHOTO_ID.findall(body)]

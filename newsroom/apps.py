from django.apps import AppConfig
from django.db.backends.signals import connection_created


class NewsroomConfig(AppConfig):
    """The project package as an app: project-wide templates, static files and database tweaks."""

    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from django.conf import settings
        from PIL import Image

        from newsroom.db import sqlite_unicode_case_folding

        # Pillow refuses to open images over twice this many pixels (decompression bombs).
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS

        connection_created.connect(sqlite_unicode_case_folding, dispatch_uid="newsroom.sqlite_unicode_case_folding")

"""Restore a backup made by ``manage.py backup``: the SQLite database and the media files."""

import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Replace the local SQLite database and media files with those in a backup archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a newsroom-<time>.tar.gz written by manage.py backup")

    def handle(self, *args, archive, **options):
        if connection.vendor != "sqlite":
            raise CommandError("This restores the local SQLite setup. For PostgreSQL use pg_restore (docs/deploy.md).")
        archive = Path(archive)
        if not archive.is_file():
            raise CommandError(f"No such backup: {archive}")
        with tempfile.TemporaryDirectory() as scratch, tarfile.open(archive, "r:gz") as tar:
            tar.extractall(scratch, filter="data")  # refuses absolute paths, links out, devices
            database = Path(scratch) / "db.sqlite3"
            if not database.is_file():
                raise CommandError(f"{archive} holds no db.sqlite3: not a newsroom backup.")
            connection.close()
            shutil.copyfile(database, settings.DATABASES["default"]["NAME"])
            media, restored = Path(settings.MEDIA_ROOT), Path(scratch) / "media"
            if media.exists():
                shutil.rmtree(media)
            if restored.exists():
                shutil.copytree(restored, media)
        self.stdout.write(self.style.SUCCESS(f"Restored {archive}"))

"""Restore a backup made by ``manage.py backup``: the SQLite database and the media files,
written through the storage API (the media folder, or the S3 bucket when media live there)."""

import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from newsroom.media import describe, storage_errors, stored_files


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
            try:
                self.restore_media(Path(scratch) / "media")
            except storage_errors() as error:
                raise CommandError(
                    f"The database is restored, but the media storage did not answer ({describe(error)}): "
                    "run the restore again."
                ) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {archive}"))

    def restore_media(self, restored: Path) -> None:
        """Make the storage hold exactly the archived media: files the backup does not have are
        deleted, the archived ones written under their own names."""
        archived = {
            path.relative_to(restored).as_posix(): path for path in sorted(restored.rglob("*")) if path.is_file()
        }
        for name in list(stored_files(default_storage)):
            if name not in archived:
                default_storage.delete(name)
        for name, path in archived.items():
            if default_storage.exists(name):
                default_storage.delete(name)  # the same name again, not a suffixed copy
            with path.open("rb") as handle:
                default_storage.save(name, File(handle))

"""Back up the local installation: the SQLite database (a consistent copy) and the media files,
read through the storage API (the media folder, or the S3 bucket when media live there).

PostgreSQL installations use pg_dump instead (docs/deploy.md): this command says so.
"""

import sqlite3
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from newsroom.media import describe, storage_errors, stored_files


class Command(BaseCommand):
    help = "Write var/backups/newsroom-<time>.tar.gz with the SQLite database and the media files."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default: var/backups/newsroom-<time>.tar.gz)")

    def handle(self, *args, output=None, **options):
        if connection.vendor != "sqlite":
            raise CommandError("This backs up the local SQLite setup. For PostgreSQL use pg_dump (docs/deploy.md).")
        target = Path(output or settings.VAR_DIR / "backups" / f"newsroom-{timezone.now():%Y%m%d-%H%M%S}.tar.gz")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        try:
            with tempfile.TemporaryDirectory() as scratch, tarfile.open(partial, "w:gz") as archive:
                copy = Path(scratch) / "db.sqlite3"
                # SQLite's online backup: a consistent copy even while the site writes.
                source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
                destination = sqlite3.connect(copy)
                with destination:
                    source.backup(destination)
                source.close()
                destination.close()
                archive.add(copy, arcname="db.sqlite3")
                try:
                    self.add_media(archive)
                except storage_errors() as error:
                    raise CommandError(
                        f"The media storage did not answer ({describe(error)}): no backup written."
                    ) from None
            partial.replace(target)  # a backup is there whole, or not at all
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(self.style.SUCCESS(f"Backup written: {target}"))

    def add_media(self, archive: tarfile.TarFile) -> None:
        """Each media file as ``media/<name>``, read through the storage (``stored_files``)."""
        now = timezone.now().timestamp()
        for name in stored_files(default_storage):
            with default_storage.open(name, "rb") as handle:
                member = tarfile.TarInfo(f"media/{name}")
                member.size, member.mtime = handle.size, now
                archive.addfile(member, handle)

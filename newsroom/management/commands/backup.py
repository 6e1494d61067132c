"""Back up the local installation: the SQLite database (a consistent copy) and the media files.

PostgreSQL installations use pg_dump instead (docs/deploy.md): this command says so.
"""

import sqlite3
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


class Command(BaseCommand):
    help = "Write var/backups/newsroom-<time>.tar.gz with the SQLite database and the media files."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default: var/backups/newsroom-<time>.tar.gz)")

    def handle(self, *args, output=None, **options):
        if connection.vendor != "sqlite":
            raise CommandError("This backs up the local SQLite setup. For PostgreSQL use pg_dump (docs/deploy.md).")
        target = Path(output or settings.VAR_DIR / "backups" / f"newsroom-{timezone.now():%Y%m%d-%H%M%S}.tar.gz")
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "db.sqlite3"
            # SQLite's online backup: a consistent copy even while the site writes.
            source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
            destination = sqlite3.connect(copy)
            with destination:
                source.backup(destination)
            source.close()
            destination.close()
            with tarfile.open(target, "w:gz") as archive:
                archive.add(copy, arcname="db.sqlite3")
                media = Path(settings.MEDIA_ROOT)
                if media.exists():
                    archive.add(media, arcname="media")
        self.stdout.write(self.style.SUCCESS(f"Backup written: {target}"))

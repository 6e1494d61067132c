"""python manage.py import_wordpress FILE.xml [--uploads DIR] [--section-map FILE] [--language ru] [--dry-run]"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from moving.importer import WordPressImport


class ProgressFile:
    """The export file, telling a progress bar how far it has been read."""

    def __init__(self, file, bar):
        self.file, self.bar = file, bar

    def read(self, size=-1):
        data = self.file.read(size)
        self.bar.update(len(data))
        return data


class Command(BaseCommand):
    help = "Import a WordPress export (WXR): posts become articles, old addresses redirect to them."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the export, from WordPress's Tools → Export")
        parser.add_argument("--uploads", type=Path, help="a copy of wp-content/uploads, for the images")
        parser.add_argument("--section-map", type=Path, help='a JSON file {"category-slug": "section-slug", ...}')
        parser.add_argument("--language", default="ru", choices=["ru", "kk", "en"], help="the posts' language")
        parser.add_argument("--dry-run", action="store_true", help="print the report, write nothing")
        parser.add_argument(
            "--fetch-media", action="store_true", help="fetch images not found under --uploads from their addresses"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file, uploads, section_map, language, dry_run, fetch_media, no_progress, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        if uploads is not None and not uploads.is_dir():
            raise CommandError(f"--uploads {uploads}: no such folder")
        mapping = {}
        if section_map is not None:
            try:
                mapping = json.loads(section_map.read_text())
            except (OSError, ValueError) as error:
                raise CommandError(f"--section-map {section_map}: not a JSON object ({error})") from error
            if not isinstance(mapping, dict):
                raise CommandError(f"--section-map {section_map}: not a JSON object")
        job = WordPressImport(
            file, uploads=uploads, section_map=mapping, language=language, dry_run=dry_run, fetch_media=fetch_media
        )
        bar = tqdm(total=file.stat().st_size, unit="B", unit_scale=True, disable=no_progress, desc="import")

        def progress(f):
            return ProgressFile(f, bar)

        report = job.run(progress=progress)
        bar.close()
        if dry_run:
            self.stdout.write("DRY RUN: nothing was written.")
        self.stdout.write(report.text())
        if report.imported == 0:
            raise CommandError("nothing could be imported")

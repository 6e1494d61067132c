"""python manage.py import_feed URL_OR_FILE [--source AGENCY] [--language ru] [--dry-run]"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from agencies.models import Agency
from moving.feeds import FeedImport


class Command(BaseCommand):
    help = "Import an RSS 2.0 or Atom feed: each entry becomes a published article (again: updated, not doubled)."

    def add_arguments(self, parser):
        parser.add_argument("feed", help="the feed's address or a file")
        parser.add_argument("--source", help="the agency the articles credit: its slug, short name or domain")
        parser.add_argument("--language", default="ru", choices=["ru", "kk", "en"])
        parser.add_argument("--dry-run", action="store_true", help="print the report, write nothing")

    def handle(self, *args, feed, source, language, dry_run, **options):
        agency = None
        if source:
            agency = Agency.objects.filter(Q(slug=source) | Q(short_name=source) | Q(domain__iexact=source)).first()
            if agency is None:
                raise CommandError(f"--source {source}: no such agency (give its slug, short name or domain)")
        report = FeedImport(feed, agency=agency, language=language, dry_run=dry_run).run()
        if dry_run:
            self.stdout.write("DRY RUN: nothing was written.")
        lines = report.text().splitlines()
        keep = ("items read", "  posts", "old addresses", "ERROR", "problems", "    ", "  entry", "  the feed")
        self.stdout.write("\n".join(line for line in lines if line.startswith(keep)))
        if report.imported == 0:
            raise CommandError("nothing could be imported")

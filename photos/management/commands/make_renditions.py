"""Write the WebP renditions of the library's photos (for photos stored before renditions
existed, or after changing the widths). Renditions are otherwise made on upload."""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from newsroom.media import describe, storage_errors
from photos.images import make_renditions, rendition_name, rendition_widths
from photos.models import Photo


class Command(BaseCommand):
    help = "Make the WebP renditions of the library's photos (all, or only the missing ones)."

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="only photos whose renditions are missing")

    def handle(self, *args, missing, **options):
        # Plain values, not model instances: loading a Photo whose dimensions are unknown would
        # open its image file, and that file may be the very thing that is missing.
        rows = Photo.objects.values_list("pk", "image", "width", "focal_x", "focal_y")
        try:
            made = self.make(rows, missing=missing)
        except storage_errors() as error:
            # Not one photo's problem: the storage itself (S3 unreachable, wrong keys).
            raise CommandError(f"The media storage did not answer ({describe(error)}); run this again.") from None
        self.stdout.write(self.style.SUCCESS(f"Renditions written for {made} photos."))

    def make(self, rows, *, missing: bool) -> int:
        made = 0
        for pk, name, width, focal_x, focal_y in rows.iterator():
            widths = rendition_widths(width)
            if missing and widths and default_storage.exists(rendition_name(name, widths[0])):
                continue
            try:
                make_renditions(name, focal_x=focal_x, focal_y=focal_y)
            except OSError as error:
                # The database names a file the storage does not have (e.g. a database copied
                # without its media): report it and carry on with the others.
                self.stderr.write(self.style.WARNING(f"Skipped photo {pk}: {name}: {error}"))
                continue
            made += 1
        return made

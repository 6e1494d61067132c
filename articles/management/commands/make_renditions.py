"""Write the WebP renditions of article lead images (for images stored before renditions
existed, or after changing the widths). Renditions are otherwise made on upload."""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from articles.models import Article
from articles.services import article_make_renditions
from newsroom.images import rendition_name, rendition_widths


class Command(BaseCommand):
    help = "Make the WebP renditions of article lead images (all, or only the missing ones)."

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="only images whose renditions are missing")

    def handle(self, *args, missing, **options):
        made = 0
        fields = ["image", "image_width", "image_height", "image_focal_x", "image_focal_y"]
        for article in Article.objects.exclude(image="").only(*fields):
            widths = rendition_widths(article.image_width)
            if missing and widths and default_storage.exists(rendition_name(article.image.name, widths[0])):
                continue
            try:
                article_make_renditions(article=article)
            except OSError as error:
                # The database names a file the storage does not have (e.g. a database copied
                # without its media): report it and carry on with the others.
                self.stderr.write(self.style.WARNING(f"Skipped article {article.pk}: {article.image.name}: {error}"))
                continue
            made += 1
        self.stdout.write(self.style.SUCCESS(f"Renditions written for {made} images."))

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.content import export_content


class Command(BaseCommand):
    help = "Skriver innholdet i databasen tilbake til content/ (samme format som importen leser)."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(settings.CONTENT_DIR))

    def handle(self, *args, directory, **options):
        written = export_content(Path(directory))
        self.stdout.write(self.style.SUCCESS(f"Skrev {len(written)} filer til {directory}"))

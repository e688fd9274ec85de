from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.content import ContentError, import_content


class Command(BaseCommand):
    help = (
        "Leser veiledertekstene i content/ inn i databasen og publiserer dem (content/ er "
        "gjennomgått i git), eller lager utkast med --as-draft. Endringer gjort i admin "
        "beholdes med mindre --overwrite er gitt."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(settings.CONTENT_DIR))
        parser.add_argument("--dry-run", action="store_true", help="Vis hva som ville skjedd.")
        parser.add_argument(
            "--overwrite", action="store_true", help="Erstatt også det som er endret i admin."
        )
        parser.add_argument(
            "--as-draft",
            action="store_true",
            help="Lag utkast (utgaver) i stedet for å publisere; en publisist publiserer dem.",
        )
        parser.add_argument(
            "--prune", action="store_true", help="Slett det som ikke lenger finnes i mappen."
        )

    def handle(self, *args, directory, dry_run, overwrite, prune, as_draft, **options):
        try:
            report = import_content(
                Path(directory),
                dry_run=dry_run,
                overwrite=overwrite,
                prune=prune,
                as_draft=as_draft,
            )
        except ContentError as error:
            raise CommandError(str(error)) from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(report.summary()))

import getpass
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.feedback import access, export
from portal.models import Consultation, Feedback


class Command(BaseCommand):
    help = (
        "Eksporterer innspill til CSV (UTF-8 med BOM, semikolon) eller XLSX, én kolonne per "
        "spørsmål. Spam er ikke med uten --include-spam."
    )

    def add_arguments(self, parser):
        parser.add_argument("--consultation", metavar="SLUG", help="Bare denne innspillsrunden.")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument(
            "--output", "-o", metavar="FIL", help="Filen som skal skrives (standard: skjermen)."
        )
        parser.add_argument("--include-spam", action="store_true", help="Ta med spam.")

    def handle(self, *args, consultation, format, output, include_spam, **options):
        queryset = Feedback.objects.order_by("submitted_at")
        if consultation:
            if not Consultation.objects.filter(slug=consultation).exists():
                raise CommandError(f"Fant ingen innspillsrunde med kortnavn «{consultation}».")
            queryset = queryset.filter(consultation__slug=consultation)
        if not include_spam:
            queryset = queryset.genuine()
        if format == "xlsx" and not output:
            raise CommandError("XLSX må skrives til en fil: bruk --output innspill.xlsx.")
        # Logged before it is written: a set that was exported in part was still read.
        access.log_export(
            None,
            queryset,
            selection=" ".join(
                part
                for part in (
                    f"--consultation={consultation}" if consultation else "alle runder",
                    "--include-spam" if include_spam else "",
                )
                if part
            ),
            file_format=format,
            username=f"manage.py ({getpass.getuser()})",
        )
        if format == "xlsx":
            if not output:
                raise CommandError("XLSX må skrives til en fil: bruk --output innspill.xlsx.")
            with Path(output).open("wb") as stream:
                export.write_xlsx(queryset, stream)
        elif output:
            with Path(output).open("w", encoding="utf-8-sig", newline="") as stream:
                export.write_csv(queryset, stream)
        else:
            # The BOM here too, so a redirect to a file opens in Excel with æøå intact.
            self.stdout.write("\ufeff", ending="")
            export.write_csv(queryset, self.stdout)
        if output:
            message = f"{queryset.count()} innspill skrevet til {output}."
            sys.stderr.write(self.style.SUCCESS(message) + "\n")

from django.core.management.base import BaseCommand

from portal import pdf


class Command(BaseCommand):
    help = (
        "Lager PDF-ene (hele veilederen, kortversjonen, plakaten og arbeidsarkene i A4 og A3, på "
        "bokmål og nynorsk) for innholdet slik det er publisert nå, hvis de ikke finnes fra før. "
        "Ellers lager bakgrunnsoppgavene dem etter hver endring."
    )

    def handle(self, *args, **options):
        documents = pdf.published_documents()
        for document in documents:
            path = pdf.build(document)
            if options["verbosity"] >= 2:
                self.stdout.write(f"{document.download_name}: {path}")
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"{len(documents)} PDF-er er klare."))

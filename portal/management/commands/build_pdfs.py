from django.core.management.base import BaseCommand

from portal import pdf
from portal.models import SHORT_VERSION_SLUG, Page, ProcessStep


class Command(BaseCommand):
    help = (
        "Lager PDF-ene (hele veilederen, kortversjonen og arbeidsarkene) for innholdet slik det er "
        "publisert nå, hvis de ikke finnes fra før. Siden bygger dem ellers ved første nedlasting."
    )

    def handle(self, *args, **options):
        documents = [pdf.guide()]
        short = Page.objects.published().filter(slug=SHORT_VERSION_SLUG).first()
        if short:
            documents.append(pdf.short_version(short))
        documents += [pdf.workshop_sheet(step) for step in ProcessStep.objects.published()]
        for document in documents:
            path = pdf.cached_pdf(document)
            if options["verbosity"] >= 2:
                self.stdout.write(f"{document.name}.pdf: {path}")
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"{len(documents)} PDF-er er klare."))

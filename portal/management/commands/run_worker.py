from django.core.management.base import BaseCommand, CommandError
from django.tasks import default_task_backend

from portal.tasks import worker


class Command(BaseCommand):
    help = (
        "Kjører bakgrunnsoppgavene i én kø, én om gangen: `default` (e-post) eller `pdf` "
        "(PDF-bygging). Start én prosess per kø. Med --batch: kjør det som er klart, og avslutt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue", default="default", help="køens navn, eller * for alle")
        parser.add_argument("--batch", action="store_true", help="avslutt når køen er tom")
        parser.add_argument("--interval", type=float, default=1.0, help="sekunder mellom søk")

    def handle(self, *args, queue, batch, interval, **options):
        queues = [name.strip() for name in queue.split(",") if name.strip()]
        known = default_task_backend.queues
        unknown = [name for name in queues if name != "*" and name not in known]
        if not queues or unknown:
            names = ", ".join(sorted(known))
            raise CommandError(f"Ukjent kø: {', '.join(unknown) or '(ingen)'}. Køene er: {names}.")
        count = worker.run(queues, batch=batch, interval=interval)
        if batch and options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"{count} oppgaver er kjørt."))

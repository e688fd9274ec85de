from django.conf import settings
from django.core.management.base import BaseCommand

from portal.workspace.login import purge_login_records


class Command(BaseCommand):
    help = (
        "Sletter innlogginger i arbeidsrommene som er eldre enn WORKSPACE_LOGIN_RECORD_DAYS "
        "dager (som /personvern/ lover). Kjør den daglig, for eksempel fra cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Vis bare hvor mange.")

    def handle(self, *args, dry_run, **options):
        count = purge_login_records(dry_run=dry_run)
        days = settings.WORKSPACE_LOGIN_RECORD_DAYS
        if dry_run:
            self.stdout.write(f"{count} innlogginger ville blitt slettet (eldre enn {days} dager).")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{count} innlogginger slettet (eldre enn {days} dager).")
            )

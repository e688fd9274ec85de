from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.feedback.drafts import purge_drafts
from portal.feedback.page_rating import purge_comments
from portal.feedback.services import purge_expired


class Command(BaseCommand):
    help = (
        "Sletter spam og avviste innspill som er eldre enn FEEDBACK_RETENTION_DAYS dager "
        "(som /personvern/ lover), utkast til innspill i runder der fristen er ute, og "
        "kommentarer til «Var denne siden nyttig?» som er eldre enn PAGE_RATING_COMMENT_DAYS "
        "dager. Kjør den daglig, for eksempel fra cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Antall dager (standard: innstillingen FEEDBACK_RETENTION_DAYS).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Vis bare hvor mange.")

    def handle(self, *args, days, dry_run, **options):
        days = settings.FEEDBACK_RETENTION_DAYS if days is None else days
        now = timezone.now()
        count = purge_expired(moment=now, days=days, dry_run=dry_run)
        drafts = purge_drafts(moment=now, dry_run=dry_run)
        comment_days = settings.PAGE_RATING_COMMENT_DAYS
        comments = purge_comments(moment=now, days=comment_days, dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"{count} innspill ville blitt slettet (eldre enn {days} dager).")
            self.stdout.write(f"{drafts} utkast ville blitt slettet (fristen er ute).")
            self.stdout.write(
                f"{comments} kommentarer til «Var denne siden nyttig?» ville blitt slettet "
                f"(eldre enn {comment_days} dager)."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{count} innspill slettet (spam og avviste, eldre enn {days} dager)."
                )
            )
            self.stdout.write(self.style.SUCCESS(f"{drafts} utkast slettet (fristen er ute)."))
            self.stdout.write(
                self.style.SUCCESS(
                    f"{comments} kommentarer til «Var denne siden nyttig?» slettet "
                    f"(eldre enn {comment_days} dager)."
                )
            )

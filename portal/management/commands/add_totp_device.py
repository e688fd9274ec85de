import io

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Registrerer en autentiseringsapp (TOTP) for en ansatt og skriver ut QR-koden og "
        "otpauth-adressen den skal skanne. Vis dem bare for den det gjelder."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="brukernavnet til den ansatte")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="slett brukerens tidligere apper først (mistet eller ny telefon)",
        )
        parser.add_argument("--name", default="Autentiseringsapp", help="navn på enheten")
        parser.add_argument(
            "--dry-run", action="store_true", help="sjekk brukeren, men registrer ingenting"
        )

    def handle(self, *args, username, replace, name, dry_run, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Fant ingen bruker som heter {username!r}.")
        if not user.is_staff:
            raise CommandError(f"{username} er ikke ansatt (is_staff); gi tilgang i admin først.")
        existing = TOTPDevice.objects.filter(user=user)
        if existing.exists() and not replace:
            raise CommandError(
                f"{username} har allerede en autentiseringsapp. Bruk --replace for å bytte den ut."
            )
        if dry_run:
            self.stdout.write(f"{username} kan få en autentiseringsapp (ingenting er lagret).")
            return
        with transaction.atomic():
            existing.delete()
            device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        uri = device.config_url
        picture = io.StringIO()
        segno.make(uri, error="m").terminal(out=picture, compact=True)
        self.stdout.write(picture.getvalue())
        self.stdout.write(f"otpauth-adresse (for apper uten kamera): {uri}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Registrert for {username}. Skann koden i en autentiseringsapp og logg inn "
                "med den sekssifrede koden den viser."
            )
        )

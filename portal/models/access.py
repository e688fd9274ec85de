"""Who read or exported input, and when: input holds personal data, so staff access to it is
logged (portal/feedback/access.py writes the rows) and shown to the superuser only."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["AccessLogEntry"]


class AccessLogEntry(models.Model):
    class Action(models.TextChoices):
        READ = "lest", _("Lest")
        EXPORTED = "eksportert", _("Eksportert")

    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    # SET_NULL and the user name as text: the log outlives the account it names.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bruker"),
    )
    username = models.CharField(_("brukernavn"), max_length=150)
    action = models.CharField(_("handling"), max_length=12, choices=Action.choices)
    # References, never names: the log must not become a second register of the respondents.
    references = models.TextField(_("innspill (referanser)"))
    count = models.PositiveIntegerField(_("antall innspill"))
    selection = models.TextField(
        _("utvalg"),
        blank=True,
        help_text=_("Filteret, søket eller de valgte innspillene som ble eksportert."),
    )
    file_format = models.CharField(_("format"), max_length=8, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("oppslag i innspill")
        verbose_name_plural = _("innsynslogg for innspill")

    def __str__(self) -> str:
        return f"{self.username} {self.get_action_display().lower()} {self.at:%Y-%m-%d %H:%M}"

"""A counter per client and time window, in PostgreSQL: one count for every worker and every
instance, which survives a restart, with or without Redis (portal/feedback/ratelimit.py)."""

from django.db import models

__all__ = ["RateCounter"]


class RateCounter(models.Model):
    # "<scope>:<period>:<window>:<keyed hash of the address>": never the address itself.
    key = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "teller for grense per adresse"
        verbose_name_plural = "tellere for grense per adresse"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"

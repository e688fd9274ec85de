"""Answers to "Var denne siden nyttig?" at the end of each page, when no round of input is open.

No name, no address: the page, yes or no, and an optional comment. A comment may still hold
personal data, so it is kept only for `PAGE_RATING_COMMENT_DAYS` days (purge_feedback blanks
it after that, see /personvern/); the yes or no stays, to be counted.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["PageRating"]

COMMENT_MAX_LENGTH = 1200


class PageRatingQuerySet(models.QuerySet):
    def comments_older_than(self, moment):
        return self.exclude(comment="").filter(created_at__lt=moment)

    def per_page(self):
        """One row per page: how many said yes and no, and how many wrote a comment."""
        return (
            self.values("path")
            .annotate(
                yes=models.Count("pk", filter=models.Q(useful=True)),
                no=models.Count("pk", filter=models.Q(useful=False)),
                comments=models.Count("pk", filter=~models.Q(comment="")),
                total=models.Count("pk"),
            )
            .order_by("-total", "path")
        )


class PageRating(models.Model):
    class Language(models.TextChoices):
        BOKMAAL = "nb", _("Bokmål")
        NYNORSK = "nn", _("Nynorsk")

    path = models.CharField(
        _("side"), max_length=200, help_text=_("Adressen uten /nn/ foran."), db_index=True
    )
    language = models.CharField(
        _("målform"), max_length=2, choices=Language.choices, default=Language.BOKMAAL
    )
    useful = models.BooleanField(_("nyttig"))
    comment = models.TextField(_("kommentar"), blank=True, max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("sendt"), default=timezone.now, db_index=True)

    objects = PageRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("svar på «Var denne siden nyttig?»")
        verbose_name_plural = _("svar på «Var denne siden nyttig?»")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.path}: {'ja' if self.useful else 'nei'}"

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from portal.models.base import Publishable, PublishableQuerySet


def whole_minute(moment):
    """Deadlines are whole minutes: "closed from 12:00" must not let 12:00:59 in."""
    return moment.replace(second=0, microsecond=0)


class ConsultationQuerySet(PublishableQuerySet):
    """When a round is open, in SQL. Consultation below says the same of one row in hand; the two
    sit side by side so that they change together (tests/test_consultation.py holds them to it).
    A round is open from its opens_at and closed from the minute of its closes_at."""

    def open_at(self, moment):
        return self.published().filter(opens_at__lte=moment, closes_at__gt=moment)

    def open_now(self):
        return self.open_at(timezone.now())

    def closed_at(self, moment):
        """Published rounds past their deadline, the latest deadline first."""
        return self.published().filter(closes_at__lte=moment).order_by("-closes_at")

    def not_closed_at(self, moment):
        """Published rounds that are open or still to open: their boundaries lie ahead."""
        return self.published().filter(closes_at__gt=moment)

    def opening_after(self, moment):
        """Published rounds not open yet, the first to open first."""
        return self.published().filter(opens_at__gt=moment).order_by("opens_at")


class Consultation(Publishable):
    class Kind(models.TextChoices):
        """What the round is in law; what each kind means for the answers is decided in one
        place, portal/feedback/rounds.py."""

        HOERING = "hoering", _("Høring")
        INNSPILLSRUNDE = "innspillsrunde", _("Innspillsrunde")

    slug = models.SlugField("kortnavn", unique=True)
    title = models.CharField("tittel", max_length=200)
    kind = models.CharField(
        _("type runde"),
        max_length=16,
        choices=Kind.choices,
        default=Kind.INNSPILLSRUNDE,
        help_text=_(
            "Høring: en formell høring etter utredningsinstruksen, der svarene normalt blir "
            "publisert. Innspillsrunde: en uformell runde, der den som svarer, velger om svaret "
            "kan publiseres."
        ),
    )
    introduction = MarkdownxField("innledning")
    opens_at = models.DateTimeField("åpner")
    closes_at = models.DateTimeField(
        "frist", help_text="Innspillsrunden er stengt fra og med dette minuttet."
    )

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at"]
        verbose_name = "innspillsrunde"
        verbose_name_plural = "innspillsrunder"
        permissions = [("publish_consultation", "Kan publisere innspillsrunder")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.opens_at = whole_minute(self.opens_at)
        self.closes_at = whole_minute(self.closes_at)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("portal:feedback_index")

    def get_preview_url(self) -> str:
        """Where staff preview this round (and its pending edition): its own form."""
        return reverse("portal:feedback_form", args=[self.slug])

    def is_open_at(self, moment) -> bool:
        return self.is_published and not self.opens_after(moment) and not self.has_closed_at(moment)

    def opens_after(self, moment) -> bool:
        return moment < self.opens_at

    def has_closed_at(self, moment) -> bool:
        return moment >= self.closes_at


class ConsultationQuestion(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField("rekkefølge")
    text = models.CharField("spørsmål", max_length=500)
    help_text = models.CharField("hjelpetekst", max_length=500, blank=True)
    required = models.BooleanField("påkrevd", default=False)

    class Meta:
        ordering = ["consultation", "order"]
        verbose_name = "spørsmål"
        verbose_name_plural = "spørsmål"
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "order"], name="question_order_unique_per_consultation"
            )
        ]

    def __str__(self) -> str:
        return self.text

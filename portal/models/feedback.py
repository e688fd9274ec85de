"""Input (innspill) sent to a consultation, and the changes to the guide it led to.

Input is official correspondence: what the respondent sent is never edited by staff (the admin
shows it read-only), and deleting it is left to `purge_feedback`, which only removes spam and
rejected input after the retention period. There is deliberately no history table here, so that
a purge really removes what it deletes.
"""

from django.db import models
from django.utils import timezone

from portal.models.choices import COUNTY_CHOICES, COUNTY_NAMES
from portal.models.consultation import Consultation, ConsultationQuestion
from portal.models.content import Chapter, ProcessStep

__all__ = ["Feedback", "FeedbackAnswer", "GuideChange"]


class FeedbackQuerySet(models.QuerySet):
    def genuine(self):
        """Everything but spam: what staff count and read."""
        return self.exclude(status=Feedback.Status.SPAM)

    def public(self):
        """Input the respondent allowed to be published and staff approved."""
        return self.filter(
            publication__in=[Feedback.Publication.WITH_NAME, Feedback.Publication.ANONYMOUS],
            publication_approved=True,
            status__in=KEPT_STATUSES,
        )

    def expired_junk(self, submitted_before):
        """Spam and rejected input past the retention period (see /personvern/)."""
        return self.filter(
            status__in=[Feedback.Status.SPAM, Feedback.Status.REJECTED],
            submitted_at__lt=submitted_before,
        )


class Feedback(models.Model):
    class Status(models.TextChoices):
        NEW = "ny", "Ny"
        IN_PROGRESS = "under-behandling", "Under behandling"
        DONE = "behandlet", "Behandlet"
        REJECTED = "avvist", "Avvist"
        SPAM = "spam", "Spam"

    class RespondentType(models.TextChoices):
        COUNTY = "fylkeskommune", "Fylkeskommune"
        MUNICIPALITY = "kommune", "Kommune"
        SUPPORT_SYSTEM = "virkemiddelapparat", "Virkemiddelapparatet"
        RESEARCH = "fou-miljo", "FoU-miljø"
        BUSINESS = "naeringsliv", "Næringsliv"
        ORGANISATION = "organisasjon", "Organisasjon"
        PRIVATE_PERSON = "privatperson", "Privatperson"
        OTHER = "annet", "Annet"

    class Publication(models.TextChoices):
        WITH_NAME = "med-navn", "Publiser med navn"
        ANONYMOUS = "anonymt", "Publiser anonymt"
        NONE = "ikke", "Ikke publiser"

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name="innspillsrunde",
    )
    reference = models.CharField("referanse", max_length=20, unique=True, editable=False)
    # One per rendered form: a double click or a resubmit finds the row the first one stored.
    idempotency_key = models.UUIDField(unique=True, editable=False)
    submitted_at = models.DateTimeField("mottatt", default=timezone.now, db_index=True)

    name = models.CharField("navn", max_length=200)
    organisation = models.CharField("organisasjon", max_length=200, blank=True)
    respondent_type = models.CharField(
        "avsendertype", max_length=24, choices=RespondentType.choices
    )
    county = models.CharField("fylke", max_length=16, choices=COUNTY_CHOICES)
    email = models.EmailField(
        "e-post", blank=True, help_text="Bare for kvitteringen. Vises aldri offentlig."
    )
    publication = models.CharField("publisering", max_length=12, choices=Publication.choices)

    # Input on one section of the guide: the page, the heading's anchor and its title as shown.
    chapter = models.ForeignKey(
        Chapter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name="kapittel",
    )
    step = models.ForeignKey(
        ProcessStep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name="steg",
    )
    section_anchor = models.CharField("del (anker)", max_length=200, blank=True)
    section_title = models.CharField("del", max_length=300, blank=True)

    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    internal_note = models.TextField(
        "intern merknad", blank=True, help_text="Bare for saksbehandlerne. Vises aldri offentlig."
    )
    publication_approved = models.BooleanField("godkjent for publisering", default=False)
    publication_approved_at = models.DateTimeField(
        "tidspunkt for godkjenning", null=True, blank=True, editable=False
    )
    receipt_sent_at = models.DateTimeField(
        "kvittering sendt på e-post", null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField("sist endret", auto_now=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = "innspill"
        verbose_name_plural = "innspill"
        permissions = [
            ("export_feedback", "Kan eksportere innspill"),
            ("approve_feedback", "Kan godkjenne innspill for publisering"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(publication_approved=True, publication="ikke"),
                name="feedback_approved_only_if_respondent_allowed",
            ),
            models.CheckConstraint(
                condition=~models.Q(chapter__isnull=False, step__isnull=False),
                name="feedback_section_in_one_page",
            ),
        ]
        indexes = [models.Index(fields=["consultation", "status"])]

    def __str__(self) -> str:
        # The reference, never the name: this string ends up in the admin's log.
        return self.reference

    @property
    def county_name(self) -> str:
        return COUNTY_NAMES.get(self.county, self.county)

    @property
    def public_name(self) -> str:
        return self.name if self.publication == self.Publication.WITH_NAME else "Anonym"

    @property
    def section_label(self) -> str:
        """What the input is about, in words: the whole guide, a page, or one section of it."""
        if self.chapter_id:
            page = f"Kapittel «{self.chapter.title}»"
        elif self.step_id:
            page = f"Steg «{self.step.name}»"
        else:
            return "Hele veilederen"
        return f"{page}, delen «{self.section_title}»" if self.section_title else page


# Input that is kept and may be published; spam and rejected input is purged in time.
KEPT_STATUSES = (Feedback.Status.NEW, Feedback.Status.IN_PROGRESS, Feedback.Status.DONE)


class FeedbackAnswer(models.Model):
    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="answers", verbose_name="innspill"
    )
    # PROTECT: a question that has answers cannot disappear and take the answers with it.
    question = models.ForeignKey(
        ConsultationQuestion,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name="spørsmål",
    )
    text = models.TextField("svar")

    class Meta:
        ordering = ["feedback", "question__order"]
        verbose_name = "svar"
        verbose_name_plural = "svar"
        constraints = [
            models.UniqueConstraint(fields=["feedback", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.feedback.reference}: {self.question.text[:60]}"


class GuideChange(models.Model):
    """A change made to the guide because of input: the endringslogg shown once a round closes."""

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.PROTECT,
        related_name="guide_changes",
        verbose_name="innspillsrunde",
    )
    title = models.CharField(
        "hva vi endret", max_length=200, help_text="Kort, for eksempel «Nytt eksempel i steg 2»."
    )
    note = models.TextField(
        "hvorfor (offentlig merknad)",
        max_length=2000,
        help_text="Vises på nettstedet når innspillsrunden er avsluttet. Vanlig tekst.",
    )
    chapter = models.ForeignKey(
        Chapter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guide_changes",
        verbose_name="kapittel",
    )
    step = models.ForeignKey(
        ProcessStep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guide_changes",
        verbose_name="steg",
    )
    changed_on = models.DateField("endret dato", default=timezone.localdate)
    feedback = models.ManyToManyField(
        Feedback,
        blank=True,
        related_name="guide_changes",
        verbose_name="innspill bak endringen",
    )
    created_at = models.DateTimeField("opprettet", auto_now_add=True)
    updated_at = models.DateTimeField("sist endret", auto_now=True)

    class Meta:
        ordering = ["-changed_on", "-created_at"]
        verbose_name = "endring i veilederen"
        verbose_name_plural = "endringslogg"

    def __str__(self) -> str:
        return self.title

    @property
    def page(self):
        return self.chapter or self.step

"""Input (innspill) sent to a consultation, and the changes to the guide it led to.

Input is official correspondence: what the respondent sent is never edited by staff (the admin
shows it read-only), and deleting it is left to `purge_feedback`, which only removes spam and
rejected input after the retention period. There is deliberately no history table here, so that
a purge really removes what it deletes.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
        NEW = "ny", _("Ny")
        IN_PROGRESS = "under-behandling", _("Under behandling")
        DONE = "behandlet", _("Behandlet")
        REJECTED = "avvist", _("Avvist")
        SPAM = "spam", _("Spam")

    class RespondentType(models.TextChoices):
        COUNTY = "fylkeskommune", _("Fylkeskommune")
        MUNICIPALITY = "kommune", _("Kommune")
        SUPPORT_SYSTEM = "virkemiddelapparat", _("Virkemiddelapparatet")
        RESEARCH = "fou-miljo", _("FoU-miljø")
        BUSINESS = "naeringsliv", _("Næringsliv")
        ORGANISATION = "organisasjon", _("Organisasjon")
        PRIVATE_PERSON = "privatperson", _("Privatperson")
        OTHER = "annet", _("Annet")

    class Language(models.TextChoices):
        BOKMAAL = "nb", _("Bokmål")
        NYNORSK = "nn", _("Nynorsk")

    class Publication(models.TextChoices):
        # What each choice means in each kind of round is portal/feedback/rounds.py's to say.
        WITH_NAME = "med-navn", _("Publiser med navn")
        ANONYMOUS = "anonymt", _("Publiser uten navn og organisasjon")
        NONE = "ikke", _("Ikke publiser på nettstedet")

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("innspillsrunde"),
    )
    reference = models.CharField(_("referanse"), max_length=20, unique=True, editable=False)
    # One per rendered form: a double click or a resubmit finds the row the first one stored.
    idempotency_key = models.UUIDField(unique=True, editable=False)
    submitted_at = models.DateTimeField(_("mottatt"), default=timezone.now, db_index=True)

    name = models.CharField(_("navn"), max_length=200)
    organisation = models.CharField(_("organisasjon"), max_length=200, blank=True)
    respondent_type = models.CharField(
        _("avsendertype"), max_length=24, choices=RespondentType.choices
    )
    county = models.CharField(_("fylke"), max_length=16, choices=COUNTY_CHOICES)
    email = models.EmailField(
        _("e-post"), blank=True, help_text=_("Bare for kvitteringen. Vises aldri offentlig.")
    )
    publication = models.CharField(_("publisering"), max_length=12, choices=Publication.choices)
    # The written form the input was sent in (the form's address: /innspill/ or /nn/innspill/);
    # the receipt page and e-mail use it.
    language = models.CharField(
        _("målform"), max_length=2, choices=Language.choices, default=Language.BOKMAAL
    )

    # Input on one section of the guide: the page, the heading's anchor and its title as shown.
    chapter = models.ForeignKey(
        Chapter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("kapittel"),
    )
    step = models.ForeignKey(
        ProcessStep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("steg"),
    )
    section_anchor = models.CharField(_("del (anker)"), max_length=200, blank=True)
    section_title = models.CharField(_("del"), max_length=300, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    internal_note = models.TextField(
        _("intern merknad"),
        blank=True,
        help_text=_("Bare for saksbehandlerne. Vises aldri offentlig."),
    )
    publication_approved = models.BooleanField(_("godkjent for publisering"), default=False)
    publication_approved_at = models.DateTimeField(
        _("tidspunkt for godkjenning"), null=True, blank=True, editable=False
    )
    receipt_sent_at = models.DateTimeField(
        _("kvittering sendt på e-post"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = "innspill"
        verbose_name_plural = "innspill"
        permissions = [
            ("export_feedback", _("Kan eksportere innspill")),
            ("approve_feedback", _("Kan godkjenne innspill for publisering")),
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
        return str(COUNTY_NAMES.get(self.county, self.county))

    @property
    def public_name(self) -> str:
        """Who sent it, as shown in public: name and organisation only with the respondent's
        "med navn"; otherwise neither (an organisation can be as telling as a name)."""
        if self.publication != self.Publication.WITH_NAME:
            return gettext("Anonym")
        if self.organisation:
            return gettext("%(name)s, %(organisation)s") % {
                "name": self.name,
                "organisation": self.organisation,
            }
        return self.name

    @property
    def section_label(self) -> str:
        """What the input is about, in words: the whole guide, a page, or one section of it."""
        if self.chapter_id:
            page = gettext("Kapittel «%(title)s»") % {"title": self.chapter.title}
        elif self.step_id:
            page = gettext("Steg «%(title)s»") % {"title": self.step.name}
        else:
            return gettext("Hele veilederen")
        if not self.section_title:
            return page
        return gettext("%(page)s, delen «%(section)s»") % {
            "page": page,
            "section": self.section_title,
        }


# Input that is kept and may be published; spam and rejected input is purged in time.
KEPT_STATUSES = (Feedback.Status.NEW, Feedback.Status.IN_PROGRESS, Feedback.Status.DONE)


class FeedbackAnswer(models.Model):
    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="answers", verbose_name=_("innspill")
    )
    # PROTECT: a question that has answers cannot disappear and take the answers with it.
    question = models.ForeignKey(
        ConsultationQuestion,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("spørsmål"),
    )
    # The wording the respondent answered: a question's text may not change once answered
    # (portal/editions), and this keeps the pair readable whatever happens to the question.
    question_text = models.CharField(_("spørsmålet slik det ble stilt"), max_length=500, blank=True)
    text = models.TextField(_("svar"))

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
        verbose_name=_("innspillsrunde"),
    )
    title = models.CharField(
        _("hva vi endret"),
        max_length=200,
        help_text=_("Kort, for eksempel «Nytt eksempel i steg 2»."),
    )
    note = models.TextField(
        _("hvorfor (offentlig merknad)"),
        max_length=2000,
        help_text=_("Vises på nettstedet når innspillsrunden er avsluttet. Vanlig tekst."),
    )
    chapter = models.ForeignKey(
        Chapter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guide_changes",
        verbose_name=_("kapittel"),
    )
    step = models.ForeignKey(
        ProcessStep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guide_changes",
        verbose_name=_("steg"),
    )
    changed_on = models.DateField(_("endret dato"), default=timezone.localdate)
    feedback = models.ManyToManyField(
        Feedback,
        blank=True,
        related_name="guide_changes",
        verbose_name=_("innspill bak endringen"),
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)

    class Meta:
        ordering = ["-changed_on", "-created_at"]
        verbose_name = "endring i veilederen"
        verbose_name_plural = "endringslogg"

    def __str__(self) -> str:
        return self.title

    @property
    def page(self):
        return self.chapter or self.step

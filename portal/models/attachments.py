"""PDF letters attached to input (vedlegg), and what the safety check found in each.

The files themselves live in the attachment store (settings.ATTACHMENT_ROOT, outside public
media) under random names; a row names them and holds the respondent's file name as display text
only. An attachment without input is pending: accepted by the form while the rest of it still had
errors, referenced by an unguessable token, never counted as input, and deleted after a day.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models.feedback import Feedback

__all__ = ["FeedbackAttachment"]


class FeedbackAttachmentQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(feedback__isnull=True)

    def downloadable(self):
        """The ones staff may open: checked, and not found to carry a virus."""
        return self.exclude(status=FeedbackAttachment.Status.QUARANTINED)


class FeedbackAttachment(models.Model):
    class Status(models.TextChoices):
        WAITING = "venter", _("Venter på kontroll")
        READY = "klar", _("Klar")
        NO_TEXT = "ingen-tekst", _("Ingen tekst funnet")
        QUARANTINED = "karantene", _("I karantene")
        REJECTED = "avvist", _("Avvist")

    feedback = models.ForeignKey(
        Feedback,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("innspill"),
    )
    # While pending: the form it was sent with (its idempotency token) and its own secret, both
    # needed to claim it, so a token seen elsewhere cannot attach someone else's file.
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    pending_token = models.CharField(max_length=64, blank=True, editable=False, db_index=True)

    display_name = models.CharField(_("filnavn"), max_length=120)
    size = models.PositiveBigIntegerField(_("størrelse (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveIntegerField(_("sider"), null=True, blank=True)
    # Paths relative to ATTACHMENT_ROOT, random names. The original is never changed.
    original_path = models.CharField(max_length=200, editable=False)
    safe_path = models.CharField(max_length=200, blank=True, editable=False)

    status = models.CharField(
        _("kontroll"), max_length=12, choices=Status.choices, default=Status.WAITING
    )
    problem = models.CharField(_("merknad fra kontrollen"), max_length=300, blank=True)
    text = models.TextField(_("tekst i filen"), blank=True)
    uploaded_at = models.DateTimeField(_("lastet opp"), auto_now_add=True)
    checked_at = models.DateTimeField(_("kontrollert"), null=True, blank=True)

    objects = FeedbackAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["feedback", "uploaded_at", "pk"]
        verbose_name = "vedlegg"
        verbose_name_plural = "vedlegg"

    def __str__(self) -> str:
        return self.display_name

"""Input saved to be finished later (save and return).

A draft is not input: it is not a Feedback row, so no staff list, count, export or search can
meet it by accident. It holds what was typed, as typed, under a link whose token is known only to
whoever has the e-mail (the row keeps a hash of it). It is deleted when it is sent, and after the
round's deadline (portal.feedback.drafts.purge_drafts).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models.consultation import Consultation

__all__ = ["FeedbackDraft"]


class FeedbackDraftQuerySet(models.QuerySet):
    def expired_at(self, moment):
        """Drafts whose round has closed: their links no longer work, and they are deleted."""
        return self.filter(consultation__closes_at__lte=moment)


class FeedbackDraft(models.Model):
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="drafts",
        verbose_name=_("innspillsrunde"),
    )
    # SHA-256 of the link's token (secrets.token_urlsafe): a copy of the database opens no draft.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The address the last link went to; a save to another address sends the link there too.
    email = models.EmailField(_("e-post"))
    # The form's fields as typed (strings), by field name; answers as svar_<question id>.
    data = models.JSONField(default=dict)
    # One more on each save: a save from a form that started at an older number is refused.
    version = models.PositiveIntegerField(default=1)
    language = models.CharField(_("målform"), max_length=2, default="nb")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = FeedbackDraftQuerySet.as_manager()

    class Meta:
        verbose_name = "utkast til innspill"
        verbose_name_plural = "utkast til innspill"

    def __str__(self) -> str:
        return f"Utkast {self.pk}"

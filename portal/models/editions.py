"""Editions: a pending change to a live object, and tombstones of unpublished pages.

The live row (Chapter, Page, ...) is what the public sees. An Edition holds what an editor has
prepared for it: a JSON snapshot of every editable field (both written forms), its many-to-many
links as primary keys and its inline rows (a consultation's questions). It changes the live row
only when it is published (portal/editions/services.py). A new object is an edition whose
`object_id` is still empty. There is at most one pending edition per object.

The edition is deliberately not a public model (portal/publishing/registry.py): saving one must
never touch the page cache, search or the PDFs.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Edition", "Removal"]


class EditionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state__in=Edition.PENDING_STATES)

    # Joined on the content type's natural key: no separate content type query on a page.
    def for_object(self, obj):
        return self.for_model(type(obj)).filter(object_id=obj.pk)

    def for_model(self, model):
        opts = model._meta
        return self.filter(
            content_type__app_label=opts.app_label, content_type__model=opts.model_name
        )

    def change_notes(self):
        """Published substantial changes: what readers are told about, the newest first."""
        return self.filter(state=Edition.State.PUBLISHED, substantial=True).order_by(
            "-published_at"
        )


class Edition(models.Model):
    class State(models.TextChoices):
        DRAFT = "utkast", _("Utkast")
        SUBMITTED = "sendt", _("Sendt til godkjenning")
        SCHEDULED = "planlagt", _("Planlagt")
        PUBLISHED = "publisert", _("Publisert")
        RETURNED = "avvist", _("Tilbake til redaktør")
        WITHDRAWN = "trukket", _("Trukket")

    PENDING_STATES = (State.DRAFT, State.SUBMITTED, State.SCHEDULED, State.RETURNED)

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, verbose_name=_("innholdstype")
    )
    object_id = models.PositiveBigIntegerField(_("publisert objekt"), null=True, blank=True)
    live = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(_("innhold"), default=dict)
    # The live row's `version` the editor started from, and this edition's own save counter:
    # the form carries both, and a save over a newer one is a conflict (services.EditConflict).
    base_version = models.PositiveIntegerField(_("grunnversjon"), default=0)
    revision = models.PositiveIntegerField(_("lagring nr."), default=1)
    state = models.CharField(
        _("tilstand"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("påbegynt av"),
    )
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sist lagret av"),
    )
    created_at = models.DateTimeField(_("påbegynt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist lagret"), auto_now=True)
    submitted_at = models.DateTimeField(_("sendt til godkjenning"), null=True, blank=True)
    submit_message = models.TextField(_("melding til publisist"), blank=True)
    reviewer_comment = models.TextField(_("kommentar fra publisist"), blank=True)
    publish_at = models.DateTimeField(_("publiseres"), null=True, blank=True)
    unpublish_at = models.DateTimeField(_("avpubliseres"), null=True, blank=True)
    note = models.CharField(_("hva er endret"), max_length=300, blank=True)
    substantial = models.BooleanField(_("vesentlig endring"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publisist"),
    )
    published_at = models.DateTimeField(_("publisert"), null=True, blank=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("utgave")
        verbose_name_plural = _("utgaver")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(state__in=["utkast", "sendt", "planlagt", "avvist"]),
                name="one_pending_edition_per_object",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()})"

    @property
    def title(self) -> str:
        fields = self.data.get("fields", {})
        for name in ("title_nb", "name_nb", "term_nb", "title", "slug"):
            if fields.get(name):
                return str(fields[name])
        return str(self.content_type)

    @property
    def is_pending(self) -> bool:
        return self.state in self.PENDING_STATES

    @property
    def model(self):
        return self.content_type.model_class()


class Removal(models.Model):
    """A page that was public and is no longer: its address answers 410 with a pointer to where
    to look instead, or redirects there when a publisher chose so. `removed_at` is empty while
    the removal is only scheduled."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    slug = models.SlugField(_("kortnavn"))
    title = models.CharField(_("tittel"), max_length=300)
    see_instead = models.CharField(
        _("se i stedet"),
        max_length=500,
        blank=True,
        help_text=_("Adressen leserne kan gå til i stedet, for eksempel /steg/."),
    )
    redirect = models.BooleanField(_("send leserne dit direkte"), default=False)
    scheduled_for = models.DateTimeField(_("planlagt avpublisert"), null=True, blank=True)
    removed_at = models.DateTimeField(_("avpublisert"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("avpublisert side")
        verbose_name_plural = _("avpubliserte sider")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "slug"], name="one_removal_per_slug")
        ]

    def __str__(self) -> str:
        return self.title

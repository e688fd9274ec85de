"""The county's workspace: its members, and its self-assessment of the six steps, year by year.

A workspace belongs to one county (the list in portal/models/choices.py). Its members are
ordinary Django users that are never staff: they log in with a one-time link by e-mail
(portal/workspace/login.py) and have no usable password. Which rows anyone may read is decided
in one place, portal/workspace/access.py; nothing here filters by user.

Each change is kept with who and when (django-simple-history), so a county can see what was
changed in its assessment and by whom. Scores are stored by the factor's stable key; the
factors themselves are reviewed data in content/assessment.yaml, not rows.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models.choices import COUNTY_NAMES, REAL_COUNTIES

__all__ = [
    "Assessment",
    "FactorScore",
    "LoginRecord",
    "Membership",
    "NextAction",
    "StepAssessment",
    "Workspace",
]

MAX_SCORE = 5


class Workspace(models.Model):
    county = models.CharField(
        _("fylke"),
        max_length=12,
        unique=True,
        choices=[(county.code, county.name) for county in REAL_COUNTIES],
    )
    # In every address: an id nobody can guess or count through.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shares_with_ministry = models.BooleanField(
        _("deler ferdige vurderinger med departementet"), default=False
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("arbeidsrom")
        verbose_name_plural = _("arbeidsrom")
        ordering = ["county"]
        permissions = [
            ("invite_coordinator", _("Kan invitere fylkets koordinator")),
            ("view_national_picture", _("Kan se det nasjonale bildet av egenvurderingene")),
        ]

    def __str__(self) -> str:
        return str(self.county_name)

    @property
    def county_name(self) -> str:
        return COUNTY_NAMES.get(self.county, self.county)


class Membership(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "koordinator", _("Koordinator")
        MEMBER = "medlem", _("Medlem")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workspace_memberships"
    )
    role = models.CharField(_("rolle"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invitert av"),
    )
    created_at = models.DateTimeField(_("invitert"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medlem")
        verbose_name_plural = _("medlemmer")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user.email} ({self.get_role_display()})"

    @property
    def is_coordinator(self) -> bool:
        return self.role == self.Role.COORDINATOR


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "utkast", _("Utkast")
        FINISHED = "ferdig", _("Ferdig")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("år"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    started_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("startet fra"),
    )
    finished_at = models.DateTimeField(_("markert som ferdig"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Raised by every change to the assessment, its steps included: names the built report.
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("egenvurdering")
        verbose_name_plural = _("egenvurderinger")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "year"], name="one_assessment_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.workspace} {self.year}"

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.FINISHED


class StepAssessment(models.Model):
    """One step of an assessment: what two members may edit at once. `version` is raised by
    each save; a save from an older version is refused (portal/workspace/editing.py)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="steps")
    step_slug = models.SlugField(_("steg"), max_length=60)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("steg i egenvurdering")
        verbose_name_plural = _("steg i egenvurdering")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "step_slug"], name="one_row_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.step_slug}"


class FactorScore(models.Model):
    step = models.ForeignKey(StepAssessment, on_delete=models.CASCADE, related_name="scores")
    factor_key = models.SlugField(_("faktor"), max_length=80)
    score = models.PositiveSmallIntegerField(
        _("nivå"), null=True, blank=True, validators=[MaxValueValidator(MAX_SCORE)]
    )
    justification = models.TextField(_("hva bygger vi vurderingen på"), blank=True)
    document_url = models.URLField(_("lenke til dokument"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vurdering av faktor")
        verbose_name_plural = _("vurderinger av faktorer")
        constraints = [
            models.UniqueConstraint(fields=["step", "factor_key"], name="one_score_per_factor"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=MAX_SCORE),
                name="score_0_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} {self.factor_key}: {self.score}"


class NextAction(models.Model):
    """ "Hva gjør vi videre": one thing to do, who does it and by when."""

    step = models.ForeignKey(StepAssessment, on_delete=models.CASCADE, related_name="actions")
    order = models.PositiveSmallIntegerField(default=0)
    what = models.CharField(_("hva"), max_length=500)
    who = models.CharField(_("hvem"), max_length=200, blank=True)
    due = models.DateField(_("innen"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("neste tiltak")
        verbose_name_plural = _("neste tiltak")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.what


class LoginRecord(models.Model):
    """That a member logged in with a link, and when: shown to the workspace's coordinators and
    deleted after WORKSPACE_LOGIN_RECORD_DAYS (see /personvern/). No address is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workspace_logins"
    )
    at = models.DateTimeField(_("logget inn"), db_index=True)

    class Meta:
        verbose_name = _("innlogging i arbeidsrom")
        verbose_name_plural = _("innlogginger i arbeidsrom")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M}"

"""Staff handling of input: list, detail, status, notes, approval, overview, export.

What the respondent sent is read-only here; staff change only status, internal note and the
approval for publication. Every value a respondent typed is shown through Django's escaping
(format_html, the admin's own display), never marked safe.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin import attachments as attachment_admin
from portal.admin.feedback_filters import SectionFilter
from portal.feedback import access, export, handling, services
from portal.models import Consultation, Feedback

ADMIN_TEMPLATES = "portal/feedback/admin"
# How a set was chosen, as the Innsynslogg shows it (a filter is shown as its query string).
SELECTED = "valgte innspill i listen"
WHOLE_LIST = "hele listen, uten filter"


class FeedbackAdminForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["status", "internal_note", "publication_approved"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("publication_approved"):
            status = cleaned.get("status", self.instance.status)
            refusal = handling.approval_refusal(self.instance, status)
            if refusal:
                self.add_error("publication_approved", refusal)
        return cleaned


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    form = FeedbackAdminForm
    change_list_template = f"{ADMIN_TEMPLATES}/change_list.html"
    list_display = [
        "reference",
        "submitted_at",
        "name",
        "organisation",
        "respondent_type",
        "county",
        "section_display",
        "status",
        "publication",
        "publication_approved",
        "language",
    ]
    list_filter = [
        "consultation",
        "status",
        "respondent_type",
        "county",
        SectionFilter,
        "publication",
        "publication_approved",
        "language",
    ]
    search_fields = [
        "reference",
        "name",
        "organisation",
        "email",
        "section_title",
        "internal_note",
        "answers__text",
        "attachments__display_name",
        "attachments__text",
    ]
    date_hierarchy = "submitted_at"
    list_select_related = ["consultation", "chapter", "step"]
    list_per_page = 50
    respondent_fields = [
        "reference",
        "consultation",
        "submitted_at",
        "section_display",
        "name",
        "organisation",
        "respondent_type",
        "county",
        "email",
        "publication",
        "language",
        "answers_display",
        "attachments_display",
    ]
    readonly_fields = [
        *respondent_fields,
        "publication_approved_at",
        "receipt_sent_at",
        "guide_changes_display",
    ]
    fieldsets = [
        (
            _("Innspillet"),
            {
                "fields": [
                    "reference",
                    "consultation",
                    "submitted_at",
                    "section_display",
                    "language",
                ]
            },
        ),
        (
            _("Avsender"),
            {"fields": ["name", "organisation", "respondent_type", "county", "email"]},
        ),
        (_("Svar"), {"fields": ["answers_display"]}),
        (_("Vedlegg"), {"fields": ["attachments_display"]}),
        (
            _("Behandling"),
            {
                "fields": [
                    "status",
                    "internal_note",
                    "publication",
                    "publication_approved",
                    "publication_approved_at",
                    "receipt_sent_at",
                    "guide_changes_display",
                ]
            },
        ),
    ]
    actions = [
        "mark_in_progress",
        "mark_done",
        "mark_rejected",
        "mark_spam",
        "approve_publication",
        "withdraw_publication",
        "export_selected_csv",
        "export_selected_xlsx",
    ]

    # --- Permissions -----------------------------------------------------------------------

    def has_add_permission(self, request):
        return False  # input comes only through the public form

    def has_export_permission(self, request):
        return request.user.has_perm("portal.export_feedback")

    def has_approve_permission(self, request):
        return handling.can_approve(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_approve_permission(request):
            fields.append("publication_approved")
        return fields

    # --- Display ---------------------------------------------------------------------------

    @admin.display(description=_("gjelder"))
    def section_display(self, obj):
        return obj.section_label

    @admin.display(description=_("svar"))
    def answers_display(self, obj):
        rows = services.answered_questions(obj)
        return format_html(
            '<dl class="feedback-answers">{}</dl>',
            format_html_join(
                "",
                "<dt>{}</dt><dd>{}</dd>",
                # linebreaksbr escapes the answer first, then keeps its line breaks.
                (
                    (question, linebreaksbr(answer or gettext("(ikke besvart)")))
                    for question, answer in rows
                ),
            ),
        )

    @admin.display(description=_("vedlegg (PDF)"))
    def attachments_display(self, obj):
        return attachment_admin.attachments_table(obj)

    @admin.display(description=_("endringer i veilederen"))
    def guide_changes_display(self, obj):
        changes = list(obj.guide_changes.all()) if obj.pk else []
        if not changes:
            return gettext("Ingen")
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:portal_guidechange_change", args=[change.pk]), change.title)
                for change in changes
            ),
        )

    # --- Saving and actions: the rules are in portal/feedback/handling.py ----------------------

    def save_model(self, request, obj, form, change):
        handling.save_handling(obj, request.user, form.changed_data)

    def _mark(self, request, queryset, status):
        outcome = handling.set_status(queryset, status, request.user)
        label = Feedback.Status(status).label.lower()
        self.message_user(
            request,
            gettext("%(count)s innspill er merket «%(status)s».")
            % {"count": outcome.changed, "status": label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Merk som under behandling"), permissions=["change"])
    def mark_in_progress(self, request, queryset):
        self._mark(request, queryset, Feedback.Status.IN_PROGRESS)

    @admin.action(description=_("Merk som behandlet"), permissions=["change"])
    def mark_done(self, request, queryset):
        self._mark(request, queryset, Feedback.Status.DONE)

    @admin.action(description=_("Merk som avvist"), permissions=["change"])
    def mark_rejected(self, request, queryset):
        self._mark(request, queryset, Feedback.Status.REJECTED)

    @admin.action(description=_("Merk som spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        self._mark(request, queryset, Feedback.Status.SPAM)

    @admin.action(description=_("Godkjenn for publisering"), permissions=["approve"])
    def approve_publication(self, request, queryset):
        outcome = handling.approve_publication(queryset, request.user)
        self.message_user(
            request,
            gettext("%(count)s innspill er godkjent for publisering.") % {"count": outcome.changed},
        )
        if outcome.refused:
            self.message_user(
                request,
                gettext(
                    "%(count)s innspill ble ikke godkjent: avsenderen har valgt at de ikke skal "
                    "publiseres, eller de er merket som spam eller avvist."
                )
                % {"count": outcome.refused},
                messages.WARNING,
            )

    @admin.action(
        description=_("Trekk tilbake godkjenning for publisering"), permissions=["approve"]
    )
    def withdraw_publication(self, request, queryset):
        outcome = handling.withdraw_publication(queryset, request.user)
        self.message_user(
            request,
            gettext("%(count)s innspill er ikke lenger godkjent for publisering.")
            % {"count": outcome.changed},
        )

    @admin.action(description=_("Eksporter valgte til CSV"), permissions=["export"])
    def export_selected_csv(self, request, queryset):
        return self._export(request, queryset, "csv", SELECTED)

    @admin.action(description=_("Eksporter valgte til Excel (XLSX)"), permissions=["export"])
    def export_selected_xlsx(self, request, queryset):
        return self._export(request, queryset, "xlsx", SELECTED)

    def _export(self, request, queryset, file_format, selection):
        access.log_export(request.user, queryset, selection=selection, file_format=file_format)
        return export_response(queryset, file_format)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Reading an input is logged (the Innsynslogg), once per page shown."""
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            feedback = self.get_object(request, object_id)
            if feedback is not None:
                access.log_read(request.user, feedback)
        return response

    # --- Extra views -----------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("oversikt/", wrap(self.overview_index_view), name="portal_feedback_overviews"),
            path(
                "oversikt/<int:consultation_id>/",
                wrap(self.overview_view),
                name="portal_feedback_overview",
            ),
            path(
                "vedlegg/<int:pk>/<str:copy>/",
                wrap(self.attachment_view),
                name="portal_feedback_attachment",
            ),
            path(
                "eksport/<str:file_format>/",
                wrap(self.export_view),
                name="portal_feedback_export",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export": self.has_export_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def attachment_view(self, request, pk, copy):
        return attachment_admin.download(self, request, pk, copy)

    def export_view(self, request, file_format):
        """The changelist's current set (filters, search, dates) as CSV, XLSX, or a ZIP of its
        attached letters for the archive."""
        if not (self.has_view_permission(request) and self.has_export_permission(request)):
            raise PermissionDenied
        if file_format not in ("csv", "xlsx", "zip"):
            raise Http404
        try:
            changelist = self.get_changelist_instance(request)
            queryset = changelist.get_queryset(request)
        except IncorrectLookupParameters:
            self.message_user(request, gettext("Filteret kunne ikke brukes."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:portal_feedback_changelist"))
        selection = access.describe_filter(request.GET) or WHOLE_LIST
        return self._export(request, queryset, file_format, selection)

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "app_label": self.model._meta.app_label,
            **extra,
        }

    def overview_index_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        consultations = Consultation.objects.annotate(
            responses=Count("feedback", filter=~Q(feedback__status=Feedback.Status.SPAM))
        )
        return TemplateResponse(
            request,
            f"{ADMIN_TEMPLATES}/overview_index.html",
            self._context(
                request, title=gettext("Oversikt over innspill"), consultations=consultations
            ),
        )

    def overview_view(self, request, consultation_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        consultation = get_object_or_404(Consultation, pk=consultation_id)
        return TemplateResponse(
            request,
            f"{ADMIN_TEMPLATES}/overview.html",
            self._context(
                request,
                title=gettext("Oversikt: %(title)s") % {"title": consultation.title},
                overview=services.consultation_overview(consultation),
                changelist_url=reverse("admin:portal_feedback_changelist")
                + f"?consultation__id__exact={consultation.pk}",
            ),
        )


def export_response(queryset, file_format: str) -> HttpResponse:
    if file_format == "zip":
        response = FileResponse(
            export.attachments_zip(queryset),
            as_attachment=True,
            filename=export.file_name("zip", "vedlegg"),
            content_type="application/zip",
        )
        response["Cache-Control"] = "no-store, private"
        return response
    if file_format == "csv":
        body, content_type = export.csv_bytes(queryset), "text/csv; charset=utf-8"
    else:
        body = export.xlsx_bytes(queryset)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.file_name(file_format)}"'
    response["Cache-Control"] = "no-store"
    return response

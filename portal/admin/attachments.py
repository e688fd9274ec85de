"""Letters attached to input, for caseworkers: the list on the input, and the downloads.

A file is only ever sent as a download (Content-Disposition: attachment, nosniff, a sandbox
policy, never stored by a cache), to a verified staff member who may view input; a file in
quarantine is not sent at all. The safe copy is what staff open; the original, untouched, is for
the archive (a signed letter's signature lives in it).
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.feedback import attachments
from portal.models import FeedbackAttachment

COPIES = {"trygg": "safe_path", "original": "original_path"}


class AttachmentInline(admin.TabularInline):
    model = FeedbackAttachment
    extra = 0
    can_delete = False
    show_change_link = False
    fields = ["display_name", "size_display", "pages", "status", "problem", "downloads"]
    readonly_fields = fields
    verbose_name = _("vedlegg")
    verbose_name_plural = _("vedlegg (PDF)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Whoever may read the input may see its letters: no permission of their own.
        return request.user.has_perm("portal.view_feedback")

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("størrelse"))
    def size_display(self, obj):
        return filesizeformat(obj.size)

    @admin.display(description=_("last ned"))
    def downloads(self, obj):
        if obj.status == FeedbackAttachment.Status.QUARANTINED:
            return gettext("Ingen nedlasting: filen er i karantene.")
        copies = [("trygg", gettext("Trygg kopi"))] if obj.safe_path else []
        copies.append(("original", gettext("Original (til arkivet)")))
        return format_html_join(
            " · ",
            '<a href="{}" download>{}</a>',
            ((download_url(obj, copy), label) for copy, label in copies),
        )


def download_url(attachment, copy: str) -> str:
    return reverse("admin:portal_feedback_attachment", args=[attachment.pk, copy])


def download(model_admin, request, pk: int, copy: str):
    if not (
        model_admin.has_view_permission(request) and request.user.has_perm("portal.view_feedback")
    ):
        raise PermissionDenied
    if copy not in COPIES:
        raise Http404
    attachment = get_object_or_404(
        FeedbackAttachment.objects.downloadable().filter(feedback__isnull=False), pk=pk
    )
    relative = getattr(attachment, COPIES[copy])
    if not relative:
        raise Http404
    try:
        path = attachments.path_of(relative)
        handle = path.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    name = attachment.display_name
    if copy == "original":
        name = gettext("original-%(name)s") % {"name": name}
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "no-store, private"
    return response

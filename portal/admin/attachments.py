"""Letters attached to input, for caseworkers: the list on the input, and the downloads.

A file is only ever sent as a download (Content-Disposition: attachment, nosniff, a sandbox
policy, never stored by a cache), to a verified staff member who may view input; a file in
quarantine is not sent at all. The safe copy is what staff open; the original, untouched, is for
the archive (a signed letter's signature lives in it).
"""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from portal.feedback import attachments
from portal.models import FeedbackAttachment

COPIES = {"trygg": "safe_path", "original": "original_path"}


def attachments_table(feedback):
    """The input's letters as a table: name, size, pages, check status, downloads. A read-only
    field rather than an inline, so saving the input's handling posts nothing about them."""
    items = list(feedback.attachments.all()) if feedback.pk else []
    if not items:
        return gettext("Ingen")
    head = format_html(
        "<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>",
        gettext("Filnavn"),
        gettext("Størrelse"),
        gettext("Sider"),
        gettext("Kontroll"),
        gettext("Last ned"),
    )
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                item.display_name,
                filesizeformat(item.size),
                item.pages or "–",
                _status(item),
                _downloads(item),
            )
            for item in items
        ),
    )
    return format_html(
        '<table class="feedback-attachments">{}<tbody>{}</tbody></table>', head, rows
    )


def _status(item) -> str:
    label = item.get_status_display()
    if item.status == FeedbackAttachment.Status.QUARANTINED and item.problem:
        return format_html("{} ({})", label, item.problem)
    return label


def _downloads(item):
    if item.status == FeedbackAttachment.Status.QUARANTINED:
        return gettext("Ingen nedlasting: filen er i karantene.")
    copies = [("trygg", gettext("Trygg kopi"))] if item.safe_path else []
    copies.append(("original", gettext("Original (til arkivet)")))
    return format_html_join(
        " · ",
        '<a href="{}" download>{}</a>',
        ((download_url(item, copy), label) for copy, label in copies),
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

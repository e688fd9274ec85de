"""Public feedback pages. Thin: the rules live in services.py and in Consultation (when a
round is open), the fields in forms.py, the sections in sections.py."""

import math
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from portal.editions import preview
from portal.feedback import attachments, draft_views, sections, services
from portal.feedback.forms import FeedbackForm
from portal.models import Consultation, Feedback
from portal.staff import is_verified_staff

TEMPLATES = "portal/feedback"


def _section_query(section: sections.Section | None) -> str:
    return f"?{urlencode(section.query())}" if section else ""


def _form_page(request, consultation, form, section, *, status=200):
    return render(
        request,
        f"{TEMPLATES}/form.html",
        {"consultation": consultation, "form": form, "section": section},
        status=status,
    )


def _closed_page(request, consultation, moment):
    return render(
        request,
        f"{TEMPLATES}/closed.html",
        {
            "consultation": consultation,
            "not_yet_open": consultation.opens_after(moment),
            "has_closed": consultation.has_closed_at(moment),
        },
    )


@never_cache
@require_safe
def feedback_index(request):
    """/innspill/: the open round's form, a choice between open rounds, or a notice."""
    moment = timezone.now()
    open_rounds = list(Consultation.objects.open_at(moment).prefetch_related("questions"))
    section = sections.resolve_section(request.GET)
    if len(open_rounds) == 1:
        consultation = open_rounds[0]
        return _form_page(request, consultation, FeedbackForm(consultation=consultation), section)
    return render(
        request,
        f"{TEMPLATES}/index.html",
        {
            "consultations": open_rounds,
            "section": section,
            "section_query": _section_query(section),
            "last_closed": Consultation.objects.closed_at(moment).first(),
            "next_opening": Consultation.objects.opening_after(moment).first(),
        },
    )


def _round_or_preview(request, slug):
    """The round at `slug`. Staff preview a draft round, and a pending edition of a round (new
    or live) as it will look (portal.editions.preview); an answer is always to the live round."""
    consultations = Consultation.objects.prefetch_related("questions")
    if not is_verified_staff(request.user):
        return get_object_or_404(consultations.published(), slug=slug)
    if request.method == "POST":
        return get_object_or_404(consultations, slug=slug)
    try:
        return preview.find(request.GET, consultations, slug, staff=True)
    except preview.Removed:
        raise Http404 from None


def _shown_open(request, consultation, moment) -> bool:
    """Open to answers. A pending edition's preview (staff, never a POST) shows the form it will
    have within its dates, also for a round not published yet; a draft round shows as closed."""
    if getattr(consultation, "previewed_edition", None) is not None:
        return not consultation.opens_after(moment) and not consultation.has_closed_at(moment)
    return consultation.is_open_at(moment)


def _request_size(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@never_cache
@csrf_exempt  # checked in _consultation_form, after the upload handlers are in place
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_form(request, slug):
    """The form. A POST's files stream through AttachmentUploadHandler, which stops each at its
    size limit; a body larger than three full files and the text is refused unread."""
    if request.method == "POST":
        if _request_size(request) > settings.FEEDBACK_MAX_REQUEST_BYTES:
            return render(
                request,
                f"{TEMPLATES}/too_large.html",
                {
                    "max_files": settings.ATTACHMENT_MAX_FILES,
                    "max_size": attachments.human_size(settings.ATTACHMENT_MAX_BYTES),
                },
                status=413,
            )
        request.upload_problems = attachments.UploadProblems()
        request.upload_handlers = [
            attachments.AttachmentUploadHandler(request, request.upload_problems)
        ]
    return _consultation_form(request, slug)


@csrf_protect
def _consultation_form(request, slug):
    # The moment the request arrived is what counts against the deadline.
    moment = timezone.now()
    consultation = _round_or_preview(request, slug)
    if not _shown_open(request, consultation, moment):
        return _closed_page(request, consultation, moment)
    params = request.POST if request.method == "POST" else request.GET
    section = sections.resolve_section(params)
    if request.method != "POST":
        return _form_page(request, consultation, FeedbackForm(consultation=consultation), section)
    if draft_views.wants_to_save(request):  # "Lagre og fortsett senere"
        return draft_views.save_new(request, consultation, section, moment)

    form = FeedbackForm(
        request.POST,
        request.FILES,
        consultation=consultation,
        upload_problems=request.upload_problems.messages,
    )
    if not form.is_valid():
        return _form_page(request, consultation, form, section)
    # Only what would be stored counts: correcting a form several times costs no allowance.
    decision = services.check_rate_limit(request)
    if not decision.allowed:
        response = render(
            request,
            f"{TEMPLATES}/rate_limited.html",
            {"retry_minutes": math.ceil(decision.retry_after / 60)},
            status=429,
        )
        response["Retry-After"] = str(decision.retry_after)
        return response
    try:
        submission = services.submit_feedback(
            consultation,
            form.cleaned_data,
            moment=moment,
            section=section,
            is_spam=form.is_spam,
            language=translation.get_language(),
            attachments=form.attachments,
        )
    except services.ConsultationClosed:
        return _closed_page(request, consultation, moment)
    return redirect("portal:feedback_receipt", key=submission.feedback.idempotency_key)


@never_cache
@require_safe
def receipt(request, key):
    feedback = services.receipt_for(key, timezone.now())
    if feedback is None:
        return render(request, f"{TEMPLATES}/receipt_gone.html", status=404)
    response = render(
        request,
        f"{TEMPLATES}/receipt.html",
        {"feedback": feedback, "answers": services.answered_questions(feedback)},
    )
    # The address is a key to what was sent: no link on the page passes it on as a Referer.
    # (strict-origin, not no-referrer: see portal/feedback/draft_views.py.)
    response["Referrer-Policy"] = "strict-origin"
    return response


def _closed_round_or_notice(request, slug, template, build_context):
    moment = timezone.now()
    consultation = get_object_or_404(Consultation.objects.published(), slug=slug)
    context = {"consultation": consultation, "has_closed": consultation.has_closed_at(moment)}
    if context["has_closed"]:
        context.update(build_context(consultation))
    return render(request, f"{TEMPLATES}/{template}", context)


def _public_feedback(consultation):
    return (
        Feedback.objects.public()
        .filter(consultation=consultation)
        .select_related("chapter", "step", "consultation")
        .prefetch_related("answers", "consultation__questions")
        .order_by("submitted_at")
    )


@require_safe
def published_responses(request, slug):
    """Responses whose authors chose publication and staff approved, once the round closed."""

    def build(consultation):
        responses = list(_public_feedback(consultation))
        return {
            "responses": [(item, services.answered_questions(item)) for item in responses],
        }

    return _closed_round_or_notice(request, slug, "responses.html", build)


@require_safe
def change_log(request, slug):
    """What changed in the guide because of the input, with the input that may be shown."""

    def build(consultation):
        public = list(_public_feedback(consultation))
        changes = []
        for change in consultation.guide_changes.select_related("chapter", "step").prefetch_related(
            "feedback"
        ):
            linked = list(change.feedback.all())
            shown = [item for item in public if item.pk in {i.pk for i in linked}]
            changes.append(
                (
                    change,
                    [(item, services.answered_questions(item)) for item in shown],
                    len(linked) - len(shown),
                )
            )
        return {"changes": changes}

    return _closed_round_or_notice(request, slug, "changes.html", build)

"""Save and return: the draft's pages. Thin: the rules live in drafts.py.

"Lagre og fortsett senere" is a second submit button of the input form (name "lagre"), so it
works without JavaScript. The first save (from the round's form) makes the draft and leads to the
draft's own address, /innspill/utkast/<token>/, which is also the link in the e-mail. That page
is the form again, filled in, with the draft's version in a hidden field.
"""

import math
from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.feedback import drafts, sections, services
from portal.feedback.forms import DraftForm, FeedbackForm

TEMPLATES = "portal/feedback"
SAVE_BUTTON = "lagre"
VERSION_FIELD = "utkast_versjon"
# ?lagret= on the draft's address after a save: what the page says about it.
SAVED_STATES = {"sent", "failed", "ja"}


def wants_to_save(request) -> bool:
    return request.method == "POST" and SAVE_BUTTON in request.POST


def _no_referrer(response):
    # The draft's address is its key: no request from the page passes it on as a Referer (only
    # the origin). Not "no-referrer": Chromium then sends "Origin: null" with the form, and
    # Django's CSRF check rightly refuses it.
    response["Referrer-Policy"] = "strict-origin"
    return response


def _page(request, consultation, form, section, *, draft=None, status=200, **notice):
    context = {"consultation": consultation, "form": form, "section": section}
    if draft is not None:
        context["draft"] = draft
    context.update(notice)
    return _no_referrer(render(request, f"{TEMPLATES}/form.html", context, status=status))


def _limited(request, consultation, form, section, decision, *, draft=None, sending=False):
    response = _page(
        request,
        consultation,
        form,
        section,
        draft=draft,
        status=429,
        limited_minutes=math.ceil(decision.retry_after / 60),
        limited_sending=sending,
    )
    response["Retry-After"] = str(decision.retry_after)
    return response


def _gone(request):
    return _no_referrer(render(request, f"{TEMPLATES}/draft_gone.html", status=404))


def _draft_context(token: str, version: int | None, **extra) -> dict:
    return {
        "action": drafts.draft_url(token, translation.get_language()),
        "version": version,
        **extra,
    }


def _after_save(saved: drafts.Saved):
    url = drafts.draft_url(saved.token, translation.get_language())
    return _no_referrer(redirect(f"{url}?{urlencode({'lagret': saved.mail or 'ja'})}"))


def save_new(request, consultation, section, moment):
    """The round's form, sent with "Lagre og fortsett senere": make the draft, mail the link."""
    form = DraftForm(request.POST, consultation=consultation)
    if not form.is_valid():
        return _page(request, consultation, form, section, saving=True)
    if form.is_spam:
        # A robot filled the hidden field: nothing is stored, and nobody gets an e-mail.
        return _page(request, consultation, FeedbackForm(consultation=consultation), section)
    decision = drafts.check_mail_limits(request, form.cleaned_data["email"])
    if not decision.allowed:
        return _limited(request, consultation, form, section, decision)
    try:
        saved = drafts.create_draft(
            consultation,
            form.cleaned_data,
            moment=moment,
            section=section,
            language=translation.get_language(),
        )
    except drafts.DraftClosed:
        return render(request, f"{TEMPLATES}/closed.html", {"consultation": consultation})
    return _after_save(saved)


def _version(request) -> int | None:
    try:
        return int(request.POST.get(VERSION_FIELD, ""))
    except ValueError:
        return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def draft_page(request, token):
    moment = timezone.now()
    draft = drafts.find_draft(token, moment)
    if request.method != "POST":
        if draft is None:
            return _gone(request)
        consultation = draft.consultation
        form = FeedbackForm(initial=drafts.form_initial(draft), consultation=consultation)
        saved = request.GET.get("lagret", "")
        return _page(
            request,
            consultation,
            form,
            sections.resolve_section(drafts.section_params(draft)),
            draft=_draft_context(
                token,
                draft.version,
                saved=saved if saved in SAVED_STATES else "",
                updated_at=draft.updated_at,
            ),
        )

    if draft is None:
        # Sent already (by a colleague, or by this same click a moment ago)? Then its receipt.
        sent = drafts.sent_from_link(request.POST.get("token", ""))
        if sent is not None and not wants_to_save(request):
            return _no_referrer(redirect("portal:feedback_receipt", key=sent.idempotency_key))
        return _gone(request)
    consultation = draft.consultation
    section = sections.resolve_section(request.POST)
    base = _version(request)
    saving = wants_to_save(request)
    form = (DraftForm if saving else FeedbackForm)(request.POST, consultation=consultation)
    context = _draft_context(token, base)
    if not form.is_valid():
        return _page(request, consultation, form, section, draft=context, saving=saving)
    try:
        if base != draft.version:  # refused before it costs any allowance; checked again locked
            raise drafts.DraftConflict(draft)
        if saving:
            return _save(request, draft, form, section, token, base, moment)
        return _send(request, draft, form, section, token, base, moment)
    except drafts.DraftConflict as conflict:
        return _page(
            request,
            consultation,
            form,
            section,
            # The next save is made knowing about the other one: it carries the new version.
            draft=_draft_context(token, conflict.version, conflict_at=conflict.saved_at),
            status=409,
        )
    except drafts.DraftClosed:
        return _gone(request)


def _save(request, draft, form, section, token, base, moment):
    email = form.cleaned_data["email"]
    if email.strip().lower() != draft.email.strip().lower():
        decision = drafts.check_mail_limits(request, email)
        if not decision.allowed:
            return _limited(
                request,
                draft.consultation,
                form,
                section,
                decision,
                draft=_draft_context(token, base),
            )
    saved = drafts.save_draft(
        token,
        form.cleaned_data,
        base_version=base,
        moment=moment,
        section=section,
        language=translation.get_language(),
    )
    return _after_save(saved)


def _send(request, draft, form, section, token, base, moment):
    decision = services.check_rate_limit(request)
    if not decision.allowed:
        return _limited(
            request,
            draft.consultation,
            form,
            section,
            decision,
            draft=_draft_context(token, base),
            sending=True,
        )
    submission = drafts.send_draft(
        token,
        form.cleaned_data,
        base_version=base,
        moment=moment,
        section=section,
        is_spam=form.is_spam,
        language=translation.get_language(),
    )
    return _no_referrer(
        redirect("portal:feedback_receipt", key=submission.feedback.idempotency_key)
    )

"""Save and return: input saved as a draft under a secret link, finished and sent later.

The rules:
- The link's token is `secrets.token_urlsafe`, shown once (in the e-mail and in the address the
  saver lands on) and stored only as a SHA-256 hash. It opens that one draft, until the round's
  deadline, and stops working when the draft is sent.
- A draft is not input: it lives in its own table (portal.models.drafts), so nothing staff see,
  count, export or search reads it. Sending it stores a normal input (services.submit_feedback)
  and deletes the draft in the same transaction.
- Everyone with the link may save (colleagues share it). Each save raises the draft's version;
  a save or send from a form that started at an older version is refused (DraftConflict), and
  the view shows the form again with what was typed.
- The link e-mail carries the round's title, the deadline and the link: nothing the respondent
  typed. It is sent when a draft is made, and again when a save names another address, within
  the rate limits of services.check_rate_limit (per client, and per recipient).
- The e-mail is sent in the request, not by a task: a task's arguments are stored in the
  database, and the token must not be.
"""

import datetime as dt
import hashlib
import logging
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from portal import tasks
from portal.feedback import services
from portal.feedback.sections import Section
from portal.models import Consultation, Feedback, FeedbackDraft

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32
# Person fields and the publication choice are kept by name; answers as svar_<question id>.
KEPT_FIELDS = ("name", "organisation", "respondent_type", "county", "email", "publication")


class DraftConflict(Exception):
    """Someone saved the draft after the form being sent was opened."""

    def __init__(self, draft: FeedbackDraft):
        super().__init__(f"draft {draft.pk} is at version {draft.version}")
        self.version = draft.version
        self.saved_at = draft.updated_at


class DraftClosed(Exception):
    """The round is not open (any more): a draft can be neither saved nor sent."""


@dataclass(frozen=True)
class Saved:
    draft: FeedbackDraft
    token: str  # the link's token: only the caller has it, the database has its hash
    mail: str  # "sent", "failed", or "" (no new address, no e-mail)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def draft_url(token: str, language: str) -> str:
    with translation.override(language):
        return reverse("portal:feedback_draft", args=[token])


def find_draft(token: str, moment: dt.datetime) -> FeedbackDraft | None:
    """The draft this link opens, while its round is open; None for anything else."""
    if not token or len(token) > 100:
        return None
    return (
        FeedbackDraft.objects.select_related("consultation")
        .filter(
            token_hash=hash_token(token),
            # Open and published: a round taken down takes its drafts' links with it.
            consultation__in=Consultation.objects.open_at(moment),
        )
        .first()
    )


def form_initial(draft: FeedbackDraft) -> dict:
    """What the form shows for this draft: the saved values, and the form's token (so everyone
    who sends this draft sends the same input, stored once)."""
    return {name: value for name, value in draft.data.items() if name != "section"}


def section_params(draft: FeedbackDraft) -> Mapping[str, str]:
    section = draft.data.get("section")
    return section if isinstance(section, dict) else {}


def _typed(consultation: Consultation, cleaned: Mapping, section: Section | None) -> dict:
    data = {name: cleaned.get(name) or "" for name in KEPT_FIELDS}
    for question, text in cleaned.get("answers", []):
        data[f"svar_{question.pk}"] = text
    if cleaned.get("token"):
        data["token"] = str(cleaned["token"])
    if section is not None:
        data["section"] = section.query()
    return data


class _RecipientAsClient:
    """services.check_rate_limit counts by client address (portal.http.client_ip). A recipient
    is counted by the same function and store with a keyed hash of the address in its place."""

    def __init__(self, email: str):
        digest = hashlib.sha256(f"mottaker:{email.strip().lower()}".encode()).hexdigest()
        self.META = {"REMOTE_ADDR": f"mottaker-{digest[:32]}"}


def check_mail_limits(request, email: str) -> services.RateDecision:
    """The receipts' limit, for the client and for the recipient; the later retry wins."""
    decisions = [
        services.check_rate_limit(request),
        services.check_rate_limit(_RecipientAsClient(email), scope="draft-recipient"),
    ]
    refused = [decision for decision in decisions if not decision.allowed]
    if not refused:
        return services.RateDecision(allowed=True)
    return max(refused, key=lambda decision: decision.retry_after)


def link_message(draft: FeedbackDraft, token: str) -> EmailMessage:
    consultation = draft.consultation
    with translation.override(draft.language):
        body = render_to_string(
            "portal/feedback/draft_email.txt",
            {
                "consultation": consultation,
                "link": settings.SITE_URL + draft_url(token, draft.language),
                "privacy_url": settings.SITE_URL
                + reverse("portal:page_detail", args=["personvern"]),
            },
        )
        subject = gettext("Lenke til utkastet ditt: %(title)s") % {"title": consultation.title}
    return EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[draft.email]
    )


def _mail_link(draft: FeedbackDraft, token: str) -> str:
    try:
        link_message(draft, token).send(using="default")
    except Exception:
        logger.exception("Lenken til utkast %s kunne ikke sendes på e-post", draft.pk)
        return "failed"
    return "sent"


def _schedule_deletion(consultation: Consultation) -> None:
    task = tasks.delete_expired_drafts
    if task.get_backend().supports_defer:
        task.using(run_after=consultation.closes_at).enqueue(consultation.pk)


def create_draft(
    consultation: Consultation,
    cleaned: Mapping,
    *,
    moment: dt.datetime,
    section: Section | None = None,
    language: str = Feedback.Language.BOKMAAL,
) -> Saved:
    """Store a new draft and e-mail its link to cleaned["email"]."""
    if not consultation.is_open_at(moment):
        raise DraftClosed(consultation.slug)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        draft = FeedbackDraft.objects.create(
            consultation=consultation,
            token_hash=hash_token(token),
            email=cleaned["email"],
            data=_typed(consultation, cleaned, section),
            language=language,
            created_at=moment,
            updated_at=moment,
        )
        transaction.on_commit(partial(_schedule_deletion, consultation), robust=True)
    return Saved(draft, token, _mail_link(draft, token))


def _locked(token: str, moment: dt.datetime, base_version: int | None) -> FeedbackDraft:
    draft = (
        FeedbackDraft.objects.select_for_update()
        .select_related("consultation")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if draft is None or not draft.consultation.is_open_at(moment):
        raise DraftClosed()
    if base_version != draft.version:
        raise DraftConflict(draft)
    return draft


def save_draft(
    token: str,
    cleaned: Mapping,
    *,
    base_version: int | None,
    moment: dt.datetime,
    section: Section | None = None,
    language: str = Feedback.Language.BOKMAAL,
) -> Saved:
    """Save over the draft the link opens, if nobody saved it since `base_version`."""
    with transaction.atomic():
        draft = _locked(token, moment, base_version)
        new_address = cleaned["email"].strip().lower() != draft.email.strip().lower()
        draft.data = _typed(draft.consultation, cleaned, section)
        draft.email = cleaned["email"]
        draft.language = language
        draft.version += 1
        draft.updated_at = moment
        draft.save()
    return Saved(draft, token, _mail_link(draft, token) if new_address else "")


def send_draft(
    token: str,
    cleaned: Mapping,
    *,
    base_version: int | None,
    moment: dt.datetime,
    section: Section | None = None,
    is_spam: bool = False,
    language: str = Feedback.Language.BOKMAAL,
) -> services.Submission:
    """Send the draft as input (receipt as for any input) and delete it: the link stops."""
    with transaction.atomic():
        draft = _locked(token, moment, base_version)
        submission = services.submit_feedback(
            draft.consultation,
            cleaned,
            moment=moment,
            section=section,
            is_spam=is_spam,
            language=language,
        )
        draft.delete()
    return submission


def sent_from_link(token_value: str) -> Feedback | None:
    """The input a form with this form token stored, if one did (a colleague sent it first, or
    the send button was pressed twice)."""
    try:
        key = uuid.UUID(str(token_value))
    except ValueError:
        return None
    return Feedback.objects.filter(idempotency_key=key).first()


# --- Deletion after the deadline ---------------------------------------------------------------


def purge_drafts(
    *, moment: dt.datetime, consultation_id: int | None = None, dry_run: bool = False
) -> int:
    """Delete the drafts of every round (or of one) whose deadline has passed."""
    expired = FeedbackDraft.objects.expired_at(moment)
    if consultation_id is not None:
        expired = expired.filter(consultation_id=consultation_id)
    count = expired.count()
    if not dry_run and count:
        expired.delete()
    return count

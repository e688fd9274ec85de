"""The feedback flow as plain functions: submit, receipt, rate limit, overview, retention.

Views and commands call these and stay thin. What the respondent sent is treated as hostile: it
is validated by the form before it gets here, stored as typed, and never trusted for anything the
server can look up itself (the section comes from portal/feedback/sections.py).
"""

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from portal import tasks
from portal.feedback import attachments as attached_files
from portal.feedback import ratelimit
from portal.feedback.sections import Section
from portal.http import client_ip
from portal.models import (
    Consultation,
    Feedback,
    FeedbackAnswer,
    FeedbackAttachment,
    RateCounter,
)
from portal.models.choices import NOT_RELEVANT, REAL_COUNTIES

logger = logging.getLogger(__name__)

OSLO = ZoneInfo("Europe/Oslo")

# References look like VS-2026-4F7K: read aloud on the phone and typed back without doubt, so no
# 0/O, 1/I/L. 31^4 is close to a million per year; a clash is simply drawn again.
REFERENCE_PREFIX = "VS"
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 4
REFERENCE_ATTEMPTS = 20

# The receipt page shows name, e-mail and answers to whoever has its address: only for a while.
RECEIPT_VISIBLE_FOR = dt.timedelta(days=7)


# --- Submitting ------------------------------------------------------------------------------


class ConsultationClosed(Exception):
    pass


@dataclass(frozen=True)
class Submission:
    feedback: Feedback
    created: bool  # False: this form was sent before, and this is the row it stored


def new_reference(moment: dt.datetime) -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{REFERENCE_PREFIX}-{moment.astimezone(OSLO).year}-{code}"


def submit_feedback(
    consultation: Consultation,
    data: Mapping,
    *,
    moment: dt.datetime,
    section: Section | None = None,
    is_spam: bool = False,
    language: str = Feedback.Language.BOKMAAL,
    attachments=(),
) -> Submission:
    """Store one piece of input, once, and send its e-mail receipt after the commit.

    `data` is a FeedbackForm's cleaned_data. `moment` is when the request arrived: that is the
    time measured against the deadline and shown on the receipt. `language` is the written form
    the form was sent in (nb or nn): the receipt page and e-mail are in it. `attachments` are
    the form's accepted, pending files: they become this input's, and are checked in the queue.
    """
    if not consultation.is_open_at(moment):
        raise ConsultationClosed(consultation.slug)
    key = data["token"]
    answers = data["answers"]
    with transaction.atomic():
        existing = Feedback.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return Submission(existing, created=False)
        for _ in range(REFERENCE_ATTEMPTS):
            try:
                with transaction.atomic():
                    feedback = Feedback.objects.create(
                        consultation=consultation,
                        reference=new_reference(moment),
                        idempotency_key=key,
                        submitted_at=moment,
                        name=data["name"],
                        organisation=data["organisation"],
                        respondent_type=data["respondent_type"],
                        county=data["county"],
                        email=data["email"],
                        publication=data["publication"],
                        language=language,
                        chapter=section.chapter if section else None,
                        step=section.step if section else None,
                        section_anchor=section.anchor if section else "",
                        section_title=section.title if section else "",
                        status=Feedback.Status.SPAM if is_spam else Feedback.Status.NEW,
                    )
                    FeedbackAnswer.objects.bulk_create(
                        FeedbackAnswer(
                            feedback=feedback,
                            question=question,
                            question_text=question.text,
                            text=text,
                        )
                        for question, text in answers
                        if text
                    )
                break
            except IntegrityError:
                # Either the same form arrived twice at once (the other request has committed
                # by now and holds the key), or the reference was drawn before: draw again.
                existing = Feedback.objects.filter(idempotency_key=key).first()
                if existing is not None:
                    return Submission(existing, created=False)
        else:
            raise RuntimeError("Fant ingen ledig referanse etter flere forsøk.")
        attached_files.claim(feedback, list(attachments))
        if feedback.email and not is_spam:
            # After the commit: the input is safe before anything can go wrong with the mail.
            # A task (portal/tasks/mail.py), retried if the mail server fails.
            transaction.on_commit(partial(tasks.mail_receipt.enqueue, feedback.pk), robust=True)
    return Submission(feedback, created=True)


def receipt_for(key: uuid.UUID, moment: dt.datetime) -> Feedback | None:
    return (
        Feedback.objects.select_related("consultation", "chapter", "step")
        .prefetch_related("answers", "consultation__questions", "attachments")
        .filter(idempotency_key=key, submitted_at__gte=moment - RECEIPT_VISIBLE_FOR)
        .first()
    )


def answered_questions(feedback: Feedback) -> list[tuple[str, str]]:
    """(question, answer) for every question of the round, "" where it was not answered."""
    given = {answer.question_id: answer.text for answer in feedback.answers.all()}
    return [
        (question.text, given.get(question.pk, ""))
        for question in feedback.consultation.questions.all()
    ]


def receipt_message(feedback: Feedback) -> EmailMessage:
    """The e-mail receipt, in the written form the input was sent in, whoever sends it.

    Anyone may type any address in the form, so the message carries nothing the sender typed
    (no name, organisation or answers) and no link to a page that shows it: otherwise the form
    would relay a stranger's text from the ministry's address."""
    with translation.override(feedback.language):
        body = render_to_string(
            "portal/feedback/receipt_email.txt",
            {
                # The reference and the time only: see the template.
                "feedback": feedback,
                "attachments": list(feedback.attachments.all()),
                "privacy_url": settings.SITE_URL
                + reverse("portal:page_detail", args=["personvern"]),
            },
        )
        subject = gettext("Kvittering for innspill %(reference)s") % {
            "reference": feedback.reference
        }
    return EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[feedback.email]
    )


def send_receipt(feedback_id: int) -> bool:
    """E-mail the receipt. Never raises: the input is stored whatever happens to the mail."""
    feedback = None
    try:
        feedback = Feedback.objects.select_related("consultation", "chapter", "step").get(
            pk=feedback_id
        )
        message = receipt_message(feedback)
        message.send(using="default")
    except Exception:
        # The reference, not the address: the log should not become a second register.
        reference = feedback.reference if feedback else f"id {feedback_id}"
        logger.exception("Kvitteringen for innspill %s kunne ikke sendes på e-post", reference)
        return False
    Feedback.objects.filter(pk=feedback_id).update(receipt_sent_at=timezone.now())
    return True


# --- Rate limit ------------------------------------------------------------------------------


_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(text: str) -> tuple[int, int] | None:
    """ "10/h" -> (10, 3600); "30/15m" -> (30, 900); "" or "0/h" -> None (no limit)."""
    if not text.strip():
        return None
    match = _RATE.match(text)
    if not match:
        raise ImproperlyConfigured(
            f"FEEDBACK_RATE_LIMIT={text!r}: skriv for eksempel 10/h, 100/d eller 30/15m."
        )
    count, multiplier, unit = match.groups()
    if int(count) == 0:
        return None
    return int(count), int(multiplier or 1) * _UNIT_SECONDS[unit]


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int = 0


def check_rate_limit(
    request, *, scope: str = "feedback", setting: str = "FEEDBACK_RATE_LIMIT"
) -> RateDecision:
    """Count this submission against the client's allowance for the current window, at the
    rate named by `setting` (each scope counts on its own).

    A fixed window counted in PostgreSQL (portal/feedback/ratelimit.py), so every worker and
    every instance counts together, with or without Redis. The address is kept only as a keyed
    hash, and only for the window (see /personvern/). If the count cannot be made the
    submission is let through: losing input is worse than a burst of spam.
    """
    rate = parse_rate(getattr(settings, setting))
    if rate is None:
        return RateDecision(allowed=True)
    limit, period = rate
    now = time.time()
    window = int(now // period)
    address = hmac.new(
        settings.SECRET_KEY.encode(), client_ip(request).encode(), hashlib.sha256
    ).hexdigest()[:32]
    key = f"{scope}:{period}:{window}:{address}"
    expires_at = dt.datetime.fromtimestamp((window + 1) * period + 5, tz=dt.UTC)
    try:
        with transaction.atomic():
            count = ratelimit.count_hit(key, expires_at=expires_at)
    except DatabaseError:
        logger.warning("Grensen for innspill per adresse kunne ikke sjekkes", exc_info=True)
        return RateDecision(allowed=True)
    if count <= limit:
        return RateDecision(allowed=True)
    return RateDecision(allowed=False, retry_after=max(1, int((window + 1) * period - now)))


# --- Overview for staff ----------------------------------------------------------------------


@dataclass(frozen=True)
class CountyCoverage:
    code: str
    name: str
    total: int
    from_county_authority: int  # from respondents who answered as the fylkeskommune


@dataclass(frozen=True)
class Overview:
    consultation: Consultation
    total: int
    spam: int
    by_status: list[tuple[str, int]]
    by_question: list[tuple[str, int]]
    by_respondent_type: list[tuple[str, int]]
    by_section: list[tuple[str, int]]
    counties_answered: list[CountyCoverage]
    counties_missing: list[CountyCoverage]
    not_county_specific: int

    @property
    def county_count(self) -> int:
        return len(self.counties_answered) + len(self.counties_missing)


def consultation_overview(consultation: Consultation) -> Overview:
    """The numbers staff ask for before a deadline. Spam is counted apart and nowhere else."""
    everything = Feedback.objects.filter(consultation=consultation)
    genuine = everything.genuine()
    status_counts = dict(genuine.values_list("status").annotate(n=Count("id")).order_by())
    type_counts = dict(genuine.values_list("respondent_type").annotate(n=Count("id")).order_by())
    authority = Q(respondent_type=Feedback.RespondentType.COUNTY)
    # Rejected input does not count as the county having answered.
    kept = genuine.exclude(status=Feedback.Status.REJECTED)
    county_rows = {
        row["county"]: row
        for row in kept.values("county")
        .annotate(total=Count("id"), authority=Count("id", filter=authority))
        .order_by()
    }
    coverage = [
        CountyCoverage(
            code=county.code,
            name=county.name,
            total=county_rows.get(county.code, {}).get("total", 0),
            from_county_authority=county_rows.get(county.code, {}).get("authority", 0),
        )
        for county in REAL_COUNTIES
    ]
    questions = consultation.questions.annotate(
        n=Count("answers", filter=~Q(answers__feedback__status=Feedback.Status.SPAM))
    )
    sections: dict[str, int] = {}
    for feedback in genuine.select_related("chapter", "step").only(
        "chapter__title", "step__name", "section_title", "chapter_id", "step_id"
    ):
        label = feedback.section_label
        sections[label] = sections.get(label, 0) + 1
    return Overview(
        consultation=consultation,
        total=genuine.count(),
        spam=everything.filter(status=Feedback.Status.SPAM).count(),
        by_status=[
            (label, status_counts.get(value, 0))
            for value, label in Feedback.Status.choices
            if value != Feedback.Status.SPAM
        ],
        by_question=[(question.text, question.n) for question in questions],
        by_respondent_type=[
            (label, type_counts.get(value, 0)) for value, label in Feedback.RespondentType.choices
        ],
        by_section=sorted(sections.items(), key=lambda item: (-item[1], item[0])),
        counties_answered=[county for county in coverage if county.total],
        counties_missing=[county for county in coverage if not county.total],
        not_county_specific=county_rows.get(NOT_RELEVANT, {}).get("total", 0),
    )


# --- Retention -------------------------------------------------------------------------------


def purge_expired(*, moment: dt.datetime, days: int, dry_run: bool = False) -> int:
    """Delete spam and rejected input submitted more than `days` days before `moment`."""
    expired = Feedback.objects.expired_junk(moment - dt.timedelta(days=days))
    count = expired.count()
    if dry_run:
        return count
    if count:
        # The files go with their rows, after the commit, so a failed purge deletes none.
        stored = attached_files.stored_paths(
            FeedbackAttachment.objects.filter(feedback__in=expired)
        )
        with transaction.atomic():
            expired.delete()
            transaction.on_commit(partial(attached_files.delete_stored, stored))
    # The rate limit's windows past their time, should no submission have swept them since.
    RateCounter.objects.filter(expires_at__lt=moment).delete()
    attached_files.purge_pending(moment)
    return count

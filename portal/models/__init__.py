from portal.models.access import AccessLogEntry
from portal.models.attachments import FeedbackAttachment
from portal.models.consultation import Consultation, ConsultationQuestion
from portal.models.content import (
    SHORT_VERSION_SLUG,
    Chapter,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
    Status,
    Theme,
    part_order,
)
from portal.models.drafts import FeedbackDraft
from portal.models.editions import Edition, Removal
from portal.models.feedback import Feedback, FeedbackAnswer, GuideChange
from portal.models.page_rating import PageRating
from portal.models.ratelimit import RateCounter
from portal.models.tasks import FailedTask, WorkerHeartbeat
from portal.models.workspace import (
    Assessment,
    FactorScore,
    LoginRecord,
    Membership,
    NextAction,
    StepAssessment,
    Workspace,
)

__all__ = [
    "SHORT_VERSION_SLUG",
    "AccessLogEntry",
    "Assessment",
    "Chapter",
    "Consultation",
    "ConsultationQuestion",
    "Edition",
    "ExampleCase",
    "FactorScore",
    "FailedTask",
    "Feedback",
    "FeedbackAnswer",
    "FeedbackAttachment",
    "FeedbackDraft",
    "GlossaryTerm",
    "GuideChange",
    "LoginRecord",
    "Membership",
    "NextAction",
    "Page",
    "PageRating",
    "ProcessStep",
    "RateCounter",
    "Removal",
    "Source",
    "Status",
    "StepAssessment",
    "Theme",
    "WorkerHeartbeat",
    "Workspace",
    "part_order",
]

from portal.models.access import AccessLogEntry
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
from portal.models.editions import Edition, Removal
from portal.models.feedback import Feedback, FeedbackAnswer, GuideChange
from portal.models.ratelimit import RateCounter
from portal.models.tasks import FailedTask, WorkerHeartbeat

__all__ = [
    "SHORT_VERSION_SLUG",
    "AccessLogEntry",
    "Chapter",
    "Consultation",
    "ConsultationQuestion",
    "Edition",
    "ExampleCase",
    "FailedTask",
    "Feedback",
    "FeedbackAnswer",
    "GlossaryTerm",
    "GuideChange",
    "Page",
    "ProcessStep",
    "RateCounter",
    "Removal",
    "Source",
    "Status",
    "Theme",
    "WorkerHeartbeat",
    "part_order",
]

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
)
from portal.models.feedback import Feedback, FeedbackAnswer, GuideChange

__all__ = [
    "SHORT_VERSION_SLUG",
    "Chapter",
    "Consultation",
    "ConsultationQuestion",
    "ExampleCase",
    "Feedback",
    "FeedbackAnswer",
    "GlossaryTerm",
    "GuideChange",
    "Page",
    "ProcessStep",
    "Source",
    "Status",
    "Theme",
]

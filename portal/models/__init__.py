from portal.models.consultation import Consultation, ConsultationQuestion
from portal.models.content import (
    Chapter,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
    Status,
    Theme,
)

__all__ = [
    "Chapter",
    "Consultation",
    "ConsultationQuestion",
    "ExampleCase",
    "GlossaryTerm",
    "Page",
    "ProcessStep",
    "Source",
    "Status",
    "Theme",
]

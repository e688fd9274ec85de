"""Bokmål and nynorsk for the public models (django-modeltranslation), then their history.

Each translatable field gets a `_nb` and an `_nn` column on the same row, so an object keeps one
history, one publication state and one search vector. Bokmål is required where the field is
required; nynorsk is always optional, and a field without nynorsk text is read in bokmål
(MODELTRANSLATION_FALLBACK_LANGUAGES). Code that must know which form it reads or writes (the
content import and export, search) names the `_nb`/`_nn` fields; templates read the plain name,
which gives the active language.

History is registered here, after the translation fields exist, as simple-history asks: the
historical tables then carry both forms. The table names are the ones the models' own
`HistoricalRecords()` made, so the history written before stays where it was.
"""

import simple_history
from modeltranslation.translator import TranslationOptions, translator

from portal.models import (
    Chapter,
    Consultation,
    ConsultationQuestion,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
    Theme,
)

BOKMAL, NYNORSK = "nb", "nn"

TRANSLATED_FIELDS: dict[type, tuple[str, ...]] = {
    Chapter: ("title", "lead", "body"),
    ProcessStep: (
        "name",
        "summary",
        "body",
        "questions",
        "roles",
        "eu_elements",
        "method",
        "participants",
        "duration",
        "outcome",
        "checklist_before",
        "checklist_done",
    ),
    ExampleCase: ("title", "summary", "body", "region"),
    GlossaryTerm: ("term", "definition"),
    Page: ("title", "lead", "body"),
    Source: ("note",),
    Theme: ("name", "description"),
    Consultation: ("title", "introduction"),
    ConsultationQuestion: ("text", "help_text"),
}

# The history keeps what editors wrote; the derived search columns would only bloat it. It keeps
# the relations editors choose too (a chapter's steps, an example's steps, themes and sources), so
# the history can name what was linked and unlinked.
SEARCH_HISTORY_EXCLUDED = ["search_vector", "search_head"]
HISTORY: dict[type, dict] = {
    Theme: {},
    ProcessStep: {"excluded_fields": SEARCH_HISTORY_EXCLUDED},
    Chapter: {"excluded_fields": SEARCH_HISTORY_EXCLUDED, "m2m_fields": ["steps"]},
    Source: {},
    ExampleCase: {
        "excluded_fields": SEARCH_HISTORY_EXCLUDED,
        "m2m_fields": ["steps", "themes", "sources"],
    },
    GlossaryTerm: {"excluded_fields": SEARCH_HISTORY_EXCLUDED},
    Page: {"excluded_fields": SEARCH_HISTORY_EXCLUDED},
    Consultation: {},
}

for _model, _fields in TRANSLATED_FIELDS.items():
    translator.register(
        _model,
        type(
            f"{_model.__name__}TranslationOptions",
            (TranslationOptions,),
            {"fields": _fields, "required_languages": (BOKMAL,)},
        ),
    )

for _model, _options in HISTORY.items():
    simple_history.register(_model, **_options)


# The fields whose nynorsk text makes an object readable in nynorsk: its heading and its text.
MAIN_FIELDS: dict[type, tuple[str, ...]] = {
    Chapter: ("title", "body"),
    ProcessStep: ("name", "body"),
    ExampleCase: ("title", "body"),
    GlossaryTerm: ("term", "definition"),
    Page: ("title", "body"),
    Source: ("note",),
    Theme: ("name",),
    Consultation: ("title", "introduction"),
}


def shown_in_bokmal(obj, language: str) -> bool:
    """Read in `language`, is the object shown in bokmål because its nynorsk text is missing?"""
    if language != NYNORSK or type(obj) not in MAIN_FIELDS:
        return False
    return not all(getattr(obj, f"{field}_{NYNORSK}") for field in MAIN_FIELDS[type(obj)])

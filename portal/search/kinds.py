"""What search looks in: one Kind per model, plus the workshop sheets, which have no table of their
own (a sheet is a step's questions laid out for a meeting) and so carry their own small vector."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.models import Chapter, ExampleCase, GlossaryTerm, Page, ProcessStep


@dataclass(frozen=True)
class Kind:
    key: str
    param: str  # its value of ?type= in the address, in Norwegian
    label: Promise
    plural: Promise
    model: type
    title_field: str
    text_fields: tuple[str, ...]  # Markdown or plain text shown in the snippet, in order
    url_name: str
    on_list_page: bool = False  # one page lists them all, with the slug as an anchor
    title_prefix: Promise | str = ""
    # SQL for the document's full vector and its title-and-lead vector (`d` is the row).
    vector: str = "d.search_vector"
    head: str = "d.search_head"

    def url(self, slug: str) -> str:
        if self.on_list_page:
            return f"{reverse(self.url_name)}#{slug}"
        return reverse(self.url_name, args=[slug])

    @property
    def table(self) -> str:
        return self.model._meta.db_table


# A sheet is found by the word "arbeidsark" and by its step's name (the title-weight lexemes of
# the stored vector): joining stored vectors costs no parsing per row.
_SHEET_VECTOR = "('arbeidsark:1A'::tsvector || ts_filter(d.search_head, '{a}'))"

KINDS = (
    Kind(
        "chapter",
        "kapittel",
        _("Kapittel"),
        _("Kapitler"),
        Chapter,
        "title",
        ("lead", "body"),
        "portal:chapter_detail",
    ),
    Kind(
        "step",
        "steg",
        _("Steg"),
        _("Steg"),
        ProcessStep,
        "name",
        ("summary", "body", "questions"),
        "portal:step_detail",
    ),
    Kind(
        "example",
        "eksempel",
        _("Eksempel"),
        _("Eksempler"),
        ExampleCase,
        "title",
        ("summary", "body"),
        "portal:example_detail",
    ),
    Kind(
        "term",
        "begrep",
        _("Begrep"),
        _("Begreper"),
        GlossaryTerm,
        "term",
        ("definition",),
        "portal:glossary",
        on_list_page=True,
    ),
    Kind(
        "page", "side", _("Side"), _("Sider"), Page, "title", ("lead", "body"), "portal:page_detail"
    ),
    Kind(
        "sheet",
        "arbeidsark",
        _("Arbeidsark"),
        _("Arbeidsark"),
        ProcessStep,
        "name",
        ("summary", "questions"),
        "portal:workshop_sheet",
        title_prefix=_("Arbeidsark: "),
        vector=_SHEET_VECTOR,
        head=_SHEET_VECTOR,
    ),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}
KINDS_BY_PARAM = {kind.param: kind for kind in KINDS}
# The tables that hold searchable documents, each once.
DOCUMENT_TABLES = tuple(dict.fromkeys(kind.table for kind in KINDS))

"""Input as a table, for CSV (opens in Excel) and XLSX: one row per input, one column per question.

The same rows serve the admin's export (the filtered changelist) and `manage.py export_feedback`.
Everything in a cell is the respondent's text and is treated as such: a leading =, +, - or @ is
defused in CSV, and XLSX cells are written as strings, so a spreadsheet never runs a formula a
respondent typed.
"""

import csv
import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from portal.feedback import attachments
from portal.models import ConsultationQuestion, Feedback, FeedbackAttachment

FIXED_COLUMNS = (
    _("Referanse"),
    _("Mottatt"),
    _("Innspillsrunde"),
    _("Status"),
    _("Navn"),
    _("Organisasjon"),
    _("Avsendertype"),
    _("Fylke"),
    _("E-post"),
    _("Publisering"),
    _("Målform"),
    _("Godkjent for publisering"),
    _("Gjelder"),
    _("Kapittel eller steg"),
    _("Del (anker)"),
    _("Intern merknad"),
    _("Vedlegg"),
)
# Excel in Norwegian uses the semicolon as list separator; with a comma it puts all in column A.
CSV_DELIMITER = ";"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _questions(queryset) -> list[ConsultationQuestion]:
    consultation_ids = queryset.order_by().values("consultation_id").distinct()
    return list(
        ConsultationQuestion.objects.filter(consultation_id__in=consultation_ids)
        .select_related("consultation")
        .order_by("consultation__opens_at", "consultation_id", "order")
    )


def header_row(questions: list[ConsultationQuestion]) -> list[str]:
    several_rounds = len({q.consultation_id for q in questions}) > 1
    return [
        *(str(column) for column in FIXED_COLUMNS),
        *(f"{q.consultation.title}: {q.text}" if several_rounds else q.text for q in questions),
    ]


def _row(feedback: Feedback, questions: list[ConsultationQuestion]) -> list[str]:
    answers = {answer.question_id: answer.text for answer in feedback.answers.all()}
    page = (
        feedback.chapter.slug
        if feedback.chapter_id
        else (feedback.step.slug if feedback.step_id else "")
    )
    return [
        feedback.reference,
        timezone.localtime(feedback.submitted_at).strftime("%Y-%m-%d %H:%M"),
        feedback.consultation.title,
        feedback.get_status_display(),
        feedback.name,
        feedback.organisation,
        feedback.get_respondent_type_display(),
        feedback.county_name,
        feedback.email,
        feedback.get_publication_display(),
        feedback.get_language_display(),
        gettext("ja") if feedback.publication_approved else gettext("nei"),
        feedback.section_label,
        page,
        feedback.section_anchor,
        feedback.internal_note,
        attachment_list(feedback),
        *(answers.get(question.pk, "") for question in questions),
    ]


def rows(queryset) -> tuple[list[str], Iterator[list[str]]]:
    """The header, and the rows of `queryset` in its own order, read in chunks."""
    questions = _questions(queryset)
    items = queryset.select_related("consultation", "chapter", "step").prefetch_related(
        "answers", "attachments"
    )

    def generate() -> Iterator[list[str]]:
        for feedback in items.iterator(chunk_size=500):
            yield _row(feedback, questions)

    return header_row(questions), generate()


def _defuse(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def write_csv(queryset, stream: IO[str]) -> None:
    """UTF-8 with BOM (the caller opens `stream` as utf-8-sig) so Excel reads æøå right."""
    header, body = rows(queryset)
    writer = csv.writer(stream, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(header)
    for row in body:
        writer.writerow([_defuse(value) for value in row])


def csv_bytes(queryset) -> bytes:
    stream = io.StringIO()
    write_csv(queryset, stream)
    return stream.getvalue().encode("utf-8-sig")


def _string_cells(sheet, values: Iterable[str], *, bold: bool = False) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # a string, even if it starts with "=": never a formula
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def write_xlsx(queryset, stream: IO[bytes]) -> None:
    header, body = rows(queryset)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Innspill"))
    sheet.freeze_panes = "B2"
    sheet.append(_string_cells(sheet, header, bold=True))
    for row in body:
        sheet.append(_string_cells(sheet, row))
    workbook.save(stream)


def xlsx_bytes(queryset) -> bytes:
    stream = io.BytesIO()
    write_xlsx(queryset, stream)
    return stream.getvalue()


def file_name(extension: str, what: str = "innspill") -> str:
    return f"{what}-{timezone.localtime():%Y-%m-%d-%H%M}.{extension}"


def attachment_list(feedback: Feedback) -> str:
    """ "brev.pdf (1,2 MB, klar); ..." for one input's attachments."""
    return "; ".join(
        f"{a.display_name} ({filesizeformat(a.size)}, {a.get_status_display().lower()})"
        for a in feedback.attachments.all()
    )


def _zip_name(index: int, name: str) -> str:
    # Display names have no path or control characters (attachments.display_name); the number
    # keeps two files of the same name apart.
    return f"{index}-{name.replace('/', '_')}"


def attachments_zip(queryset) -> IO[bytes]:
    """The attachments of `queryset` for the archive, in a temporary file: per input
    <reference>/original/ (untouched) and <reference>/trygg/ (the safe copy), and vedlegg.csv
    listing every file with its checksum and status. Quarantined files are listed, not packed."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    listing = io.StringIO()
    writer = csv.writer(listing, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(
        [gettext("Referanse"), gettext("Filnavn"), gettext("Byte"), "SHA-256", gettext("Status")]
    )
    found = (
        FeedbackAttachment.objects.filter(feedback__in=queryset.order_by().values("pk"))
        .select_related("feedback")
        .order_by("feedback__submitted_at", "pk")
    )
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for index, attachment in enumerate(found.iterator(), start=1):
            reference = attachment.feedback.reference
            writer.writerow(
                [
                    reference,
                    _defuse(attachment.display_name),
                    attachment.size,
                    attachment.sha256,
                    attachment.get_status_display(),
                ]
            )
            if attachment.status == FeedbackAttachment.Status.QUARANTINED:
                continue
            name = _zip_name(index, attachment.display_name)
            for folder, relative in (
                ("original", attachment.original_path),
                ("trygg", attachment.safe_path),
            ):
                if not relative:
                    continue
                try:
                    archive.write(attachments.path_of(relative), f"{reference}/{folder}/{name}")
                except (FileNotFoundError, ValueError):
                    continue
        archive.writestr("vedlegg.csv", listing.getvalue().encode("utf-8-sig"))
    out.seek(0)
    return out

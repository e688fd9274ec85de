"""A step's spreadsheet template as an XLSX file, built with openpyxl from the step's `workbook`
and `data_sources` (portal/workbooks/spec.py describes both). Nothing binary is kept in git: the
view builds the file on request and the page cache keeps it per content version.

The file has a first sheet that explains every column, one sheet per table, and a sheet of data
sources. Each table has its headings, then (for a scoring matrix) the weights row, then one
example row marked in the last column as an illustration, then empty rows whose formulas are
already in place, so a county can type its own figures straight in.
"""

import io
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from portal.workbooks.spec import TOKEN

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTE_HEADER = "Merknad"
EXAMPLE_MARK = "Eksempel (illustrasjon): oppdiktede tall, skriv over eller slett raden"
ILLUSTRATION_NOTE = (
    "Raden merket «Eksempel (illustrasjon)» er oppdiktet. Navn og tall er ikke hentet fra noen "
    "virkelig region. Skriv over raden eller slett den."
)
WEIGHTS_NOTE = "Vektene i raden «{label}» er også et eksempel. Sett deres egne, og la summen bli 1."
INSTRUCTIONS = "Veiledning"
SOURCES = "Datakilder"

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F0")
EXAMPLE_FILL = PatternFill("solid", fgColor="F2F2F2")
EXAMPLE_FONT = Font(italic=True, color="595959")
WRAP = Alignment(wrap_text=True, vertical="top")


def file_name(step) -> str:
    return f"mal-steg-{step.order}-{step.slug}.xlsx"


def header_row(sheet: dict[str, Any]) -> int:
    """The row of a table's headings: under the title, its intro lines, the notes and a gap."""
    notes = 1 + (1 if "weights_label" in sheet else 0)
    return 1 + len(sheet["intro"]) + notes + 2


def example_row(sheet: dict[str, Any]) -> int:
    return header_row(sheet) + (2 if "weights_label" in sheet else 1)


def formula_for(sheet: dict[str, Any], formula: str, row: int) -> str:
    """The column keys of `formula` as cell references in `row` (and the weights row)."""
    letters = {c["key"]: get_column_letter(i) for i, c in enumerate(sheet["columns"], start=1)}
    weights = header_row(sheet) + 1

    def cell(key: str, absolute: bool) -> str:
        return f"${letters[key]}${weights}" if absolute else f"{letters[key]}{row}"

    def replace(match: re.Match) -> str:
        absolute, first, last = bool(match[1]), match[2], match[3]
        if last:
            return f"{cell(first, absolute)}:{cell(last, absolute)}"
        return cell(first, absolute)

    return f'=IFERROR({TOKEN.sub(replace, formula)},"")'


def build_workbook(step, site_url: str = "") -> bytes:
    spec = step.workbook
    book = Workbook()
    book.properties.title = spec["title"]
    book.properties.creator = "Smart spesialisering – veileder for fylkeskommunen"
    _instructions(book.active, step, spec, site_url)
    for sheet in spec["sheets"]:
        _table(book.create_sheet(sheet["name"]), sheet)
    if step.data_sources:
        _sources(book.create_sheet(SOURCES), step.data_sources)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _instructions(ws: Worksheet, step, spec: dict[str, Any], site_url: str) -> None:
    ws.title = INSTRUCTIONS
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 90
    ws.append([spec["title"]])
    ws["A1"].font = TITLE
    ws.append([f"Steg {step.order}: {step.name}"])
    _gap(ws)
    for line in [*spec["intro"], ILLUSTRATION_NOTE]:
        ws.append([line])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=2)
        ws.cell(ws.max_row, 1).alignment = WRAP
        ws.row_dimensions[ws.max_row].height = 15 * (1 + len(line) // 110)
    for sheet in spec["sheets"]:
        _gap(ws)
        ws.append([f"Arket «{sheet['name']}»"])
        ws.cell(ws.max_row, 1).font = BOLD
        ws.append(["Kolonne", "Forklaring"])
        for cell in ws[ws.max_row]:
            cell.font, cell.fill = BOLD, HEADER_FILL
        for column in sheet["columns"]:
            ws.append([column["header"], column["help"]])
            ws.cell(ws.max_row, 2).alignment = WRAP
        ws.append([NOTE_HEADER, "Viser hvilken rad som er eksempelet. Skriv egne merknader her."])
    _gap(ws)
    url = f"{site_url}{step.get_absolute_url()}"
    ws.append(["Fra veilederen", f"Smart spesialisering – veileder for fylkeskommunen: {url}"])


def _table(ws: Worksheet, sheet: dict[str, Any]) -> None:
    columns = sheet["columns"]
    ws.append([sheet["name"]])
    ws["A1"].font = TITLE
    notes = [*sheet["intro"], ILLUSTRATION_NOTE]
    if "weights_label" in sheet:
        notes.append(WEIGHTS_NOTE.format(label=sheet["weights_label"]))
    for line in notes:
        ws.append([line])
    top = header_row(sheet)  # one empty row between the notes and the table
    for index, heading in enumerate([c["header"] for c in columns] + [NOTE_HEADER], start=1):
        ws.cell(top, index, heading)
    for cell in ws[top]:
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP
    ws.freeze_panes = ws.cell(top + 1, 1)
    if "weights_label" in sheet:
        weights = [c.get("weight") for c in columns]
        weights[0] = sheet["weights_label"]
        for index, value in enumerate([*weights, "Eksempel (illustrasjon): vekter"], start=1):
            ws.cell(top + 1, index, value).font = Font(bold=True, italic=True)
    first = example_row(sheet)
    last = first + sheet["rows"]
    for row in range(first, last + 1):
        for index, column in enumerate(columns, start=1):
            cell = ws.cell(row, index)
            if "formula" in column:
                cell.value = formula_for(sheet, column["formula"], row)
            elif row == first:
                cell.value = column.get("example")
            if column.get("format"):
                cell.number_format = column["format"]
        if row == first:
            ws.cell(row, len(columns) + 1, EXAMPLE_MARK)
            for cell in ws[row]:
                cell.fill, cell.font = EXAMPLE_FILL, EXAMPLE_FONT
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.get("width", 18)
        if column.get("choices"):
            rule = DataValidation(
                type="list", formula1='"' + ",".join(column["choices"]) + '"', allow_blank=True
            )
            rule.add(f"{letter}{first}:{letter}{last}")
            ws.add_data_validation(rule)
    ws.column_dimensions[get_column_letter(len(columns) + 1)].width = 40


def _gap(ws: Worksheet) -> None:
    """An empty row (openpyxl's append([]) writes none)."""
    ws.cell(ws.max_row + 1, 1)


def _sources(ws: Worksheet, sources: list[dict[str, str]]) -> None:
    ws.append(["Offentlige datakilder for steget"])
    ws["A1"].font = TITLE
    ws.append(["Sjekk selv hva kilden har i dag: innhold og adresser kan endre seg."])
    _gap(ws)
    ws.append(["Kilde", "Utgiver", "Hva den inneholder", "Adresse"])
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for source in sources:
        ws.append([source["name"], source["publisher"], source["holds"], source["url"]])
        ws.cell(ws.max_row, 3).alignment = WRAP
        ws.cell(ws.max_row, 4).hyperlink = source["url"]
    for letter, width in zip("ABCD", (30, 26, 70, 50), strict=True):
        ws.column_dimensions[letter].width = width

"""Spreadsheet templates: what content/ may say about one (portal/workbooks/spec.py), and the
file the portal builds from it (portal/workbooks/build.py)."""

import io
import textwrap
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from portal.content import ContentError, read_content
from portal.workbooks.build import EXAMPLE_MARK, build_workbook, formula_for
from portal.workbooks.spec import dump_workbook, parse_data_sources, parse_workbook
from tests.conftest import MINIMAL_CONTENT, write_tree

SPEC = {
    "title": "Prøvemal",
    "sheets": [
        {
            "name": "Matrise",
            "intro": ["Første linje.", "Andre linje."],
            "rows": 3,
            "columns": [
                {"key": "navn", "header": "Navn", "help": "Hva det er.", "example": "Noe"},
                {"key": "a", "header": "A", "help": "Kriterium A.", "example": 4, "weight": 0.6},
                {"key": "b", "header": "B", "help": "Kriterium B.", "example": 2, "weight": 0.4},
                {
                    "key": "sum",
                    "header": "Sum",
                    "help": "Regnes ut.",
                    "formula": "SUMPRODUCT({w:a..b},{a..b})",
                },
                {
                    "key": "valg",
                    "header": "Valg",
                    "help": "Velg.",
                    "example": "Ja",
                    "choices": ["Ja", "Nei"],
                },
            ],
        }
    ],
}


def test_a_parsed_template_round_trips_through_its_file_form():
    parsed = parse_workbook(SPEC)
    assert parsed["sheets"][0]["weights_label"] == "Vekt"
    assert parse_workbook(dump_workbook(parsed)) == parsed
    assert dump_workbook({}) is None and parse_workbook(None) == {}


def test_column_keys_in_a_formula_become_cell_references():
    sheet = parse_workbook(SPEC)["sheets"][0]
    # Title, two intro lines, the illustration and weights notes, a gap: headings on row 7.
    assert formula_for(sheet, "SUMPRODUCT({w:a..b},{a..b})", 9) == (
        '=IFERROR(SUMPRODUCT($B$8:$C$8,B9:C9),"")'
    )
    assert formula_for(sheet, "{a}/{b}", 12) == '=IFERROR(B12/C12,"")'


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"formula": "{a}+{ukjent}"}, "kjenner ikke «ukjent»"),
        ({"formula": "{w:navn}"}, "«navn» har ingen weight"),
        ({"formula": "SUM({b..a})"}, "går baklengs"),
        ({"formula": "=A1"}, "uten = foran"),
        ({"formula": "{A}"}, "ugyldig {...}"),
        ({"choices": ["a,b"]}, "komma"),
    ],
)
def test_a_bad_column_is_refused_with_a_reason(change, message):
    spec = {**SPEC, "sheets": [{**SPEC["sheets"][0]}]}
    columns = [dict(c) for c in spec["sheets"][0]["columns"]]
    columns[3] = {k: v for k, v in columns[3].items() if k != "formula"} | change
    spec["sheets"][0]["columns"] = columns
    with pytest.raises(ValueError, match=message.replace("{", r"\{").replace(".", r"\.")):
        parse_workbook(spec)


def test_a_sheet_needs_an_example_row_and_a_name_a_spreadsheet_accepts():
    no_example = {
        "title": "T",
        "sheets": [{"name": "Ark", "columns": [{"key": "a", "header": "A", "help": "h"}]}],
    }
    with pytest.raises(ValueError, match="eksempelraden"):
        parse_workbook(no_example)
    bad_name = {"title": "T", "sheets": [{**SPEC["sheets"][0], "name": "Mål/år"}]}
    with pytest.raises(ValueError, match="over 31 tegn"):
        parse_workbook(bad_name)


def test_a_data_source_needs_an_https_address_and_what_it_holds():
    ok = {"name": "Statistikkbanken", "url": "https://www.ssb.no/statbank", "holds": "Tabeller."}
    assert parse_data_sources([ok])[0]["publisher"] == ""
    with pytest.raises(ValueError, match="https://"):
        parse_data_sources([{**ok, "url": "http://www.ssb.no"}])
    with pytest.raises(ValueError, match="holds mangler"):
        parse_data_sources([{**ok, "holds": ""}])
    with pytest.raises(ValueError, match="ukjent nøkkel «tabell»"):
        parse_data_sources([{**ok, "tabell": "07459"}])


def test_a_bad_template_in_a_step_file_is_named_with_its_line(tmp_path):
    step = textwrap.dedent(MINIMAL_CONTENT["steps/1-analyse.md"]).lstrip("\n")
    front_end = step.index("\n---\n", 4)
    bad = "\nworkbook:\n  title: Mal\n  sheets: []"
    content = write_tree(tmp_path / "content", {**MINIMAL_CONTENT, "steps/1-analyse.md": ""})
    (content / "steps/1-analyse.md").write_text(step[:front_end] + bad + step[front_end:])
    with pytest.raises(ContentError, match=r"1-analyse\.md:\d+: «workbook» workbook: sheets"):
        read_content(content)


def test_the_built_file_marks_one_example_row_and_has_formulas_in_the_empty_rows():
    step = SimpleNamespace(
        order=4,
        slug="prioriteringer",
        name="Prioriteringer",
        workbook=parse_workbook(SPEC),
        data_sources=[],
        get_absolute_url=lambda: "/steg/prioriteringer/",
    )
    book = load_workbook(io.BytesIO(build_workbook(step, "https://example.test")))
    assert book.sheetnames == ["Veiledning", "Matrise"]  # no sources, no sources sheet
    sheet = book["Matrise"]
    assert [c.value for c in sheet[7]] == ["Navn", "A", "B", "Sum", "Valg", "Merknad"]
    assert [c.value for c in sheet[8]][:3] == ["Vekt", 0.6, 0.4]
    assert [c.value for c in sheet[9]][-1] == EXAMPLE_MARK
    assert [c.value for c in sheet[10]][-1] is None
    assert sheet["D12"].value == '=IFERROR(SUMPRODUCT($B$8:$C$8,B12:C12),"")'
    assert sheet["D13"].value is None  # three empty rows, no more
    (rule,) = sheet.data_validations.dataValidation
    assert rule.formula1 == '"Ja,Nei"' and str(rule.sqref) == "E9:E12"
    assert "https://example.test/steg/prioriteringer/" in str(
        [c.value for row in book["Veiledning"].iter_rows() for c in row]
    )

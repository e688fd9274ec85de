"""The spreadsheet template a step offers, as `content/` describes it (front matter `workbook:`)
and the step's public data sources (`data_sources:`): read, checked and written back.

A template has sheets; a sheet has columns, each with a key, a heading, an explanation and the
value of the illustrative example row. A column may compute its value with a formula written in
column keys, which `formula_for` turns into cell references:

- `{key}`: this row's cell in that column, `{first..last}`: this row from one column to another;
- `{w:key}`, `{w:first..last}`: the same columns in the sheet's weights row (absolute), for a
  column that has a `weight` (the scoring matrix).

The spreadsheet's own labels are bokmål; they are text from content/, like the guide's.
"""

import re
from typing import Any

SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
KEY = re.compile(r"^[a-z][a-z0-9_]*$")
TOKEN = re.compile(r"\{(w:)?([a-z][a-z0-9_]*)(?:\.\.([a-z][a-z0-9_]*))?\}")
MAX_ROWS = 200

WORKBOOK_KEYS = {"title", "intro", "sheets"}
SHEET_KEYS = {"name", "intro", "columns", "rows", "weights_label"}
COLUMN_ORDER = (
    "key",
    "header",
    "help",
    "example",
    "formula",
    "format",
    "weight",
    "choices",
    "width",
)
COLUMN_KEYS = set(COLUMN_ORDER)
SOURCE_KEYS = {"name", "publisher", "url", "holds"}


def _text(value: Any, where: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if isinstance(value, (dict, list, bool)):
        raise ValueError(f"{where} skal være tekst")
    text = str(value).strip()
    if required and not text:
        raise ValueError(f"{where} mangler")
    return text


def _text_lines(value: Any, where: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [value.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where} skal være en liste med tekster")
    return [v.strip() for v in value if v.strip()]


def _mapping(value: Any, allowed: set[str], where: str) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"{where} skal være nøkler og verdier")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ValueError(f"{where} har ukjent nøkkel «{unknown[0]}»")
    return value


def parse_data_sources(value: Any) -> list[dict[str, str]]:
    """A step's public data sources: name, publisher, url (https) and what the source holds."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValueError("skal være en liste med datakilder")
    sources = []
    for number, raw in enumerate(value, start=1):
        where = f"datakilde {number}"
        raw = _mapping(raw, SOURCE_KEYS, where)
        url = _text(raw.get("url"), f"{where}: url", required=True)
        if not url.startswith("https://"):
            raise ValueError(f"{where}: url skal begynne med https://")
        sources.append(
            {
                "name": _text(raw.get("name"), f"{where}: name", required=True),
                "publisher": _text(raw.get("publisher"), f"{where}: publisher"),
                "url": url,
                "holds": _text(raw.get("holds"), f"{where}: holds", required=True),
            }
        )
    return sources


def dump_data_sources(value: list[dict[str, str]]) -> list[dict[str, str]] | None:
    if not value:
        return None
    order = ("name", "publisher", "url", "holds")
    return [{key: source[key] for key in order if source.get(key)} for source in value]


def _number(value: Any, where: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where} skal være et tall")
    return value


def _column(raw: Any, where: str) -> dict[str, Any]:
    raw = _mapping(raw, COLUMN_KEYS, where)
    key = _text(raw.get("key"), f"{where}: key", required=True)
    if not KEY.match(key):
        raise ValueError(f"{where}: key «{key}» skal være små bokstaver, tall og _")
    column: dict[str, Any] = {
        "key": key,
        "header": _text(raw.get("header"), f"{where}: header", required=True),
        "help": _text(raw.get("help"), f"{where}: help", required=True),
    }
    example = raw.get("example")
    if example is not None:
        if isinstance(example, (dict, list, bool)):
            raise ValueError(f"{where}: example skal være tekst eller et tall")
        column["example"] = example if isinstance(example, (int, float)) else str(example)
    formula = _text(raw.get("formula"), f"{where}: formula")
    if formula:
        if formula.startswith("="):
            raise ValueError(f"{where}: skriv formelen uten = foran")
        if "example" in column:
            raise ValueError(f"{where}: en kolonne med formel har ikke example (den regnes ut)")
        column["formula"] = formula
    for name in ("format",):
        if raw.get(name) is not None:
            column[name] = _text(raw[name], f"{where}: {name}")
    if raw.get("width") is not None:
        column["width"] = _number(raw["width"], f"{where}: width")
    if raw.get("weight") is not None:
        column["weight"] = _number(raw["weight"], f"{where}: weight")
    if raw.get("choices") is not None:
        choices = _text_lines(raw["choices"], f"{where}: choices")
        if any("," in choice or '"' in choice for choice in choices):
            raise ValueError(f"{where}: et valg kan ikke inneholde komma eller anførselstegn")
        column["choices"] = choices
    return column


def _check_formulas(sheet: dict[str, Any], where: str) -> None:
    keys = [c["key"] for c in sheet["columns"]]
    weighted = {c["key"] for c in sheet["columns"] if "weight" in c}
    for column in sheet["columns"]:
        if "formula" not in column:
            continue
        for weights, first, last in TOKEN.findall(column["formula"]):
            for key in filter(None, (first, last)):
                if key not in keys:
                    raise ValueError(f"{where}: formelen i «{column['key']}» kjenner ikke «{key}»")
                if weights and key not in weighted:
                    raise ValueError(f"{where}: «{key}» har ingen weight (vekt) å vise til")
            if last and keys.index(last) < keys.index(first):
                raise ValueError(f"{where}: {{{first}..{last}}} går baklengs")
        if re.search(r"[{}]", TOKEN.sub("", column["formula"])):
            raise ValueError(f"{where}: formelen i «{column['key']}» har en ugyldig {{...}}")


def parse_workbook(value: Any) -> dict[str, Any]:
    if value in (None, "", {}):
        return {}
    raw = _mapping(value, WORKBOOK_KEYS, "workbook")
    workbook: dict[str, Any] = {
        "title": _text(raw.get("title"), "workbook: title", required=True),
        "intro": _text_lines(raw.get("intro"), "workbook: intro"),
        "sheets": [],
    }
    sheets = raw.get("sheets")
    if not isinstance(sheets, list) or not sheets:
        raise ValueError("workbook: sheets skal være en liste med minst ett ark")
    names = set()
    for number, raw_sheet in enumerate(sheets, start=1):
        where = f"ark {number}"
        raw_sheet = _mapping(raw_sheet, SHEET_KEYS, where)
        name = _text(raw_sheet.get("name"), f"{where}: name", required=True)
        if len(name) > 31 or SHEET_NAME_FORBIDDEN.search(name) or name in names:
            raise ValueError(
                f"{where}: navnet «{name}» er over 31 tegn, brukt før eller har [ ] : * ? / \\"
            )
        names.add(name)
        columns = raw_sheet.get("columns")
        if not isinstance(columns, list) or not columns:
            raise ValueError(f"{where}: columns skal være en liste med minst én kolonne")
        sheet: dict[str, Any] = {
            "name": name,
            "intro": _text_lines(raw_sheet.get("intro"), f"{where}: intro"),
            "columns": [
                _column(c, f"{where}, kolonne {i}") for i, c in enumerate(columns, start=1)
            ],
            "rows": raw_sheet.get("rows", 20),
        }
        if isinstance(sheet["rows"], bool) or not isinstance(sheet["rows"], int):
            raise ValueError(f"{where}: rows skal være et heltall")
        if not 1 <= sheet["rows"] <= MAX_ROWS:
            raise ValueError(f"{where}: rows skal være 1-{MAX_ROWS}")
        keys = [c["key"] for c in sheet["columns"]]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{where}: to kolonner har samme key")
        if not any("example" in c for c in sheet["columns"]):
            raise ValueError(f"{where}: minst én kolonne må ha example (eksempelraden)")
        if any("weight" in c for c in sheet["columns"]):
            sheet["weights_label"] = _text(
                raw_sheet.get("weights_label") or "Vekt", f"{where}: weights_label"
            )
        _check_formulas(sheet, where)
        workbook["sheets"].append(sheet)
    return workbook


def dump_workbook(value: dict[str, Any]) -> dict[str, Any] | None:
    """What the file holds: the parsed form, without the defaults parse fills in."""
    if not value:
        return None
    data: dict[str, Any] = {"title": value["title"]}
    if value["intro"]:
        data["intro"] = value["intro"]
    data["sheets"] = []
    for sheet in value["sheets"]:
        entry: dict[str, Any] = {"name": sheet["name"]}
        if sheet["intro"]:
            entry["intro"] = sheet["intro"]
        if sheet["rows"] != 20:
            entry["rows"] = sheet["rows"]
        if sheet.get("weights_label", "Vekt") != "Vekt":
            entry["weights_label"] = sheet["weights_label"]
        # In the file's order, whatever order the database kept the keys in.
        entry["columns"] = [
            {key: column[key] for key in COLUMN_ORDER if key in column}
            for column in sheet["columns"]
        ]
        data["sheets"].append(entry)
    return data

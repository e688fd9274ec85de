"""The shipped guide in content/: complete, well formed, linked, and in our own words."""

import re
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from django.conf import settings as django_settings

from portal.content import import_content, read_content

CONTENT = django_settings.CONTENT_DIR
SEEDS = Path(django_settings.BASE_DIR).parent / "shared" / "seeds"
SOURCE_EXAMPLES = {
    "industriell-symbiose",
    "infrastruktur-gronne-skiftet",
    "kompetanseloft-gronne-verdikjeder",
}
REQUIRED_SOURCES = {
    "veileder-nettside",
    "notat-2020-hva-na",
    "notat-2021-baerekraftig-omstilling",
    "nifu-2022-7",
}
LINK = re.compile(r"\]\((/[^)\s]*)\)")
WORD = re.compile(r"[\wæøåÆØÅ-]+")
URL = re.compile(r"(https?://|www\.)\S+")


@pytest.fixture(scope="module")
def records():
    return read_content(CONTENT)


def words(markdown: str) -> int:
    return len(WORD.findall(re.sub(r"\]\([^)]*\)", "]", markdown)))


def sections(markdown: str) -> list[tuple[str, str]]:
    """(heading, text up to the next heading of the same or a higher level) for each ## heading."""
    parts = re.split(r"^(##+ .+)$", markdown, flags=re.M)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def test_chapters_are_complete(records):
    chapters = records["chapter"]
    assert len(chapters) >= 7
    for chapter in chapters:
        body = chapter.values["body"]
        assert chapter.values["lead"], chapter.slug
        assert words(body) >= 600, f"{chapter.slug}: {words(body)} words"
        assert len(re.findall(r"^## ", body, flags=re.M)) >= 3, chapter.slug


def test_the_six_steps_are_complete(records):
    steps = sorted(records["step"], key=lambda r: r.values["order"])
    assert [s.slug for s in steps] == [
        "analyse",
        "organisering",
        "visjon",
        "prioriteringer",
        "policy-mix",
        "monitorering",
    ]
    for step in steps:
        assert words(step.values["body"]) >= 400, step.slug
        assert 5 <= len(step.values["questions"].splitlines()) <= 8, step.slug
        assert step.values["roles"], step.slug
        assert step.values["eu_elements"], step.slug


def test_examples_name_steps_and_themes_and_say_what_they_are(records):
    examples = records["example"]
    assert len(examples) >= 8
    assert {e.slug for e in examples if e.values["kind"] == "kilde"} == SOURCE_EXAMPLES
    for example in examples:
        assert example.relations["steps"], example.slug
        assert 1 <= len(example.relations["themes"]) <= 3, example.slug
        if example.values["kind"] == "illustrasjon":
            assert example.values["region"].startswith("Illustrasjon"), example.slug
            assert "tenkt eksempel" in example.values["body"].lower(), example.slug
    used_steps = {slug for e in examples for slug in e.relations["steps"]}
    assert len(used_steps) == 6, "filtering by any step finds something"


def test_glossary_sources_pages_and_consultation(records):
    assert len(records["glossary"]) >= 15
    sources = {s.slug: s for s in records["source"]}
    assert set(sources) >= REQUIRED_SOURCES
    assert all(sources[slug].values["url"].startswith("http") for slug in REQUIRED_SOURCES)
    pages = {p.slug: p for p in records["page"]}
    assert {"om", "personvern", "tilgjengelighet", "kortversjon"} <= set(pages)
    assert words(pages["kortversjon"].values["body"]) <= 900, "at most two printed pages"
    (consultation,) = records["consultation"]
    assert len(consultation.questions) == 6
    assert consultation.values["opens_at"] < consultation.values["closes_at"]


def test_no_section_is_empty(records):
    for kind in ("chapter", "step", "example", "page"):
        for record in records[kind]:
            for heading, text in sections(record.values["body"]):
                assert text.strip(), f"{record.path}: «{heading}» has no text"


def test_no_individual_is_named_and_no_personal_contact_is_given():
    text = "\n".join(p.read_text(encoding="utf-8") for p in CONTENT.rglob("*") if p.is_file())
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text), "no e-mail addresses"
    assert not re.search(r"\b\d{2} ?\d{2} ?\d{2} ?\d{2}\b", text), "no phone numbers"
    if SEEDS.is_dir():
        seed = "\n".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))
        people = re.findall(r"^([A-ZÆØÅ][a-zæøå]+(?: [A-ZÆØÅ][a-zæøå]+)+), ", seed, flags=re.M)
        assert people, "the reference group's members are listed in the 2018 seed"
        for person in people:
            assert person not in text, f"{person} is named in content/"


@pytest.mark.django_db
def test_every_internal_link_resolves(client, settings):
    import_content(CONTENT)
    settings.PAGE_CACHE_ENABLED = False
    targets = set()
    for path in CONTENT.rglob("*"):
        if path.suffix in (".md", ".yaml") and path.name != "README.md":
            targets.update(LINK.findall(path.read_text(encoding="utf-8")))
    assert len(targets) > 20
    pages: dict[str, str] = {}
    for target in sorted(targets):
        url, fragment = urldefrag(target)
        if url not in pages:
            response = client.get(url)
            assert response.status_code == 200, f"{target} gives {response.status_code}"
            pages[url] = response.text
        if fragment:
            assert f'id="{fragment}"' in pages[url], f"{target}: no such anchor"


def seed_grams(n: int) -> set[tuple[str, ...]]:
    grams: set[tuple[str, ...]] = set()
    for seed in SEEDS.glob("*.txt"):
        tokens = [w.lower() for w in WORD.findall(URL.sub(" ", seed.read_text(encoding="utf-8")))]
        grams.update(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def test_the_guide_is_in_our_own_words():
    if not SEEDS.is_dir():
        pytest.skip(f"the seed documents are not at {SEEDS}: the overlap check did not run")
    n = 12
    grams = seed_grams(n)
    copied = []
    for path in sorted(CONTENT.rglob("*")):
        if not path.is_file():
            continue
        tokens = [w.lower() for w in WORD.findall(URL.sub(" ", path.read_text(encoding="utf-8")))]
        copied += [
            f"{path.relative_to(CONTENT)}: {' '.join(tokens[i : i + n])}"
            for i in range(len(tokens) - n + 1)
            if tuple(tokens[i : i + n]) in grams
        ]
    assert not copied, "runs of 12+ words copied from a seed:\n" + "\n".join(copied[:10])


# --- The steps as a working manual: method, checklist, template, data sources ----------------

STEP_SLUGS = ["analyse", "organisering", "visjon", "prioriteringer", "policy-mix", "monitorering"]
# Public sources we are certain exist; a data source elsewhere needs a look by a person first.
KNOWN_SOURCE_HOSTS = {
    "www.ssb.no",
    "prosjektbanken.forskningsradet.no",
    "www.forskningsradet.no",
    "research-and-innovation.ec.europa.eu",
    "ec.europa.eu",
    "www.brreg.no",
    "lovdata.no",
    "www.innovasjonnorge.no",
    "siva.no",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def step_records(records):
    return {r.slug: r for r in records["step"]}


def test_every_step_says_how_to_do_it_and_when_it_is_done(records):
    steps = step_records(records)
    assert sorted(steps) == sorted(STEP_SLUGS)
    for slug, step in steps.items():
        values = step.values
        assert len(values["method"].splitlines()) >= 5, f"{slug}: the work in order"
        assert values["participants"], f"{slug}: who takes part"
        assert "tommelfingerregel" in values["duration"], f"{slug}: the duration is a rule of thumb"
        assert values["outcome"], f"{slug}: what the step produces"
        assert len(values["checklist_before"].splitlines()) >= 3, f"{slug}: før dere starter"
        assert len(values["checklist_done"].splitlines()) >= 3, f"{slug}: ferdig når"


def test_data_sources_are_known_public_sources_described_without_figures(records):
    from urllib.parse import urlsplit

    for slug, step in step_records(records).items():
        sources = step.values["data_sources"]
        assert len(sources) >= 2, slug
        for source in sources:
            assert urlsplit(source["url"]).hostname in KNOWN_SOURCE_HOSTS, source["url"]
            assert len(WORD.findall(source["holds"])) >= 8, (
                f"{slug}: say what {source['name']} holds"
            )
            # No table numbers or figures nobody can check (a chapter of the law is fine).
            holds = re.sub(r"kapittel \d+", "", source["holds"])
            assert not re.search(r"\d", holds), f"{slug}: {source['name']}"
    analysis = {s["name"] for s in step_records(records)["analyse"].values["data_sources"]}
    assert {"Statistikkbanken", "Prosjektbanken", "Regional Innovation Scoreboard"} <= analysis


def test_every_template_has_explained_columns_and_one_example_row(records):
    for slug, step in step_records(records).items():
        workbook = step.values["workbook"]
        assert workbook["title"] and workbook["sheets"], slug
        for sheet in workbook["sheets"]:
            assert all(c["help"] for c in sheet["columns"]), f"{slug}: every column explained"
            filled = [c for c in sheet["columns"] if "example" in c or "formula" in c]
            assert len(filled) >= len(sheet["columns"]) - 2, f"{slug}: the example row is filled"


@pytest.fixture
def guide(client, settings):
    import_content(CONTENT)
    settings.PAGE_CACHE_ENABLED = False
    return client


def download(client, slug):
    import io

    from openpyxl import load_workbook

    response = client.get(f"/steg/{slug}/mal.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.xlsx"')
    return response.content, load_workbook(io.BytesIO(response.content))


def example_row(worksheet):
    """The row marked as the illustration in the last column, with its row number."""
    from portal.workbooks.build import EXAMPLE_MARK

    marked = [
        row for row in worksheet.iter_rows() if any(cell.value == EXAMPLE_MARK for cell in row)
    ]
    assert len(marked) == 1, f"{worksheet.title}: one example row"
    return marked[0]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", STEP_SLUGS)
def test_every_template_downloads_and_opens_with_its_example_row(guide, records, slug):
    spec = step_records(records)[slug].values["workbook"]
    _, book = download(guide, slug)
    assert book.sheetnames[0] == "Veiledning"
    assert book.sheetnames[-1] == "Datakilder"
    instructions = "\n".join(str(c.value) for row in book["Veiledning"].iter_rows() for c in row)
    for sheet in spec["sheets"]:
        worksheet = book[sheet["name"]]
        row = example_row(worksheet)
        for column, cell in zip(sheet["columns"], row, strict=False):
            assert column["help"] in instructions
            if "formula" in column:
                assert str(cell.value).startswith("="), f"{column['key']} is computed"
            elif "example" in column:
                assert cell.value == column["example"], column["key"]
        # The empty rows under the example have the formulas in place.
        below = worksheet.cell(
            row[0].row + 1,
            1
            + [c["key"] for c in sheet["columns"]].index(
                next(
                    (c["key"] for c in sheet["columns"] if "formula" in c),
                    sheet["columns"][0]["key"],
                )
            ),
        )
        if any("formula" in c for c in sheet["columns"]):
            assert str(below.value).startswith("=")
    sources = [row[3].value for row in book["Datakilder"].iter_rows(min_row=5)]
    assert sources == [s["url"] for s in step_records(records)[slug].values["data_sources"]]


def evaluate(content: bytes, tmp_path, name: str) -> dict[str, object]:
    """Every cell's value as a spreadsheet program computes it ('SHEET!A1' -> value)."""
    import warnings

    formulas = pytest.importorskip("formulas")
    path = tmp_path / name
    path.write_bytes(content)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    values = {}
    for key, value in solution.items():
        if "!" in key and hasattr(value, "value"):
            values[re.sub(r"^'?\[[^\]]*\]", "", key).replace("'", "").upper()] = value.value[0][0]
    return values


def fill_row(content: bytes, sheet: str, row: int, values: dict[int, object]) -> bytes:
    """The template as a county fills it in: `values` typed into `row` (column number: value)."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    for column, value in values.items():
        book[sheet].cell(row, column, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_scoring_matrix_computes_weighted_totals_with_its_formulas(guide, records, tmp_path):
    (sheet,) = step_records(records)["prioriteringer"].values["workbook"]["sheets"]
    criteria = [c for c in sheet["columns"] if "weight" in c]
    assert len(criteria) >= 4
    assert sum(c["weight"] for c in criteria) == pytest.approx(1.0)
    content, book = download(guide, "prioriteringer")
    worksheet = book[sheet["name"]]
    row = example_row(worksheet)
    keys = [c["key"] for c in sheet["columns"]]
    total_column = keys.index("sum") + 1
    assert "SUMPRODUCT" in worksheet.cell(row[0].row, total_column).value
    # A second candidate, scored by the county in the first empty row.
    own = {
        keys.index(c["key"]) + 1: score for c, score in zip(criteria, [2, 5, 1, 4, 3], strict=False)
    }
    content = fill_row(content, sheet["name"], row[0].row + 1, {1: "Egen kandidat", **own})
    values = evaluate(content, tmp_path, "matrise.xlsx")
    letter = worksheet.cell(1, total_column).column_letter
    name = sheet["name"].upper()
    expected = sum(c["weight"] * c["example"] for c in criteria)
    assert values[f"{name}!{letter}{row[0].row}"] == pytest.approx(expected)
    assert expected == pytest.approx(3.85)
    own_total = sum(c["weight"] * s for c, s in zip(criteria, [2, 5, 1, 4, 3], strict=False))
    assert values[f"{name}!{letter}{row[0].row + 1}"] == pytest.approx(own_total)


@pytest.mark.django_db
def test_the_analysis_template_computes_the_location_quotient(guide, records, tmp_path):
    (sheet,) = step_records(records)["analyse"].values["workbook"]["sheets"]
    column = {c["key"]: c for c in sheet["columns"]}
    assert "LQ = (sysselsatte i næringen i regionen" in " ".join(sheet["intro"])
    content, book = download(guide, "analyse")
    row = example_row(book[sheet["name"]])[0].row
    values = evaluate(content, tmp_path, "analyse.xlsx")
    letter = book[sheet["name"]].cell(1, list(column).index("lq") + 1).column_letter
    expected = (column["reg_naering"]["example"] / column["reg_alle"]["example"]) / (
        column["land_naering"]["example"] / column["land_alle"]["example"]
    )
    assert values[f"{sheet['name'].upper()}!{letter}{row}"] == pytest.approx(expected)


@pytest.mark.django_db
def test_a_step_without_a_template_has_no_download(guide):
    from portal.models import ProcessStep

    ProcessStep.objects.filter(slug="visjon").update(workbook={})
    assert guide.get("/steg/visjon/mal.xlsx").status_code == 404
    assert "mal.xlsx" not in guide.get("/steg/visjon/").text
    assert guide.get("/steg/finnes-ikke/mal.xlsx").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("slug", STEP_SLUGS)
def test_the_step_page_and_its_workshop_sheets_show_the_manual(guide, records, slug):
    from django.template.loader import render_to_string

    from portal.models import ProcessStep

    step = step_records(records)[slug].values
    page = guide.get(f"/steg/{slug}/").text
    printable = guide.get(f"/steg/{slug}/arbeidsark/").text
    pdf_html = render_to_string(
        "pdf/workshop_sheet.html",
        {"step": ProcessStep.objects.get(slug=slug), "total": 6, "site_url": "https://x.test"},
    )
    for html in (page, printable, pdf_html):
        for heading in ("Slik gjør dere det", "Sjekkliste", "Før dere starter", "Ferdig når"):
            assert heading in html
        assert "Verktøy" in html and "Datakilder" in html
        assert f"/steg/{slug}/mal.xlsx" in html
        for line in step["method"].splitlines() + step["checklist_done"].splitlines():
            assert escape(line) in html
        for source in step["data_sources"]:
            assert escape(source["name"]) in html
    assert 'href="#slik-gjor-dere-det"' in page and 'id="slik-gjor-dere-det"' in page
    nynorsk = guide.get(f"/nn/steg/{slug}/").text
    assert "Slik gjer de det" in nynorsk and "Last ned malen (rekneark, XLSX)" in nynorsk


def escape(text: str) -> str:
    from django.utils.html import escape as html_escape

    return str(html_escape(text))


@pytest.mark.django_db
def test_the_process_overview_and_the_getting_started_page(guide):
    process = guide.get("/prosessen/").text
    for slug in STEP_SLUGS:
        assert f'href="/steg/{slug}/"' in process
    assert "§ 7-1" in process and "§ 8-1" in process and "planstrategi" in process
    start = guide.get("/kom-i-gang/").text
    assert 'href="/steg/analyse/#verktoy"' in start and 'href="/prosessen/"' in start
    for url in ("/", "/steg/"):
        html = guide.get(url).text
        assert 'href="/kom-i-gang/"' in html and 'href="/prosessen/"' in html
    assert 'href="/nn/kom-i-gang/"' in guide.get("/nn/").text


@pytest.mark.django_db
def test_a_template_is_built_once_per_content_version(guide, settings, django_assert_num_queries):
    settings.PAGE_CACHE_ENABLED = True
    first = guide.get("/steg/monitorering/mal.xlsx")
    with django_assert_num_queries(0):
        again = guide.get("/steg/monitorering/mal.xlsx")
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content
    assert again["Content-Disposition"] == 'attachment; filename="mal-steg-6-monitorering.xlsx"'


@pytest.mark.django_db
def test_the_whole_guide_pdf_holds_each_steps_manual_under_its_own_anchors(guide, records):
    from django.template.loader import render_to_string

    from portal import pdf

    html = render_to_string("pdf/guide.html", pdf._guide_context())
    for slug, step in step_records(records).items():
        assert f'id="{slug}-slik-gjor-dere-det"' in html and f'id="{slug}-datakilder"' in html
        assert escape(step.values["checklist_done"].splitlines()[0]) in html
        assert f"/steg/{slug}/mal.xlsx" in html
    assert 'id="slik-gjor-dere-det"' not in html

"""The PDFs: the whole guide, the short version, the poster and the workshop sheets open and read
right, in bokmål and nynorsk; they are built by a background task once per content version,
written form and paper size, never in a request, and a reader gets the last built file (or a
"being made" page) while the new one is built."""

import io
import re

import pytest
from django.tasks import TaskResultStatus
from django.utils import formats, timezone, translation
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from portal import pdf, pdf_assets
from portal.content import import_content
from portal.figures import cycle_figure
from portal.models import Chapter, ExampleCase, GlossaryTerm, Page, ProcessStep, Source, Status
from portal.publishing import content_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pdf_folder(settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path / "pdf"
    return settings.PDF_CACHE_DIR


@pytest.fixture
def guide(settings):
    import_content(settings.CONTENT_DIR)


def built(document: pdf.Document) -> pdf.Document:
    """Build one PDF now, as the worker would (the tests that read a PDF need only that one)."""
    pdf.build(document)
    return document


def read(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(b"".join(response.streaming_content)))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def page_size(page) -> tuple[int, int]:
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


A4, A3 = (595, 842), (842, 1191)


def assert_no_blank_page(reader: PdfReader):
    for number, page in enumerate(reader.pages, 1):
        assert page.extract_text().strip(), f"page {number} has no text"


def figure_alt_texts(reader: PdfReader) -> list[str]:
    """The alternative texts of the tagged figures, as a screen reader gets them."""
    texts = []

    def walk(node):
        node = node.get_object()
        if node.get("/S") == "/Figure" and "/Alt" in node:
            texts.append(str(node["/Alt"]))
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return texts


def fonts_of(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_the_whole_guide_as_a_report(client, guide, settings):
    built(pdf.guide())
    response = client.get("/veileder.pdf")
    assert 'filename="smart-spesialisering-veileder.pdf"' in response["Content-Disposition"]
    reader = read(response)
    assert len(reader.pages) >= 10
    assert {page_size(page) for page in reader.pages} == {A4}
    assert_no_blank_page(reader)
    text = text_of(reader)
    cover = reader.pages[0].extract_text()
    assert "Smart spesialisering" in cover and "Veileder for fylkeskommunen" in cover
    assert "Kommunal- og distriktsdepartementet" in cover
    for step in ProcessStep.objects.published():
        assert step.name in text, f"the guide names the step {step.name}"
    for chapter in Chapter.objects.published():
        assert chapter.title.split(",")[0] in text
    for heading in ("Innhold", "De seks stegene", "Eksempler", "Begreper", "Kilder"):
        assert heading in text
    # Norwegian letters survive, in the embedded Inter.
    assert "næringsutvikling" in text and "Målet er regional balanse" in text
    assert any("Inter" in name for name in fonts_of(reader))
    assert reader.metadata.title == "Smart spesialisering – veileder for fylkeskommunen"
    # Tagged for screen readers (PDF/UA), in Norwegian.
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "nb"
    # (One test: the guide takes many seconds to build.)
    # The colophon: who publishes it, this edition's date (the newest change to what it prints)
    # and where the web version is.
    newest = max(
        obj.updated_at
        for model in (Chapter, ProcessStep, ExampleCase, GlossaryTerm, Source)
        for obj in model.objects.published()
    )
    with translation.override("nb"):
        edition = formats.date_format(timezone.localtime(newest), "j. F Y")
    colophon = reader.pages[1].extract_text()
    assert "Utgitt av Kommunal- og distriktsdepartementet" in colophon
    assert f"Denne utgaven {edition} (versjon {content_version()[:8]})" in colophon
    assert f"Nettversjon {settings.SITE_URL}/" in colophon
    # The contents numbers the chapters and gives their pages: "1. Om veilederen ..... 4".
    contents = reader.pages[2].extract_text()
    chapters = list(Chapter.objects.published())
    assert re.search(rf"1\.\s*{chapters[0].title}\s*\.{{3,}}\s*4", contents)
    steps_number = len(chapters) + 1
    assert re.search(rf"{steps_number}\.\s*De seks stegene\s*\.{{3,}}\s*\d+", contents)
    assert re.search(r"1\. Analyse\s*\.{3,}\s*\d+", contents)
    # Each chapter starts a page with its number; the steps follow on within their chapter.
    starts = [page.extract_text() for page in reader.pages]
    assert any(f"1. {chapters[0].title}" in page.split("\n", 3)[1] for page in starts[3:5])
    assert any(f"{steps_number}. De seks stegene" in page for page in starts)
    assert f"{steps_number + 3}. Kilder" in text_of(reader)
    back = reader.pages[-1].extract_text()
    assert "Kommunal- og distriktsdepartementet" in back and settings.SITE_URL in back


def test_the_guide_in_nynorsk(client, guide, settings):
    built(pdf.guide("nn"))
    response = client.get("/nn/veileder.pdf")
    assert 'filename="smart-spesialisering-veileder-nn.pdf"' in response["Content-Disposition"]
    reader = read(response)
    assert reader.trailer["/Root"]["/Lang"] == "nn"
    assert "Rettleiar for fylkeskommunen" in reader.pages[0].extract_text()
    assert "Gitt ut av" in reader.pages[1].extract_text()
    assert f"{settings.SITE_URL}/nn/" in reader.pages[1].extract_text()
    text = text_of(reader)
    assert "Innhald" in text and "Dei seks stega" in text and "Kjelder" in text
    # The chapters have no nynorsk text yet: they are printed in bokmål, and say so.
    assert "Denne delen finst ikkje på nynorsk enno, så han står på bokmål." in text
    assert Chapter.objects.published().first().title in text
    assert_no_blank_page(reader)


def test_links_inside_the_guide_jump_inside_the_pdf(guide):
    html = pdf.render_to_string("pdf/guide.html", pdf._guide_context())
    assert 'href="/steg/' not in html and 'href="#steg-analyse"' in html
    assert 'id="steg-analyse"' in html
    # Headings that recur ("Vanlige fallgruver" in every step) still get an anchor each.
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets <= set(ids), "every link inside the PDF has somewhere to go"


def test_the_short_version_is_a_two_page_brief_with_the_six_step_figure(client, guide):
    html = client.get("/kortversjon/").text
    assert 'href="/kortversjon.pdf"' in html and 'href="/plakat.pdf"' in html
    page = Page.objects.get(slug="kortversjon")
    built(pdf.short_version(page))
    reader = read(client.get("/kortversjon.pdf"))
    assert len(reader.pages) == 2 and {page_size(p) for p in reader.pages} == {A4}
    assert_no_blank_page(reader)
    first = reader.pages[0].extract_text()
    assert page.title.upper() in first and "Smart spesialisering" in " ".join(first.split())
    # The figure draws the six steps as text, and the brief ends with where to read more.
    for step in ProcessStep.objects.published():
        assert step.name in first
    assert "Hele veilederen:" in reader.pages[1].extract_text()
    assert any("Inter" in name for name in fonts_of(reader))


def test_the_six_step_figure_has_a_title_and_reads_in_any_language(guide):
    steps = list(ProcessStep.objects.published())
    figure = cycle_figure(steps)
    assert len(figure["nodes"]) == 6 and len(figure["arrows"]) == 6, "each step leads to the next"
    with translation.override("nn"):
        html = pdf.render_to_string(
            "pdf/includes/step_cycle.svg.html", {"cycle": figure, "figure_id": "f"}
        )
    assert 'role="img" aria-labelledby="f-title f-desc"' in html
    assert '<title id="f-title">Dei 6 stega i smart spesialisering, i ein sirkel</title>' in html
    # SVG reads numbers with a decimal point, whatever the language prints decimals with.
    coordinates = re.findall(r' (?:cx|cy|x|y|r)="([^"]+)"', html)
    assert coordinates and all(re.fullmatch(r"\d+\.\d", value) for value in coordinates)


def test_the_poster_is_one_a3_page_of_the_six_steps(client, guide):
    assert 'href="/plakat.pdf"' in client.get("/steg/").text
    assert 'href="/nn/plakat.pdf"' in client.get("/nn/steg/").text
    built(pdf.poster())
    response = client.get("/plakat.pdf")
    assert 'filename="smart-spesialisering-plakat-a3.pdf"' in response["Content-Disposition"]
    reader = read(response)
    assert len(reader.pages) == 1
    assert page_size(reader.pages[0]) == A3
    text = reader.pages[0].extract_text()
    assert "Smart spesialisering i seks steg" in text
    for step in ProcessStep.objects.published():
        assert step.name in text
        assert step.summary.split(",")[0] in " ".join(text.split())
    assert "Kommunal- og distriktsdepartementet" in text


def test_the_poster_in_nynorsk_still_fits_one_page(client, guide):
    built(pdf.poster("nn"))
    reader = read(client.get("/nn/plakat.pdf"))
    assert len(reader.pages) == 1 and page_size(reader.pages[0]) == A3
    text = reader.pages[0].extract_text()
    assert "Heile rettleiaren, med arbeidsark for kvart steg:" in text
    assert "Teksten om stega finst ikkje på nynorsk enno" in text
    # The figure is tagged, with its SVG title as the text a screen reader reads.
    assert figure_alt_texts(reader) == ["Dei 6 stega i smart spesialisering, i ein sirkel"]


def test_the_short_version_in_nynorsk(client, guide):
    html = client.get("/nn/kortversjon/").text
    assert 'href="/nn/kortversjon.pdf"' in html and 'href="/nn/plakat.pdf"' in html
    built(pdf.short_version(Page.objects.get(slug="kortversjon"), "nn"))
    response = client.get("/nn/kortversjon.pdf")
    assert 'filename="smart-spesialisering-kortversjon-nn.pdf"' in response["Content-Disposition"]
    reader = read(response)
    assert len(reader.pages) == 2
    assert reader.trailer["/Root"]["/Lang"] == "nn"
    text = text_of(reader)
    assert "Heile rettleiaren:" in text and "Utgåve" in text, "the chrome in nynorsk"
    assert "Kartlegg styrkane" in text, "the page's own nynorsk text"
    assert "finst ikkje på nynorsk" not in text, "no fallback note: the page is written in nynorsk"


def test_a_workshop_sheet_pdf_has_every_question_and_room_for_conclusions(client, imported):
    built(pdf.workshop_sheet(ProcessStep.objects.get(slug="analyse")))
    reader = read(client.get("/steg/analyse/arbeidsark.pdf"))
    assert {page_size(page) for page in reader.pages} == {A4}
    assert_no_blank_page(reader)
    text = text_of(reader)
    assert "ARBEIDSARK · STEG 1 AV 1" in text and "Analyse" in text
    assert "Hva er vi gode på?" in text and "Hvem vet mest om det?" in text
    assert "Region/gruppe" in text and "Deltakere" in text
    assert "Konklusjon" in text
    assert re.search(r"Neste steg\s*Ansvarlig\s*Frist", text)


def test_a_workshop_sheet_in_a3(client, imported):
    html = client.get("/steg/analyse/arbeidsark/").text
    assert 'href="/steg/analyse/arbeidsark-a3.pdf"' in html
    step = ProcessStep.objects.get(slug="analyse")
    built(pdf.workshop_sheet(step, paper="a3"))
    response = client.get("/steg/analyse/arbeidsark-a3.pdf")
    assert 'filename="arbeidsark-steg-1-analyse-a3.pdf"' in response["Content-Disposition"]
    reader = read(response)
    assert {page_size(page) for page in reader.pages} == {A3}
    assert "Konklusjon" in text_of(reader)
    # The A4 sheet is a file of its own: not built yet, so not served in A3's place.
    assert client.get("/steg/analyse/arbeidsark.pdf").status_code == 503


def test_a_workshop_sheet_in_nynorsk(client, imported, settings):
    step = ProcessStep.objects.get(slug="analyse")
    built(pdf.workshop_sheet(step, "nn", "a3"))
    reader = read(client.get("/nn/steg/analyse/arbeidsark-a3.pdf"))
    text = text_of(reader)
    assert "Deltakarar" in text and "Ansvarleg" in text, "the chrome in nynorsk"
    assert "Denne delen finst ikkje på nynorsk enno" in text, "the step is in bokmål, and says so"
    assert "Hva er vi gode på?" in text
    assert f"{settings.SITE_URL}/nn/steg/analyse/" in text, "the address of the nynorsk page"
    # Nor is a nynorsk file served for bokmål.
    assert client.get("/steg/analyse/arbeidsark-a3.pdf").status_code == 503


def test_an_assessment_sheet_pdf_has_the_steps_factors_and_levels(client, imported):
    from portal.workspace.factors import factors_for_step

    built(pdf.assessment_sheet(ProcessStep.objects.get(slug="analyse")))
    reader = read(client.get("/steg/analyse/vurderingsskjema.pdf"))
    text = " ".join(text_of(reader).split())
    assert "VURDERINGSSKJEMA · STEG 1 AV 1" in text
    for factor in factors_for_step("analyse"):
        assert factor.title_nb in text and factor.question_nb in text
        assert all(level.text_nb in text for level in factor.levels), factor.key
    assert "Hva gjør vi videre?" in text


def test_the_nynorsk_assessment_sheet_pdf_is_its_own_file_in_nynorsk(client, imported):
    from portal.workspace.factors import factors_for_step

    step = ProcessStep.objects.get(slug="analyse")
    built(pdf.assessment_sheet(step, "nn"))
    response = client.get("/nn/steg/analyse/vurderingsskjema.pdf")
    assert 'filename="vurderingsskjema-steg-1-analyse-nn.pdf"' in response["Content-Disposition"]
    text = " ".join(text_of(read(response)).split())
    for factor in factors_for_step("analyse"):
        assert factor.title_nn in text and factor.question_nn in text
        assert factor.question_nb not in text
    assert "Kva gjer vi vidare?" in text and "rettleiar for fylkeskommunen" in text
    # The bokmål address still has no file of its own yet: it is being made, not the nynorsk one.
    assert client.get("/steg/analyse/vurderingsskjema.pdf").status_code == 503


def test_no_pdf_of_a_draft(client, imported):
    ProcessStep.objects.filter(slug="analyse").update(status=Status.DRAFT)
    assert client.get("/steg/analyse/arbeidsark.pdf").status_code == 404
    assert client.get("/steg/analyse/vurderingsskjema.pdf").status_code == 404
    assert client.get("/nn/steg/analyse/arbeidsark-a3.pdf").status_code == 404
    assert client.get("/plakat.pdf").status_code == 404, "no published step to put on it"
    assert client.get("/kortversjon.pdf").status_code == 404, "no published short version"


@pytest.fixture
def counted_builds(monkeypatch):
    builds = []

    def fake_render(document):
        builds.append(document.stem)  # name, written form, paper
        return f"%PDF-1.7 {document.stem} {content_version()}".encode()

    monkeypatch.setattr(pdf, "render_pdf", fake_render)
    return builds


SHEET = "/steg/analyse/arbeidsark.pdf"


def pending_builds(slug="analyse", language="nb", paper="a4", kind="workshop_sheet"):
    return DBTaskResult.objects.filter(
        queue_name="pdf",
        status=TaskResultStatus.READY,
        args_kwargs__args__0=kind,
        args_kwargs__args__1=slug,
        args_kwargs__args__3=language,
        args_kwargs__args__4=paper,
    )


def body(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_a_request_never_builds_a_pdf_and_five_requests_ask_for_one_build(
    client, imported, counted_builds
):
    DBTaskResult.objects.all().delete()  # as if the import's builds were lost
    responses = [client.get(SHEET) for _ in range(5)]
    assert counted_builds == [], "no request builds"
    for response in responses:
        assert response.status_code == 503
        assert response["Retry-After"] == "20"
        assert "no-store" in response["Cache-Control"]
        html = response.text
        assert '<html lang="nb">' in html and "<h1>PDF-en lages nå</h1>" in html
        assert f'href="{SHEET}"' in html, "a link to try again"
    assert pending_builds().count() == 1


def test_the_worker_builds_it_and_then_it_is_served(client, imported, counted_builds, run_tasks):
    assert client.get(SHEET).status_code == 503
    run_tasks("pdf")
    assert "arbeidsark-steg-1-analyse.nb.a4" in counted_builds
    first = body(client.get(SHEET))
    assert first == body(client.get(SHEET))
    assert counted_builds.count("arbeidsark-steg-1-analyse.nb.a4") == 1, "built once"
    response = client.get(SHEET)
    assert response["Cache-Control"] == "public, max-age=300"
    assert 'filename="arbeidsark-steg-1-analyse.pdf"' in response["Content-Disposition"]


EVERY_PDF = sorted(
    f"{name}.{language}.{paper}"
    for language in ("nb", "nn")
    for name, paper in (
        ("smart-spesialisering-veileder", "a4"),
        ("smart-spesialisering-plakat", "a3"),
        ("arbeidsark-steg-1-analyse", "a4"),
        ("arbeidsark-steg-1-analyse", "a3"),
        ("vurderingsskjema-steg-1-analyse", "a4"),
    )
)


def test_every_content_change_schedules_the_builds_once(imported, run_tasks, counted_builds):
    queued = DBTaskResult.objects.filter(queue_name="pdf", status=TaskResultStatus.READY)
    assert sorted("{0}:{3}:{4}".format(*r.args_kwargs["args"]) for r in queued) == sorted(
        f"{kind}:{language}:{paper}"
        for language in ("nb", "nn")
        for kind, paper in (
            ("guide", "a4"),
            ("poster", "a3"),
            ("workshop_sheet", "a4"),
            ("workshop_sheet", "a3"),
            ("assessment_sheet", "a4"),
        )
    ), "the import asked for every published PDF, in both written forms and both sheet sizes"
    step = ProcessStep.objects.get(slug="analyse")
    step.questions += "\nEt nytt spørsmål?"
    step.save()
    assert queued.count() == 10, "the queued builds will build the newest content: none added"
    run_tasks("pdf")
    assert sorted(counted_builds) == EVERY_PDF


def test_readers_of_both_forms_and_sizes_ask_for_one_build_each(client, imported, counted_builds):
    DBTaskResult.objects.all().delete()
    addresses = [
        SHEET,
        "/nn" + SHEET,
        "/steg/analyse/arbeidsark-a3.pdf",
        "/nn/steg/analyse/arbeidsark-a3.pdf",
        "/plakat.pdf",
        "/nn/plakat.pdf",
    ]
    for _ in range(5):
        for address in addresses:
            assert client.get(address).status_code == 503
    assert counted_builds == [], "no request builds"
    assert pending_builds().count() == 1
    assert pending_builds(language="nn").count() == 1
    assert pending_builds(paper="a3").count() == 1
    assert pending_builds(language="nn", paper="a3").count() == 1
    assert (
        pending_builds("", "nb", "a3", "poster").count() == 1
        and pending_builds("", "nn", "a3", "poster").count() == 1
    )
    assert DBTaskResult.objects.count() == 6


def test_the_worker_builds_each_form_into_its_own_file(client, imported, counted_builds, run_tasks):
    DBTaskResult.objects.all().delete()
    assert client.get("/nn" + SHEET).status_code == 503
    run_tasks("pdf")
    assert counted_builds == ["arbeidsark-steg-1-analyse.nn.a4"]
    nynorsk = client.get("/nn" + SHEET)
    assert 'filename="arbeidsark-steg-1-analyse-nn.pdf"' in nynorsk["Content-Disposition"]
    assert client.get(SHEET).status_code == 503, "the bokmål file is not the nynorsk one"


def test_after_an_edit_the_old_pdf_is_served_until_the_new_one_is_built(
    client, imported, counted_builds, run_tasks, pdf_folder
):
    run_tasks("pdf")
    old = body(client.get(SHEET))
    step = ProcessStep.objects.get(slug="analyse")
    step.questions += "\nEt nytt spørsmål?"
    step.save()
    stale = client.get(SHEET)
    assert body(stale) == old and stale["Cache-Control"] == "no-cache"
    assert pending_builds().count() == 1, "already asked for by the edit, not again"
    run_tasks("pdf")
    new = body(client.get(SHEET))
    assert new != old and content_version() in new
    # A relation changing is a content change too, though no timestamp moves.
    Chapter.objects.get(slug="om-veilederen").steps.clear()
    assert body(client.get(SHEET)) == new
    run_tasks("pdf")
    assert body(client.get(SHEET)) not in (old, new)
    kept = sorted(p.name for p in pdf_folder.glob("arbeidsark-steg-1-analyse.nb.a4-*.pdf"))
    assert len(kept) == 2, "the current file and the one before it"


def test_a_file_named_the_old_way_is_removed_when_its_document_is_built(
    imported, counted_builds, pdf_folder
):
    pdf_folder.mkdir(parents=True, exist_ok=True)
    legacy = pdf_folder / ("arbeidsark-steg-1-analyse-" + "0" * 20 + ".pdf")
    legacy.write_bytes(b"%PDF-1.7 bokmal A4 from before")
    pdf.build(pdf.workshop_sheet(ProcessStep.objects.get(slug="analyse"), "nn"))
    assert not legacy.exists()
    assert [p.name.split("-")[-2] for p in pdf_folder.glob("*.pdf")] == ["analyse.nn.a4"]


def test_a_pdf_of_a_step_unpublished_while_queued_is_not_built(imported, counted_builds, run_tasks):
    ProcessStep.objects.filter(slug="analyse").update(status=Status.DRAFT)
    run_tasks("pdf")
    assert sorted(counted_builds) == [
        "smart-spesialisering-veileder.nb.a4",
        "smart-spesialisering-veileder.nn.a4",
    ], "the guide, in both forms, and no sheet or poster"


def test_the_build_command_makes_every_pdf_ahead(imported, counted_builds):
    from django.core.management import call_command

    Page.objects.create(slug="kortversjon", title="Kortversjon", body="Tekst.", status="published")
    call_command("build_pdfs", stdout=io.StringIO())
    assert sorted(counted_builds) == sorted(
        [
            *EVERY_PDF,
            "smart-spesialisering-kortversjon.nb.a4",
            "smart-spesialisering-kortversjon.nn.a4",
        ]
    )
    call_command("build_pdfs", stdout=io.StringIO())
    assert len(counted_builds) == 12, "nothing is built twice"


def test_the_pdf_fetches_nothing_from_the_network(settings):
    fetcher = pdf_assets.local_files_only()()
    for url in (
        "https://example.org/bilde.png",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        f"{settings.SITE_URL}/media/../../etc/passwd",
    ):
        with pytest.raises(ValueError, match="henter ikke"):
            fetcher.fetch(url)


def test_a_build_left_running_by_a_killed_worker_does_not_block_a_new_one(
    client, imported, counted_builds
):
    import datetime as dt

    pending_builds().update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert client.get(SHEET).status_code == 503
    assert pending_builds().count() == 1, "asked for again"

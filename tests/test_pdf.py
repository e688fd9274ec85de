"""The PDFs: the whole guide, the short version and the workshop sheets open and read right; they
are built by a background task once per content version, never in a request, and a reader gets
the last built file (or a "being made" page) while the new one is built."""

import io
import re

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from portal import pdf
from portal.content import import_content
from portal.models import Chapter, Page, ProcessStep, Status
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


def fonts_of(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_the_whole_guide(client, guide):
    built(pdf.guide())
    response = client.get("/veileder.pdf")
    assert 'filename="smart-spesialisering-veileder.pdf"' in response["Content-Disposition"]
    reader = read(response)
    assert len(reader.pages) >= 10
    text = text_of(reader)
    first_page = reader.pages[0].extract_text()
    assert "Smart spesialisering" in first_page and "Veileder for fylkeskommunen" in first_page
    for step in ProcessStep.objects.published():
        assert step.name in text, f"the guide names the step {step.name}"
    for chapter in Chapter.objects.published():
        assert chapter.title.split(",")[0] in text
    for heading in ("Innhold", "De seks stegene", "Eksempler", "Begreper", "Kilder"):
        assert heading in text
    # The contents gives page numbers: "Analyse ......... 28".
    contents = reader.pages[1].extract_text()
    assert re.search(r"1\. Analyse\s*\.{3,}\s*\d+", contents)
    # Norwegian letters survive, in the embedded Inter.
    assert "næringsutvikling" in text and "Målet er regional balanse" in text
    assert "Kommunal- og distriktsdepartementet" in first_page
    assert any("Inter" in name for name in fonts_of(reader))
    assert reader.metadata.title == "Smart spesialisering – veileder for fylkeskommunen"
    # Tagged for screen readers (PDF/UA), in Norwegian.
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "nb"


def test_links_inside_the_guide_jump_inside_the_pdf(guide):
    html = pdf.render_to_string("pdf/guide.html", pdf._guide_context())
    assert 'href="/steg/' not in html and 'href="#steg-analyse"' in html
    assert 'id="steg-analyse"' in html
    # Headings that recur ("Vanlige fallgruver" in every step) still get an anchor each.
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets <= set(ids), "every link inside the PDF has somewhere to go"


def test_the_short_version_page_and_pdf(client, guide):
    html = client.get("/kortversjon/").text
    assert 'href="/kortversjon.pdf"' in html
    page = Page.objects.get(slug="kortversjon")
    built(pdf.short_version(page))
    reader = read(client.get("/kortversjon.pdf"))
    text = text_of(reader)
    assert page.title in text
    assert any("Inter" in name for name in fonts_of(reader))


def test_a_workshop_sheet_pdf_has_every_question(client, imported):
    built(pdf.workshop_sheet(ProcessStep.objects.get(slug="analyse")))
    reader = read(client.get("/steg/analyse/arbeidsark.pdf"))
    text = text_of(reader)
    assert "ARBEIDSARK · STEG 1 AV 1" in text and "Analyse" in text
    assert "Hva er vi gode på?" in text and "Hvem vet mest om det?" in text


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
    assert (
        'filename="vurderingsskjema-steg-1-analyse-nynorsk.pdf"' in response["Content-Disposition"]
    )
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
    assert client.get("/kortversjon.pdf").status_code == 404, "no published short version"


@pytest.fixture
def counted_builds(monkeypatch):
    builds = []

    def fake_render(document):
        builds.append(document.name)
        return f"%PDF-1.7 {document.name} {content_version()}".encode()

    monkeypatch.setattr(pdf, "render_pdf", fake_render)
    return builds


SHEET = "/steg/analyse/arbeidsark.pdf"


def pending_builds(slug="analyse", kind="workshop_sheet"):
    return DBTaskResult.objects.filter(
        queue_name="pdf",
        status=TaskResultStatus.READY,
        args_kwargs__args__0=kind,
        args_kwargs__args__1=slug,
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
    assert "arbeidsark-steg-1-analyse" in counted_builds
    first = body(client.get(SHEET))
    assert first == body(client.get(SHEET))
    assert counted_builds.count("arbeidsark-steg-1-analyse") == 1, "built once"
    response = client.get(SHEET)
    assert response["Cache-Control"] == "public, max-age=300"
    assert 'filename="arbeidsark-steg-1-analyse.pdf"' in response["Content-Disposition"]


def test_every_content_change_schedules_the_builds_once(imported, run_tasks, counted_builds):
    queued = DBTaskResult.objects.filter(queue_name="pdf", status=TaskResultStatus.READY)
    assert sorted(r.args_kwargs["args"][0] for r in queued) == [
        "assessment_sheet",
        "assessment_sheet_nn",
        "guide",
        "workshop_sheet",
    ], "the import asked for every published PDF"
    step = ProcessStep.objects.get(slug="analyse")
    step.questions += "\nEt nytt spørsmål?"
    step.save()
    assert queued.count() == 4, "the queued builds will build the newest content: none added"
    run_tasks("pdf")
    assert sorted(counted_builds) == [
        "arbeidsark-steg-1-analyse",
        "smart-spesialisering-veileder",
        "vurderingsskjema-steg-1-analyse",
        "vurderingsskjema-steg-1-analyse-nynorsk",
    ]


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
    kept = sorted(p.name for p in pdf_folder.glob("arbeidsark-steg-1-analyse-*.pdf"))
    assert len(kept) == 2, "the current file and the one before it"


def test_a_pdf_of_a_step_unpublished_while_queued_is_not_built(imported, counted_builds, run_tasks):
    ProcessStep.objects.filter(slug="analyse").update(status=Status.DRAFT)
    run_tasks("pdf")
    assert counted_builds == ["smart-spesialisering-veileder"]


def test_the_build_command_makes_every_pdf_ahead(imported, counted_builds):
    from django.core.management import call_command

    Page.objects.create(slug="kortversjon", title="Kortversjon", body="Tekst.", status="published")
    call_command("build_pdfs", stdout=io.StringIO())
    assert sorted(counted_builds) == [
        "arbeidsark-steg-1-analyse",
        "smart-spesialisering-kortversjon",
        "smart-spesialisering-veileder",
        "vurderingsskjema-steg-1-analyse",
        "vurderingsskjema-steg-1-analyse-nynorsk",
    ]
    call_command("build_pdfs", stdout=io.StringIO())
    assert len(counted_builds) == 5, "nothing is built twice"


def test_the_pdf_fetches_nothing_from_the_network(settings):
    fetcher = pdf._local_files_only()()
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

    from django.utils import timezone

    pending_builds().update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert client.get(SHEET).status_code == 503
    assert pending_builds().count() == 1, "asked for again"

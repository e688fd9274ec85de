"""The PDFs: the whole guide, the short version and the workshop sheets open, read right, and are
built once per version of the content rather than on every download."""

import io
import re

import pytest
from pypdf import PdfReader

from portal import pdf
from portal.content import import_content
from portal.models import Chapter, Page, ProcessStep, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pdf_folder(settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path / "pdf"
    return settings.PDF_CACHE_DIR


@pytest.fixture
def guide(settings):
    import_content(settings.CONTENT_DIR)


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
    reader = read(client.get("/kortversjon.pdf"))
    text = text_of(reader)
    page = Page.objects.get(slug="kortversjon")
    assert page.title in text
    assert any("Inter" in name for name in fonts_of(reader))


def test_a_workshop_sheet_pdf_has_every_question(client, imported):
    reader = read(client.get("/steg/analyse/arbeidsark.pdf"))
    text = text_of(reader)
    assert "ARBEIDSARK · STEG 1 AV 1" in text and "Analyse" in text
    assert "Hva er vi gode på?" in text and "Hvem vet mest om det?" in text


def test_no_pdf_of_a_draft(client, imported):
    ProcessStep.objects.filter(slug="analyse").update(status=Status.DRAFT)
    assert client.get("/steg/analyse/arbeidsark.pdf").status_code == 404
    assert client.get("/kortversjon.pdf").status_code == 404, "no published short version"


@pytest.fixture
def counted_builds(monkeypatch):
    builds = []

    def fake_render(document):
        builds.append(document.name)
        return b"%PDF-1.7 " + document.name.encode()

    monkeypatch.setattr(pdf, "render_pdf", fake_render)
    return builds


def test_a_pdf_is_built_once_and_then_served_from_the_file(client, imported, counted_builds):
    first = b"".join(client.get("/steg/analyse/arbeidsark.pdf").streaming_content)
    second = b"".join(client.get("/steg/analyse/arbeidsark.pdf").streaming_content)
    assert first == second
    assert counted_builds == ["arbeidsark-steg-1-analyse"]


def test_a_content_change_makes_a_new_pdf_and_drops_old_ones(
    client, imported, counted_builds, pdf_folder
):
    client.get("/steg/analyse/arbeidsark.pdf")
    step = ProcessStep.objects.get(slug="analyse")
    step.questions += "\nEt nytt spørsmål?"
    step.save()
    client.get("/steg/analyse/arbeidsark.pdf")
    assert len(counted_builds) == 2
    # A relation changing is a content change too, though no timestamp moves.
    Chapter.objects.get(slug="om-veilederen").steps.clear()
    client.get("/steg/analyse/arbeidsark.pdf")
    assert len(counted_builds) == 3
    kept = sorted(p.name for p in pdf_folder.glob("arbeidsark-steg-1-analyse-*.pdf"))
    assert len(kept) == 2, "the current file and the one before it"


def test_a_draft_edit_does_not_change_the_pdf(client, imported, counted_builds):
    client.get("/steg/analyse/arbeidsark.pdf")
    Chapter.objects.create(
        slug="utkast",
        title="Utkast",
        lead="Ikke ferdig.",
        body="Tekst.",
        part="hoveddel",
        order=9,
        status=Status.DRAFT,
    )
    client.get("/steg/analyse/arbeidsark.pdf")
    assert len(counted_builds) == 1


def test_the_build_command_makes_every_pdf_ahead(imported, counted_builds):
    from django.core.management import call_command

    Page.objects.create(slug="kortversjon", title="Kortversjon", body="Tekst.", status="published")
    call_command("build_pdfs", stdout=io.StringIO())
    assert sorted(counted_builds) == [
        "arbeidsark-steg-1-analyse",
        "smart-spesialisering-kortversjon",
        "smart-spesialisering-veileder",
    ]
    call_command("build_pdfs", stdout=io.StringIO())
    assert len(counted_builds) == 3, "nothing is built twice"


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

"""Only published relations are public: a draft step, source or example linked from a published
chapter or example never reaches readers, on any surface (pages, lists, the example filter and
its counts, search, sitemap, feed, the guide PDF). Staff previews show them, marked as drafts."""

import pytest
from pypdf import PdfReader

from portal import pdf
from portal.filters import filter_examples
from portal.models import Chapter, ExampleCase, ProcessStep, Source, Status, Theme
from portal.publishing import publish, with_relations
from portal.search import search

pytestmark = pytest.mark.django_db

SECRET = "Hemmelig"  # every draft's title has it; nothing published does


@pytest.fixture
def drafts(imported):
    """Drafts linked from the published chapter «om-veilederen» and example «industriell-
    symbiose», and a published example whose only step is a draft."""
    chapter = Chapter.objects.get(slug="om-veilederen")
    example = ExampleCase.objects.get(slug="industriell-symbiose")
    published_step = ProcessStep.objects.get(slug="analyse")
    theme = Theme.objects.get(slug="gronn-omstilling")
    step = ProcessStep.objects.create(
        slug="organisering",
        order=2,
        name=f"{SECRET} steg",
        summary="Under arbeid.",
        body=f"{SECRET} tekst.",
        status=Status.DRAFT,
    )
    source = Source.objects.create(
        slug="hemmelig-kilde", title=f"{SECRET} kilde", kind="rapport", status=Status.DRAFT
    )
    draft_example = ExampleCase.objects.create(
        slug="hemmelig-eksempel",
        title=f"{SECRET} eksempel",
        summary="Under arbeid.",
        body="Tekst.",
        kind="kilde",
        status=Status.DRAFT,
    )
    draft_example.steps.add(published_step)
    draft_example.themes.add(theme)
    draft_chapter = Chapter.objects.create(
        slug="hemmelig-kapittel",
        title=f"{SECRET} kapittel",
        part=Chapter.Part.MAIN,
        order=3,
        lead="Under arbeid.",
        body="Tekst.",
        status=Status.DRAFT,
    )
    draft_chapter.steps.add(published_step)
    through_draft = ExampleCase.objects.create(
        slug="via-utkast",
        title="Bare et utkast til steg",
        summary="Publisert.",
        body="Tekst.",
        kind="illustrasjon",
        status=Status.PUBLISHED,
    )
    through_draft.steps.add(step)
    through_draft.themes.add(theme)
    chapter.steps.add(step)
    example.steps.add(step)
    example.sources.add(source)
    return {"step": step, "source": source, "example": draft_example}


@pytest.mark.parametrize(
    "url",
    [
        "/veileder/om-veilederen/",
        "/eksempler/industriell-symbiose/",
        "/eksempler/via-utkast/",
        "/steg/analyse/",
        "/eksempler/",
        "/eksempler/?tema=gronn-omstilling",
        "/veileder/",
        "/steg/",
        "/kilder/",
        "/",
        "/nn/veileder/om-veilederen/",
        "/nn/eksempler/industriell-symbiose/",
    ],
)
def test_no_public_page_shows_or_links_a_draft(client, drafts, url):
    html = client.get(url).text
    assert SECRET not in html
    assert "/steg/organisering/" not in html
    assert "/eksempler/hemmelig-eksempel/" not in html
    assert "hemmelig-kilde" not in html


def test_the_chapter_relates_no_example_through_a_draft_step(client, drafts):
    html = client.get("/veileder/om-veilederen/").text
    assert "/eksempler/industriell-symbiose/" in html  # through the published step
    assert "/eksempler/via-utkast/" not in html  # only through the draft step


def test_the_filter_counts_only_published_examples_and_steps(client, drafts):
    chosen = filter_examples(ExampleCase.objects.published(), {})
    assert {option.slug: option.count for option in chosen.steps} == {"analyse": 1}
    assert {option.slug: option.count for option in chosen.themes} == {"gronn-omstilling": 2}
    assert {e.slug for e in chosen.examples} == {"industriell-symbiose", "via-utkast"}
    for example in chosen.examples:
        assert [s.slug for s in example.steps.all()] == (
            ["analyse"] if example.slug == "industriell-symbiose" else []
        )
    html = client.get("/eksempler/?steg=organisering").text  # unknown to the public: unfiltered
    assert '<option value="organisering"' not in html
    assert "Analyse (1)" in html


def test_search_finds_no_draft(drafts):
    assert search(SECRET).total == 0
    assert search("Bare et utkast til steg").total == 1


def test_sitemap_and_feed_leave_drafts_out(client, drafts):
    for url in ("/sitemap.xml", "/endringer.atom"):
        text = client.get(url).text
        assert SECRET not in text
        assert "organisering" not in text
        assert "hemmelig" not in text


def test_the_guide_pdf_prints_no_draft(drafts, settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path / "pdf"
    reader = PdfReader(pdf.build(pdf.guide()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Industriell symbiose" in text
    assert "Bare et utkast til steg" in text
    assert SECRET not in text


def test_staff_preview_shows_linked_drafts_marked_as_drafts(client, staff_user, drafts):
    client.force_login(staff_user)
    html = client.get("/eksempler/industriell-symbiose/").text
    assert f"{SECRET} steg" in html
    assert f"{SECRET} kilde" in html
    assert html.count('data-color="warning">Utkast</span>') == 2
    html = client.get("/veileder/om-veilederen/").text
    assert f"{SECRET} steg" in html and f"{SECRET} eksempel" in html


def test_publishing_the_step_shows_it_at_once_through_the_page_cache(
    client, drafts, publisher, settings
):
    settings.PAGE_CACHE_ENABLED = True
    assert SECRET not in client.get("/veileder/om-veilederen/").text
    assert client.get("/veileder/om-veilederen/")["X-Page-Cache"] == "hit"
    publish(drafts["step"], publisher)
    html = client.get("/veileder/om-veilederen/").text
    assert f"{SECRET} steg" in html
    assert "/eksempler/via-utkast/" in html


def test_a_relation_outside_the_registry_is_refused(imported):
    with pytest.raises(LookupError, match="PUBLIC_RELATIONS"):
        with_relations(ExampleCase.objects.all(), "history")

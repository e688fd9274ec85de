"""The guide as a finished publication (issue 15): table of contents, the whole guide on one
page, step pages, examples, glossary, sources, the accessibility statement and the sitemap.
On the guide's own content, as a reader meets it."""

import re

import pytest
from django.conf import settings

from portal.content import import_content
from portal.models import Chapter, ProcessStep
from tests.test_views import links

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(db):
    import_content(settings.CONTENT_DIR)


@pytest.fixture
def page(client, guide, settings):
    settings.PAGE_CACHE_ENABLED = False
    return lambda path: client.get(path).text


def test_the_guide_page_is_a_numbered_table_of_contents_of_chapters_and_steps(page):
    html = page("/veileder/")
    contents = re.search(r'<nav class="guide-contents".*?</nav>', html, re.S).group(0)
    numbers = re.findall(r'guide-contents__number" aria-hidden="true">(\d+)<', contents)
    assert numbers == [str(n) for n in range(1, Chapter.objects.count() + 1)]
    assert re.search(r"Kapittel 1: </span>Om veilederen</a>", contents)
    # Each chapter's sections, numbered under it: 1.1, 1.2 ...
    assert re.search(r">1\.1</span><a href=\"/veileder/om-veilederen/#", contents)
    steps = re.findall(r'href="(/steg/[a-z-]+/)">Steg (\d): ', contents)
    assert [number for _, number in steps] == ["1", "2", "3", "4", "5", "6"]
    assert "ds-card" not in contents, "a list, not a grid of cards"
    assert links(html, "Hele veilederen på én side") == ["/veileder/hele/"]


def test_the_whole_guide_on_one_page_holds_every_chapter_and_step_with_unique_ids(page):
    html = page("/veileder/hele/")
    for chapter in Chapter.objects.published():
        assert f'id="kapittel-{chapter.slug}"' in html
        assert chapter.title in html
    for step in ProcessStep.objects.published():
        assert f'id="steg-{step.slug}"' in html
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "headings that recur get their own ids"
    assert "<h1" in html and html.count("<h1") == 1


def test_a_chapter_tells_its_reading_time(page):
    html = page("/veileder/slik-arbeider-fylkeskommunen/")
    assert re.search(r"Lesetid om lag \d+ minutter?", html)


def test_a_step_offers_its_workshop_sheet_near_the_top(page):
    html = page("/steg/prioriteringer/")
    first_heading = html.index('id="hva-steget-handler-om"')
    download = html.index("Last ned arbeidsark for steg 4 (PDF)")
    assert download < first_heading
    assert links(html, "Last ned arbeidsark for steg 4") == ["/steg/prioriteringer/arbeidsark.pdf"]


def test_the_step_list_offers_all_six_sheets(page):
    html = page("/steg/")
    sheets = re.search(r'<section class="sheets".*?</section>', html, re.S).group(0)
    pdfs = re.findall(r'href="(/steg/[a-z-]+/arbeidsark\.pdf)"', sheets)
    printable = re.findall(r'href="(/steg/[a-z-]+/arbeidsark/)"', sheets)
    assert len(pdfs) == len(printable) == 6


def test_a_step_page_has_one_further_reading_block(page):
    html = page("/steg/analyse/")
    assert html.count(">Les mer</h2>") == 1
    assert ">Relatert</h2>" not in html


def test_the_last_step_leads_back_to_the_first(page):
    html = page("/steg/monitorering/")
    pager = re.search(r'<nav class="pager".*?</nav>', html, re.S).group(0)
    assert links(pager, "↻") == [] and "Begynn på nytt" in pager
    assert 'href="/steg/analyse/"' in pager
    assert 'rel="next"' not in pager, "not the next in a sequence, the start of the cycle"


def test_an_overview_chapter_is_not_listed_as_about_every_step(page):
    for step in ProcessStep.objects.published():
        html = page(step.get_absolute_url())
        block = re.search(r"Kapitler om dette steget</h3>(.*?)</ul>", html, re.S)
        about = re.findall(r'href="(/veileder/[a-z-]+/)"', block.group(1)) if block else []
        assert "/veileder/om-veilederen/" not in about, step.slug
        for url in about:
            chapter = Chapter.objects.get(slug=url.split("/")[2])
            assert chapter.steps.filter(pk=step.pk).exists()


def test_an_example_links_to_the_previous_and_next_example(page):
    html = page("/eksempler/industriell-symbiose/")
    pager = re.search(r'<nav class="pager".*?</nav>', html, re.S).group(0)
    assert 'rel="prev"' in pager and 'rel="next"' in pager
    assert '<dl class="summary-list">' in html
    assert re.search(r"<dt>Steg</dt>", html)


def test_the_glossary_has_an_a_to_aa_jump_list(page):
    html = page("/begreper/")
    jump = re.search(r'<nav class="jump-list".*?</nav>', html, re.S).group(0)
    letters = re.findall(r"<li>(?:<a[^>]*>|<span[^>]*>)([A-ZÆØÅ#])", jump)
    assert letters[-3:] == ["Æ", "Ø", "Å"] and letters[0] == "A"
    for target in re.findall(r'href="#(bokstav-[^"]+)"', jump):
        assert f'id="{target}"' in html


def test_every_source_is_cited_in_one_format(page):
    html = page("/kilder/")
    citations = re.findall(r'<p class="citation">(.*?)</p>', html, re.S)
    assert len(citations) == 8
    for citation in citations:
        text = re.sub(r"<[^>]+>", "", citation)
        assert re.match(r".+ \((\d{4}|u\.å\.)\)\. .+\.", text), text
        assert "<cite" in citation
        assert 'class="citation__link"' in citation or "Ikke publisert på nett." in citation


def test_the_accessibility_statement_points_to_its_official_home(page):
    for path in ("/tilgjengelighet/", "/nn/tilgjengelighet/"):
        html = page(path)
        assert links(html, "uustatus.no") == ["https://uustatus.no/"]
    assert "den offisielle erklæringen for veilederen finner du på uustatus.no" in page(
        "/tilgjengelighet/"
    )


def test_the_sitemap_lists_the_input_page_the_pdfs_and_every_workshop_sheet(client, guide):
    xml = client.get("/sitemap.xml").text
    site = settings.SITE_URL
    for path in ("/innspill/", "/veileder.pdf", "/kortversjon.pdf", "/veileder/hele/"):
        assert f"<loc>{site}{path}</loc>" in xml, path
    for step in ProcessStep.objects.published():
        assert f"<loc>{site}/steg/{step.slug}/arbeidsark/</loc>" in xml
        assert f"<loc>{site}/steg/{step.slug}/arbeidsark.pdf</loc>" in xml

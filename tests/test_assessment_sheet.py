"""The blank assessment sheet: a step's three critical factors as a scoring grid to print."""

import re

import pytest

from portal.models import Status
from portal.workspace.factors import factors_for_step
from tests.test_views import links, make_step

pytestmark = pytest.mark.django_db

SHEET = "/steg/analyse/vurderingsskjema/"


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_sheet_shows_each_factor_with_its_six_levels_in_bokmal(client, imported):
    response = client.get(SHEET)
    assert response.status_code == 200
    html = response.text
    words = text(html)
    factors = factors_for_step("analyse")
    assert len(factors) == 3
    for number, factor in enumerate(factors, start=1):
        assert f"{number}. {factor.title_nb}" in words
        assert factor.question_nb in words
        for level in factor.levels:
            assert level.text_nb in words
    # One grid per factor, each row a level 0-5 with a box to tick.
    assert html.count('<table class="assessment-grid">') == 3
    assert html.count('class="assessment-grid__box"') == 18
    rows = re.findall(r'<th scope="row">.*?</span>\s*(\d)</th>', html, re.S)
    assert rows == ["0", "1", "2", "3", "4", "5"] * 3
    assert html.count("Hva bygger vi vurderingen på?") == 3
    assert "Hva gjør vi videre?" in html
    assert "Vurderingsskjema: Analyse" in html  # the page title


def test_each_factor_links_to_the_part_of_the_step_page_that_helps(client, imported):
    # The minimal content's step has one heading; factors pointing elsewhere still link there.
    html = client.get(SHEET).text
    targets = links(html, "Les mer i veilederen")
    assert targets == [f"/steg/analyse/#{f.guide_anchor}" for f in factors_for_step("analyse")]


def test_the_links_name_the_section_on_the_real_step_page(client, settings):
    from portal.content import import_content

    import_content(settings.CONTENT_DIR)
    html = client.get("/steg/organisering/vurderingsskjema/").text
    assert links(html, "Les mer i veilederen: Vanlige fallgruver") == [
        "/steg/organisering/#vanlige-fallgruver"
    ]


def test_the_nynorsk_sheet_is_nynorsk(client, imported):
    response = client.get("/nn" + SHEET)
    assert response.status_code == 200
    words = text(response.text)
    assert '<html lang="nn">' in response.text
    for factor in factors_for_step("analyse"):
        assert factor.title_nn in words and factor.question_nn in words
        assert all(level.text_nn in words for level in factor.levels)
        assert factor.question_nb not in words
    assert "Kva byggjer vi vurderinga på?" in words and "Kva gjer vi vidare?" in words
    assert links(response.text, "Les meir i rettleiaren")[0].startswith("/nn/steg/analyse/#")
    # The step has no nynorsk text in the test content, but the sheet is nynorsk: no notice
    # that says the page is in bokmål; only the step's name is marked as bokmål.
    assert "finst ikkje på nynorsk" not in response.text
    assert re.search(r'<h1 lang="nb">Analyse</h1>', response.text)


def test_the_step_page_links_to_the_sheet_and_its_pdf(client, imported):
    html = client.get("/steg/analyse/").text
    assert links(html, "Vurderingsskjema med tre kritiske faktorer") == [SHEET]
    assert links(html, "vurderingsskjema som PDF") == ["/steg/analyse/vurderingsskjema.pdf"]
    nn = client.get("/nn/steg/analyse/").text
    assert links(nn, "Vurderingsskjema med tre kritiske faktorar") == ["/nn" + SHEET]


def test_the_sheet_is_a_public_cached_page(client, imported):
    first = client.get(SHEET)
    second = client.get(SHEET)
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert "public" in second["Cache-Control"]
    assert not second.cookies
    assert "csrfmiddlewaretoken" not in second.text


def test_a_draft_or_unknown_step_has_no_sheet(client, imported, staff_user):
    make_step(2, "organisering", "Organisering", status=Status.DRAFT)
    assert client.get("/steg/organisering/vurderingsskjema/").status_code == 404
    assert client.get("/steg/finnes-ikke/vurderingsskjema/").status_code == 404
    client.force_login(staff_user)  # staff preview the draft step's sheet
    assert client.get("/steg/organisering/vurderingsskjema/").status_code == 200


def test_a_step_without_factors_says_so(client, imported, staff_user):
    make_step(2, "ny-fase", "Ny fase")
    html = client.get("/steg/ny-fase/vurderingsskjema/").text
    assert "Steget har ingen faktorer å vurdere ennå." in html
    assert "assessment-grid" not in html


def test_the_sheet_prints_on_its_own_stylesheet_and_with_a_download(client, imported):
    html = client.get(SHEET).text
    assert re.search(r'<link rel="stylesheet" href="[^"]*portal/css/assessment[.\w]*\.css"', html)
    assert links(html, "Last ned som PDF") == ["/steg/analyse/vurderingsskjema.pdf"]
    assert re.search(r"<button[^>]*data-print[^>]*hidden", html)

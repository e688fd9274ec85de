"""The reading pages: what a reader sees on each page type, the navigation between them, the
example filters, the per-section input links, and the error pages."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from portal.models import Chapter, ExampleCase, Page, ProcessStep, Status, Theme

pytestmark = pytest.mark.django_db

CHAPTER = "/veileder/om-veilederen/"


def links(html: str, text: str) -> list[str]:
    """The href of every link whose text starts with `text`."""
    return [
        href.replace("&amp;", "&")
        for href, inner in re.findall(r'<a[^>]*href="([^"]*)"[^>]*>(.*?)</a>', html, re.S)
        if re.sub(r"<[^>]+>", "", inner).strip().startswith(text)
    ]


def make_step(order, slug, name, status=Status.PUBLISHED, **fields):
    values = {
        "summary": f"Om {name.lower()}.",
        "body": f"## Om {name.lower()}\n\nTekst.",
        "questions": "Hva gjør vi?\nHvem er med?",
        **fields,
    }
    return ProcessStep.objects.create(order=order, slug=slug, name=name, status=status, **values)


@pytest.fixture
def more_steps(imported):
    make_step(2, "organisering", "Organisering")
    make_step(3, "visjon", "Visjon")


# --- Every page type ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/veileder/",
        CHAPTER,
        "/steg/",
        "/steg/analyse/",
        "/steg/analyse/arbeidsark/",
        "/eksempler/",
        "/eksempler/industriell-symbiose/",
        "/begreper/",
        "/kilder/",
        "/om/",
        "/sok/",
        "/sok/?q=økonomi",
    ],
)
def test_every_page_type_has_the_frame_a_reader_relies_on(client, imported, settings, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.text
    assert '<html lang="nb">' in html
    # The skip link is the first link on the page, and leads to the main content.
    first_link = re.search(r"<a [^>]*>", html).group(0)
    assert 'href="#hovedinnhold"' in first_link
    assert 'id="hovedinnhold"' in html
    for label in ("Veilederen", "De seks stegene", "Eksempler", "Begreper", "Kilder"):
        assert links(html, label), f"main navigation lacks {label}"
    assert links(html, "Gi innspill")
    assert 'role="search"' in html and 'name="q"' in html
    for label in ("Om", "Personvern", "Tilgjengelighet"):
        assert links(html, label), f"footer lacks {label}"
    assert "mailto:" in html, "the footer gives a contact"
    # Findability: canonical address, Open Graph and the feed.
    assert f'<link rel="canonical" href="{settings.SITE_URL}{urlsplit(url).path}">' in html
    assert '<meta property="og:title"' in html and '<meta property="og:description"' in html
    assert 'type="application/atom+xml"' in html
    # Only our own origin, and no inline script or style for the strict CSP.
    loaded = re.findall(
        r'<link[^>]*rel="(?:stylesheet|preload|icon)"[^>]*href="([^"]+)"|<script[^>]*src="([^"]+)"',
        html,
    )
    assert len(loaded) >= 5
    assert all(url.startswith("/static/") for url in filter(None, sum(loaded, ())))
    assert "<script>" not in html and " style=" not in html and " onclick=" not in html


@pytest.mark.parametrize(
    "url",
    [CHAPTER, "/steg/analyse/", "/eksempler/industriell-symbiose/", "/om/", "/begreper/"],
)
def test_content_pages_say_when_they_were_last_updated(client, imported, url):
    html = client.get(url).text
    assert re.search(r'Sist oppdatert <time datetime="\d{4}-\d\d-\d\dT', html)


def test_the_current_section_is_marked_in_the_main_navigation(client, imported):
    html = client.get(CHAPTER).text
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    assert re.search(r'<a href="/veileder/" aria-current="true">Veilederen</a>', nav)
    assert nav.count("aria-current") == 1


def test_breadcrumbs_lead_back_up(client, imported):
    html = client.get(CHAPTER).text
    crumbs = re.search(r'<nav class="ds-breadcrumbs.*?</nav>', html, re.S).group(0)
    assert links(crumbs, "Forside") == ["/"]
    assert links(crumbs, "Veilederen") == ["/veileder/"]
    assert 'aria-current="page">Om veilederen<' in crumbs


# --- Chapters ----------------------------------------------------------------------------------


def test_a_chapter_has_a_contents_list_from_its_headings_and_every_heading_is_a_link_target(
    client, imported
):
    html = client.get(CHAPTER).text
    contents = re.search(r'<nav class="contents".*?</nav>', html, re.S).group(0)
    assert links(contents, "Økonomi og æøå") == ["#økonomi-og-æøå"]
    assert links(contents, "Neste del") == ["#neste-del"]
    for anchor in ("økonomi-og-æøå", "neste-del"):
        assert re.search(rf'<h2 id="{anchor}"><a class="toclink" href="#{anchor}">', html), (
            f"heading {anchor} links to itself"
        )


def section_choices(html: str) -> list[tuple[str, str]]:
    """(anchor, title) offered in the feedback block's list of the page's sections."""
    block = re.search(r'<select[^>]* name="del">(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]+)">([^<]+)</option>', block)


def test_the_feedback_block_of_a_chapter_offers_each_of_its_sections(client, imported):
    html = client.get(CHAPTER).text
    assert section_choices(html) == [
        ("økonomi-og-æøå", "Økonomi og æøå"),
        ("neste-del", "Neste del"),
    ]
    assert '<input type="hidden" name="kapittel" value="om-veilederen">' in html
    assert "Gi innspill til denne delen" not in html, "one block per page, not a link per section"


def test_chapters_link_to_the_previous_and_next_published_chapter(client, imported):
    first = client.get(CHAPTER).text
    assert not re.search(r'rel="prev"', first)
    assert re.search(r'href="/veileder/hva-er-smart-spesialisering/" rel="next"', first)
    second = client.get("/veileder/hva-er-smart-spesialisering/").text
    assert re.search(r'href="/veileder/om-veilederen/" rel="prev"', second)
    assert not re.search(r'rel="next"', second)


def test_a_draft_chapter_is_skipped_by_prev_next_for_the_public_but_not_for_staff(
    client, staff_user, imported
):
    # Making room first: the order is unique within a part.
    Chapter.objects.filter(slug="hva-er-smart-spesialisering").update(order=3)
    Chapter.objects.create(
        slug="utkast",
        title="Et kapittel under arbeid",
        part=Chapter.Part.INTRODUCTION,
        order=2,
        lead="Ikke ferdig.",
        body="Tekst.",
        status=Status.DRAFT,
    )
    public = client.get(CHAPTER).text
    assert "Et kapittel under arbeid" not in public
    assert re.search(r'href="/veileder/hva-er-smart-spesialisering/" rel="next"', public)
    assert client.get("/veileder/utkast/").status_code == 404

    client.force_login(staff_user)
    assert re.search(r'href="/veileder/utkast/" rel="next"', client.get(CHAPTER).text)
    preview = client.get("/veileder/utkast/")
    assert preview.status_code == 200
    assert "Forhåndsvisning" in preview.text
    assert re.search(r'href="/veileder/om-veilederen/" rel="prev"', preview.text)
    assert re.search(r'href="/veileder/hva-er-smart-spesialisering/" rel="next"', preview.text)


def test_a_chapter_shows_its_related_steps_and_examples(client, imported):
    html = client.get(CHAPTER).text
    related = re.search(r'<section class="related".*?</section>', html, re.S).group(0)
    assert links(related, "Steg 1: Analyse") == ["/steg/analyse/"]
    assert links(related, "Industriell symbiose") == ["/eksempler/industriell-symbiose/"]


# --- Steps -------------------------------------------------------------------------------------


def test_a_step_says_where_it_is_in_the_sequence_and_links_both_ways(client, more_steps):
    html = client.get("/steg/organisering/").text
    assert "Steg 2 av 3" in html
    assert re.search(r'href="/steg/analyse/" rel="prev"', html)
    assert re.search(r'href="/steg/visjon/" rel="next"', html)
    assert 'href="/steg/organisering/" aria-current="step"' in html
    first = client.get("/steg/analyse/").text
    assert "Steg 1 av 3" in first and 'rel="prev"' not in first


def test_a_draft_step_is_left_out_of_the_count_for_the_public(client, staff_user, more_steps):
    make_step(4, "prioriteringer", "Prioriteringer", status=Status.DRAFT)
    assert "Steg 3 av 3" in client.get("/steg/visjon/").text
    assert client.get("/steg/prioriteringer/").status_code == 404
    assert client.get("/steg/prioriteringer/arbeidsark/").status_code == 404
    client.force_login(staff_user)
    assert "Steg 4 av 4" in client.get("/steg/prioriteringer/").text


def test_a_step_shows_its_questions_roles_eu_elements_and_examples(client, imported):
    html = client.get("/steg/analyse/").text
    assert "Spørsmål å diskutere" in html and "Hva er vi gode på?" in html
    assert "Fylkeskommunens roller" in html and "Tilby analyser" in html
    assert "Tilsvarende momenter hos EU" in html and "Analyse (strategiutvikling, 2012)" in html
    assert links(html, "Industriell symbiose") == ["/eksempler/industriell-symbiose/"]
    header = re.search(r'<header class="page-header">.*?</header>', html, re.S).group(0)
    assert links(header, "Last ned arbeidsark for steg 1 (PDF)") == ["/steg/analyse/arbeidsark.pdf"]
    assert links(header, "Åpne for utskrift") == ["/steg/analyse/arbeidsark/"]


def test_the_feedback_block_of_a_step_offers_each_of_its_sections(client, imported):
    html = client.get("/steg/analyse/").text
    assert '<input type="hidden" name="steg" value="analyse">' in html
    anchors = [anchor for anchor, _title in section_choices(html)]
    assert anchors == [
        "hva-steget-handler-om",
        "spørsmål-å-diskutere",
        "fylkeskommunens-roller",
        "momenter-hos-eu",
    ]
    for anchor in anchors:
        assert f'id="{anchor}"' in html, "each choice names a heading on the page"


def test_the_workshop_sheet_has_every_question_with_room_to_write(client, imported):
    html = client.get("/steg/analyse/arbeidsark/").text
    assert html.count('class="answer-space"') == 2
    assert "Hva er vi gode på?" in html and "Hvem vet mest om det?" in html
    assert links(html, "Last ned som PDF") == ["/steg/analyse/arbeidsark.pdf"]
    # Printing from a button needs script: hidden until portal.js shows it.
    assert re.search(r"<button[^>]*data-print[^>]*hidden", html)


# --- Examples ----------------------------------------------------------------------------------


@pytest.fixture
def examples(more_steps):
    theme = Theme.objects.create(slug="helse", name="Helse")
    second = ExampleCase.objects.create(
        slug="helseklynge",
        title="En helseklynge",
        summary="Sykehus og bedrifter.",
        body="Tekst.",
        kind=ExampleCase.Kind.ILLUSTRATIVE,
        status=Status.PUBLISHED,
    )
    second.steps.set(ProcessStep.objects.filter(slug__in=["analyse", "organisering"]))
    second.themes.set([theme])
    draft = ExampleCase.objects.create(
        slug="utkast",
        title="Et eksempel under arbeid",
        summary="Ikke ferdig.",
        body="Tekst.",
        kind=ExampleCase.Kind.ILLUSTRATIVE,
        status=Status.DRAFT,
    )
    draft.steps.set(ProcessStep.objects.filter(slug="organisering"))
    draft.themes.set([theme])


def option_labels(html: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    return {
        value: label.strip()
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    }


def titles(html: str) -> set[str]:
    return set(re.findall(r'<h3><a href="/eksempler/[^"]+/">([^<]+)</a></h3>', html))


def test_the_example_list_shows_every_published_example_with_counts_per_value(client, examples):
    html = client.get("/eksempler/").text
    assert titles(html) == {"Industriell symbiose", "En helseklynge"}
    assert option_labels(html, "steg") == {
        "": "Alle steg",
        "analyse": "1. Analyse (2)",
        "organisering": "2. Organisering (1)",
        "visjon": "3. Visjon (0)",
    }
    assert option_labels(html, "tema") == {
        "": "Alle temaer",
        "gronn-omstilling": "Grønn omstilling (1)",
        "helse": "Helse (1)",
    }
    assert "2 eksempler" in html
    # A plain GET form: works without JavaScript, and the result has a shareable address.
    assert re.search(r'<form class="filters" method="get" action="/eksempler/"', html)


def test_filtering_by_step_narrows_the_list_and_the_theme_counts(client, examples):
    html = client.get("/eksempler/?steg=organisering").text
    assert titles(html) == {"En helseklynge"}
    assert 'value="organisering" selected' in html
    assert option_labels(html, "tema")["gronn-omstilling"] == "Grønn omstilling (0)"
    assert option_labels(html, "tema")["helse"] == "Helse (1)"
    assert "1 eksempel i steget 2. Organisering" in html
    assert links(html, "Fjern filtrene") == ["/eksempler/"]


def test_filtering_by_step_and_theme_together(client, examples):
    assert titles(client.get("/eksempler/?steg=analyse&tema=helse").text) == {"En helseklynge"}
    empty = client.get("/eksempler/?steg=visjon&tema=helse").text
    assert titles(empty) == set()
    assert "Ingen eksempler passer med begge valgene" in empty


def test_an_unknown_filter_value_is_ignored_rather_than_emptying_the_list(client, examples):
    html = client.get("/eksempler/?steg=finnes-ikke&tema=<script>").text
    assert titles(html) == {"Industriell symbiose", "En helseklynge"}
    assert "<script>" not in html


def test_staff_see_draft_examples_in_the_list(client, staff_user, examples):
    client.force_login(staff_user)
    html = client.get("/eksempler/?steg=organisering").text
    assert titles(html) == {"En helseklynge", "Et eksempel under arbeid"}


def test_an_example_page_links_its_steps_themes_and_sources(client, imported):
    html = client.get("/eksempler/industriell-symbiose/").text
    assert links(html, "Steg 1: Analyse") == ["/steg/analyse/"]
    assert links(html, "Grønn omstilling") == ["/eksempler/?tema=gronn-omstilling"]
    assert links(html, "Målrettede samfunnsoppdrag i Norge") == ["/kilder/#nifu-2022-7"]
    assert "Eksempel fra kildematerialet" in html


# --- Glossary, sources, pages ------------------------------------------------------------------


def test_every_glossary_term_has_an_anchor(client, imported):
    html = client.get("/begreper/").text
    assert re.search(r'<dt id="nisje">Nisje', html)
    assert "<strong>god</strong>" in html, "definitions are Markdown"


def test_sources_are_grouped_by_kind_with_an_anchor_each(client, imported):
    html = client.get("/kilder/").text
    assert re.search(r"<h2[^>]*>Rapport</h2>", html)
    entry = re.search(r'<li id="nifu-2022-7">(.*?)</li>', html, re.S).group(1)
    text = re.sub(r"<[^>]+>", "", entry)
    assert text.startswith("NIFU (2022). Målrettede samfunnsoppdrag i Norge. example.org (PDF)")
    assert links(entry, "example.org") == ["https://example.org/nifu.pdf"]


def test_the_short_version_page_offers_its_pdf(client, imported):
    Page.objects.create(
        slug="kortversjon", title="Kortversjon", body="## Kort\n\nTekst.", status="published"
    )
    html = client.get("/kortversjon/").text
    assert "<h1>Kortversjon</h1>" in html
    assert links(html, "Last ned kortversjonen som PDF") == ["/kortversjon.pdf"]


def test_the_search_page_shows_the_query_back_escaped(client, imported):
    html = client.get("/sok/", {"q": '<script>alert("x")</script>'}).text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


# --- Findability and errors --------------------------------------------------------------------


def test_robots_txt_points_to_the_sitemap_and_keeps_search_results_out(client, db, settings):
    text = client.get("/robots.txt").text
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text
    assert "Disallow: /sok/" in text


def test_the_not_found_page_is_norwegian_and_helps_on(client, imported):
    response = client.get("/veileder/finnes-ikke/")
    assert response.status_code == 404
    html = response.text
    assert "Fant ikke siden" in html
    assert 'action="/sok/"' in html and links(html, "Til forsiden") == ["/"]
    assert 'class="site-header"' in html, "in the site's look"


def test_the_server_error_page_needs_no_database(rf: RequestFactory):
    # No `db` fixture: pytest-django fails any query this page tried to make.
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Noe gikk galt hos oss" in html
    assert "/static/portal/css/portal." in html, "in the site's look"


def test_a_heading_anchor_in_a_link_round_trips(client, imported):
    """The del parameter decodes back to the heading's id, æøå included."""
    anchor = section_choices(client.get(CHAPTER).text)[0][0]
    form = client.get("/innspill/", {"kapittel": "om-veilederen", "del": anchor}).text
    assert "«Økonomi og æøå»" in form

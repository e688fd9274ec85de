"""Search: Norwegian stemming, parts of compound words, typos, weighting, highlighting, and
queries meant to break it."""

import re

import pytest
from django.utils import translation

from portal import search
from portal.content import import_content
from portal.models import Chapter, ExampleCase, GlossaryTerm, Page, ProcessStep, Status

pytestmark = pytest.mark.django_db


def chapter(slug, title, body, lead="En ingress.", status=Status.PUBLISHED, order=None):
    return Chapter.objects.create(
        slug=slug,
        title=title,
        lead=lead,
        body=body,
        part=Chapter.Part.MAIN,
        # The order is unique within a part: one after the last unless given.
        order=order if order is not None else 100 + Chapter.objects.count(),
        status=status,
    )


@pytest.fixture
def corpus(content_dir, django_capture_on_commit_callbacks):
    # After commit, as in production: the vocabulary for typos and compound words is refreshed.
    with django_capture_on_commit_callbacks(execute=True):
        import_content(content_dir)
        chapter("strategi", "Planarbeid", "Fylket trenger en tydelig strategi for regionen.")
        chapter(
            "naering",
            "Arbeid i regionen",
            "Fylkeskommunen driver med næringsutvikling sammen med bedriftene.",
        )
        chapter("utkast", "Hemmelig utkast", "Et hemmelig ord: kvasarstrategi.", status="draft")


def titles(results) -> list[str]:
    return [hit.title for hit in results.hits]


# --- Finding things ----------------------------------------------------------------------------


def test_stemming_lets_a_plural_find_the_singular(corpus):
    assert "Planarbeid" in titles(search.search("strategier"))


def test_part_of_a_compound_word_finds_the_compound(corpus):
    found = search.search("utvikling")
    assert "Arbeid i regionen" in titles(found), "utvikling finds næringsutvikling"
    assert "næringsutvikling" not in Chapter.objects.get(slug="naering").title.lower()


@pytest.mark.parametrize("typo", ["strtegi", "stratgi", "næringsutviking"])
def test_a_typo_still_finds_the_word(corpus, typo):
    assert search.search(typo).hits, f"{typo} found nothing"


def test_an_exact_match_ranks_above_a_near_one(corpus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        chapter("delstrategi", "Om delmål", "Hver delstrategi har egne mål.")
    results = titles(search.search("strategi"))
    assert results.index("Planarbeid") < results.index("Om delmål")


def test_a_match_in_the_title_ranks_above_one_in_the_body(corpus):
    chapter("tittel", "Klynger i regionen", "Tekst om noe annet.", order=20)
    chapter("tekst", "Noe annet", "Her står det om klynger i en lang tekst.", order=21)
    results = titles(search.search("klynger"))
    assert results.index("Klynger i regionen") < results.index("Noe annet")


def test_a_match_in_the_lead_ranks_above_one_in_the_body(corpus):
    chapter("ingress", "Første", "Annen tekst.", lead="Om innovasjonsarbeid.", order=20)
    chapter("broedtekst", "Andre", "Her er innovasjonsarbeid nevnt.", order=21)
    results = titles(search.search("innovasjonsarbeid"))
    assert results.index("Første") < results.index("Andre")


def test_every_kind_of_content_is_searched_and_labelled(corpus):
    labels = {hit.title: hit.kind.label for hit in search.search("regionen").hits}
    assert labels["Arbeid i regionen"] == "Kapittel"
    assert {hit.kind.label for hit in search.search("analyser").hits} >= {"Steg"}
    assert {hit.kind.label for hit in search.search("symbiose").hits} == {"Eksempel"}
    assert {hit.kind.label for hit in search.search("nisje").hits} >= {"Begrep"}
    assert {hit.kind.label for hit in search.search("nettstedet").hits} == {"Side"}


def test_drafts_are_never_found(corpus):
    assert "Hemmelig utkast" not in titles(search.search("hemmelig"))
    assert "Hemmelig utkast" not in titles(search.search("kvasarstrategi"))


def test_results_link_to_their_pages(corpus):
    urls = {hit.title: hit.url for hit in search.search("nisje").hits}
    assert urls["Nisje"] == "/begreper/#nisje"
    urls = {hit.title: hit.url for hit in search.search("symbiose").hits}
    assert urls["Industriell symbiose"] == "/eksempler/industriell-symbiose/"


def test_an_edit_is_searchable_at_once_and_its_words_match_typos_after_commit(
    corpus, django_capture_on_commit_callbacks
):
    page = Page.objects.get(slug="om")
    with django_capture_on_commit_callbacks(execute=True):
        page.body = "Nå handler siden om havbruksnæringen."
        page.save()
    assert "Om nettstedet" in titles(search.search("havbruksnæringen")), "the stored column"
    assert "Om nettstedet" in titles(search.search("havbruksnæring")), "the stem"
    assert "Om nettstedet" in titles(search.search("havbruksnæringn")), "the vocabulary"


def test_many_results_are_paged(corpus):
    for number in range(25):
        chapter(f"tema-{number}", f"Sjømat nummer {number}", "Om sjømat.", order=30 + number)
    first = search.search("sjømat")
    assert first.total == 25 and len(first.hits) == 20 and first.has_next
    second = search.search("sjømat", page=2)
    assert len(second.hits) == 5 and not second.has_next
    assert not set(titles(first)) & set(titles(second))


# --- Highlighting ------------------------------------------------------------------------------


def test_the_matching_words_are_highlighted_in_the_snippet(corpus):
    hit = next(h for h in search.search("strategier").hits if h.title == "Planarbeid")
    assert "<mark>strategi</mark>" in hit.snippet


def test_a_snippet_comes_from_the_text_not_the_markdown(corpus):
    chapter("lenke", "Lenker", "Les om [klyngeprogrammet](https://example.org/klynge) **nå**.")
    hit = next(h for h in search.search("klyngeprogrammet").hits if h.title == "Lenker")
    assert "<mark>klyngeprogrammet</mark>" in hit.snippet
    assert "](" not in hit.snippet and "**" not in hit.snippet and "https" not in hit.snippet


def test_markup_in_the_text_is_escaped_in_the_snippet(corpus):
    GlossaryTerm.objects.create(
        slug="ulikhet",
        term="Ulikhet",
        definition="Når `a < b & c` og `<em>fet</em>` står i teksten om ulikheter.",
        status=Status.PUBLISHED,
    )
    hit = next(h for h in search.search("ulikheter").hits if h.title == "Ulikhet")
    assert "a &lt; b &amp; c" in hit.snippet
    assert "<em>" not in hit.snippet
    assert re.sub(r"</?mark>", "", hit.snippet).count("<") == 0, "only <mark> is markup"


def test_the_highlight_markers_cannot_be_smuggled_in(corpus):
    chapter("markor", "Markører", "Tekst med \ue000søppel\ue001 og regionkart.")
    hits = search.search("regionkart").hits
    assert all("<mark>søppel" not in hit.snippet for hit in hits)


# --- Queries meant to break it -----------------------------------------------------------------

HOSTILE = [
    "'",
    '"',
    "&",
    "|",
    "!",
    "!!",
    ":*",
    "(",
    ")",
    "<->",
    "a & | b",
    "'; DROP TABLE portal_chapter; --",
    "<script>alert(1)</script>",
    "<mark>x</mark>",
    "\x00",
    "strategi\x00",
    "%",
    "_",
    "\\",
    "x" * 2000,
    "strategi " * 300,
    "-",
    "-strategi",
    '"strategi',
    "or or or",
    "😀 ☃",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_fail(client, corpus, query):
    response = client.get("/sok/", {"q": query})
    assert response.status_code == 200
    html = response.text
    assert "<script>alert" not in html
    assert "<mark>x</mark>" not in html
    assert Chapter.objects.filter(slug="strategi").exists()


def test_a_long_query_is_cut_and_the_reader_told(client, corpus):
    html = client.get("/sok/", {"q": "strategi " + "x" * 2000}).text
    assert "bare på de første 200 tegnene" in html


def test_a_page_number_that_is_not_a_number_shows_the_first_page(client, corpus):
    for page in ("abc", "-1", "0", "99999999999999999999", "2"):
        response = client.get("/sok/", {"q": "strategi", "side": page})
        assert response.status_code == 200
        assert "Planarbeid" in response.text


def test_nothing_found_gives_help_and_ways_on(client, corpus):
    html = client.get("/sok/", {"q": "xyzzyqwfp"}).text
    assert "Ingen treff for «xyzzyqwfp»" in html
    assert "Sjekk om ordene er stavet riktig" in html
    assert 'href="/veileder/"' in html and 'href="/begreper/"' in html


def test_results_on_the_page_are_labelled_and_counted(client, corpus):
    html = client.get("/sok/", {"q": "symbiose"}).text
    assert "1 treff for «symbiose»" in html
    assert re.search(r'<span class="ds-tag"[^>]*>Eksempel</span>\s*<h3><a href="/eksempler/', html)


def test_search_results_are_not_indexed_or_cached(client, corpus):
    response = client.get("/sok/", {"q": "strategi"})
    assert '<meta name="robots" content="noindex">' in response.text
    assert client.get("/sok/", {"q": "strategi"}).get("X-Page-Cache") != "hit"


def test_examples_are_found_by_their_region(corpus):
    ExampleCase.objects.filter(slug="industriell-symbiose").update(region="Vestlandet")
    assert "Industriell symbiose" in titles(search.search("vestlandet"))


# --- Nynorsk -----------------------------------------------------------------------------------
# Both forms go through the `norwegian` configuration. Measured here: its stemmer strips the
# nynorsk endings -ane/-ar/-a/-ene ("prioriteringane", "prioriteringar" and "prioriteringer" all
# stem to "prioritering"; "verksemder"/"verksemda" to "verksemd"; "løysingane" to "løysing"), and
# its stop words include nynorsk ones (eit, ikkje, kva, korleis, dei). It misses where a nynorsk
# word ends in -ar in the singular ("rettleiar" stems to "rettlei", "rettleiaren" to "rettleiar"):
# there the trigram widening finds the word all the same.


@pytest.fixture
def nynorsk(corpus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        GlossaryTerm.objects.filter(slug="nisje").update(
            term_nn="Nisje",
            definition_nn="Eit avgrensa felt der verksemda i regionen kan bli god.",
        )
        Chapter.objects.filter(slug="strategi").update(
            title_nn="Planarbeid på nynorsk",
            body_nn="Fylket må gjere prioriteringane tydelege for alle.",
        )
        Page.objects.filter(slug="om").update(body_nn="Rettleiaren er skriven for fylkeskommunen.")
    search.refresh_vocabulary()  # update() sends no signal; an admin edit refreshes it


def test_a_nynorsk_only_word_in_a_definition_is_found(nynorsk):
    assert "Nisje" in titles(search.search("verksemder"))


@pytest.mark.parametrize("query", ["prioriteringar", "prioriteringane", "prioriteringer"])
def test_inflected_nynorsk_forms_find_each_other(nynorsk, query):
    assert "Planarbeid" in titles(search.search(query))


def test_a_nynorsk_singular_in_ar_is_found_through_the_widening(nynorsk):
    assert "Om nettstedet" in titles(search.search("rettleiar"))


def test_a_nynorsk_reader_gets_nynorsk_titles_and_snippets(nynorsk):
    with translation.override("nn"):
        results = search.search("prioriteringar")
    hit = next(hit for hit in results.hits if hit.url.endswith("/strategi/"))
    assert hit.title == "Planarbeid på nynorsk"
    assert "<mark>prioriteringane</mark>" in hit.snippet


def test_a_bokmal_reader_gets_bokmal_titles_and_a_nynorsk_reader_bokmal_where_nynorsk_is_missing(
    nynorsk,
):
    assert "Planarbeid" in titles(search.search("strategi"))
    with translation.override("nn"):
        assert "Om veilederen" in titles(search.search("veilederen")), "no nynorsk title"


# --- Acronyms, near words and "Mente du" -------------------------------------------------------


@pytest.fixture
def acronyms(corpus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        chapter("ris", "Om strategien", "Fylket skriver en RIS3-strategi for neste periode.")
        chapter("risiko", "Risiko", "All utvikling har en risiko, og risikoen må deles.")
        chapter("oppdiktet", "Et tenkt fylke", "Eksempelet er oppdiktet fra ende til annen.")
        chapter("oppdrag", "Fylkets rolle", "Fylket har et oppdrag fra staten.")
        chapter("edp", "Oppdagelser", "Den entreprenørielle oppdagelsesprosessen (EDP) er åpen.")


def test_an_acronym_matches_only_documents_that_contain_it(acronyms):
    found = search.search("RIS3")
    assert titles(found) == ["Om strategien"], "no widening to risiko"
    assert "<mark>" in found.hits[0].snippet
    assert titles(search.search("ris3")) == ["Om strategien"], "a word with a digit is exact too"


def test_a_short_acronym_is_still_found(acronyms):
    assert titles(search.search("EDP")) == ["Oppdagelser"]


def test_a_known_word_is_never_widened_to_words_spelled_like_it(acronyms):
    found = search.search("oppdrag")
    assert "Et tenkt fylke" not in titles(found), "oppdiktet is not oppdrag"
    assert all("oppdiktet" not in hit.snippet for hit in found.hits)
    assert found.suggestion == "" and not any(hit.near for hit in found.hits)


def test_a_typo_is_corrected_with_a_suggestion_and_near_words_are_not_marked(acronyms):
    found = search.search("strtegi")
    assert found.precise_total == 0 and found.hits and found.only_near
    assert found.suggestion == "strategi"
    assert all(hit.near for hit in found.hits)
    assert all("<mark>" not in hit.snippet for hit in found.hits), "not the word searched"


def test_the_suggestion_is_offered_as_a_link_on_the_page(client, acronyms):
    html = client.get("/sok/", {"q": "strtegi"}).text
    assert 'Mente du <a href="?q=strategi">«strategi»</a>?' in html
    assert "Ingen treff for «strtegi». Under ser du treff på ord som ligner." in html
    assert "Mente du" not in client.get("/sok/", {"q": "strategi"}).text


def test_a_word_found_in_a_compound_is_marked(corpus):
    hit = next(h for h in search.search("utvikling").hits if h.title == "Arbeid i regionen")
    assert "<mark>næringsutvikling</mark>" in hit.snippet and not hit.near


# --- Title first, filters, workshop sheets -----------------------------------------------------


def test_a_title_that_is_the_query_comes_first(corpus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            chapter(f"om-strategi-{number}", f"Arbeid {number}", "Strategi, strategi og strategi.")
    assert titles(search.search("planarbeid"))[0] == "Planarbeid"
    with django_capture_on_commit_callbacks(execute=True):
        GlossaryTerm.objects.create(
            slug="regional-strategi",
            term="Regional strategi",
            definition="En strategi for regionen.",
            status=Status.PUBLISHED,
        )
    assert titles(search.search("regional strategi"))[0] == "Regional strategi", "a term"


def test_results_can_be_filtered_by_kind_with_counts(client, corpus):
    everything = search.search("regionen")
    counts = {count.kind.key: count.count for count in everything.counts}
    assert sum(counts.values()) == everything.total == everything.all_total
    terms = search.search("regionen", kind="term")
    assert {hit.kind.key for hit in terms.hits} == {"term"}
    assert terms.total == counts["term"] and terms.all_total == everything.total

    html = client.get("/sok/", {"q": "regionen", "type": "begrep"}).text
    chosen = 'type=begrep" aria-current="page">Begreper <span class="search-filters__count">'
    assert f"{chosen}({counts['term']})" in html
    labels = re.findall(r'<span class="ds-tag"[^>]*>([^<]+)</span>', html)
    assert labels == ["Begrep"] * counts["term"]
    for unknown in ("ukjent", "", "<script>"):
        response = client.get("/sok/", {"q": "regionen", "type": unknown})
        assert response.status_code == 200
        assert f"{everything.total} treff for «regionen»" in response.text


def test_the_pager_keeps_the_filter(client, corpus):
    for number in range(25):
        chapter(f"tema-{number}", f"Sjømat nummer {number}", "Om sjømat.", order=30 + number)
    html = client.get("/sok/", {"q": "sjømat", "type": "kapittel"}).text
    assert "?q=sj%C3%B8mat&amp;type=kapittel&amp;side=2" in html


def test_the_workshop_sheets_are_found_by_arbeidsark(corpus):
    found = search.search("arbeidsark")
    sheets = [hit for hit in found.hits if hit.kind.key == "sheet"]
    assert len(sheets) == ProcessStep.objects.filter(status=Status.PUBLISHED).count() > 0
    analyse = search.search("arbeidsark analyse").hits[0]
    assert (analyse.title, analyse.url) == ("Arbeidsark: Analyse", "/steg/analyse/arbeidsark/")


def test_a_nynorsk_reader_gets_nynorsk_labels(client, corpus):
    html = client.get("/nn/sok/", {"q": "nisje"}).text
    assert '<span class="ds-tag" data-color="neutral">Omgrep</span>' in html
    assert "Meinte du" not in html

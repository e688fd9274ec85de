"""What a planner expects on top when searching the real guide (content/): a relevance test,
not a smoke test. Each case names the query and the titles that must lead the results; the test
runs them all and reports every miss at once."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from portal import search
from portal.content import import_content

pytestmark = pytest.mark.django_db

STEPS = ["Analyse", "Organisering", "Visjon", "Prioriteringer", "Policy-mix", "Monitorering"]
WHAT_IS_IT = "Hva er smart spesialisering, og hvorfor er det relevant for Norge?"
PLAN_CHAPTER = "Smart spesialisering og plan- og bygningsloven"
MISSIONS_CHAPTER = "Smart spesialisering, samfunnsoppdrag og grønn omstilling"
RELATED_CHAPTER = "Beslektet mangfold og entreprenørielle oppdagelser"

# (query, titles that must all be among the first `within` results, within)
EXPECTED = [
    *[(step.lower(), [step], 1) for step in STEPS[:4]],
    ("policy-mix", ["Policy-mix", "Arbeidsark: Policy-mix"], 3),
    ("monitorering", ["Monitorering"], 1),
    ("smart spesialisering", ["Smart spesialisering", WHAT_IS_IT], 3),
    ("beslektet mangfold", ["Beslektet mangfold", RELATED_CHAPTER], 2),
    ("entreprenøriell oppdagelse", [RELATED_CHAPTER], 1),
    ("oppdagelsesprosess", ["Entreprenøriell oppdagelsesprosess"], 1),
    ("EDP", ["Entreprenøriell oppdagelsesprosess"], 1),
    ("nisje", ["Nisje"], 1),
    ("regional plan", ["Regional plan", PLAN_CHAPTER], 2),
    ("planstrategi", ["Regional planstrategi"], 1),
    ("handlingsprogram", ["Handlingsprogram", PLAN_CHAPTER], 2),
    ("plan- og bygningsloven", [PLAN_CHAPTER], 1),
    ("samfunnsoppdrag", ["Samfunnsoppdrag", MISSIONS_CHAPTER], 5),
    ("grønn omstilling", ["Grønn omstilling", MISSIONS_CHAPTER], 2),
    ("region", ["Region", "Begrepene region og spesialisering"], 2),
    ("EU", ["Smart spesialisering i Norge og i EU"], 1),
    ("fylkeskommunen", ["Slik arbeider fylkeskommunen med smart spesialisering"], 1),
    ("industriell symbiose", ["Industriell symbiose"], 1),
    ("indikatorer", ["Monitorering"], 1),
    ("virkemidler", ["Policy-mix"], 2),
    ("kortversjon", ["Kortversjon"], 1),
    ("personvern", ["Personvern"], 1),
    ("tilgjengelighet", ["Tilgjengelighetserklæring"], 1),
    ("arbeidsark", [f"Arbeidsark: {step}" for step in STEPS], 6),
    ("arbeidsark prioriteringer", ["Arbeidsark: Prioriteringer"], 1),
]


@pytest.fixture
def guide(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_content(Path(settings.BASE_DIR) / "content")


def test_the_results_a_planner_expects_come_first(guide):
    misses = []
    for query, wanted, within in EXPECTED:
        top = [hit.title for hit in search.search(query).hits[:within]]
        if not set(wanted) <= set(top):
            misses.append(f"{query!r}: wanted {wanted} in the first {within}, got {top}")
    assert not misses, "\n".join(misses)
    assert len(EXPECTED) >= 25


@pytest.fixture(autouse=True)
def bokmal():
    with translation.override("nb"):
        yield


def test_acronyms_find_only_what_holds_them_and_typos_are_corrected(guide):
    for hit in search.search("EDP").hits:
        assert "<mark>EDP</mark>" in hit.snippet, hit.title
    assert search.search("RIS3").hits == [], "the guide never says RIS3; risiko is not it"
    assert search.search("strtegi").suggestion == "strategi"
    assert search.search("prioriteringr").suggestion == "prioriteringer"


def test_a_nynorsk_reader_finds_the_nynorsk_titles(guide):
    with translation.override("nn"):
        top = [hit.title for hit in search.search("tilgjengelegheit").hits[:1]]
    assert top == ["Tilgjengelegheitserklæring"]


def test_the_manual_parts_of_a_step_are_searched(guide):
    # "tommelfingerregel" stands only in the steps' duration fields, not in their body.
    found = {hit.title for hit in search.search("tommelfingerregel").hits}
    assert set(STEPS) <= found

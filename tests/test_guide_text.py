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

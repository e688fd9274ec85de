"""Both written forms in content/: `<name>.nn.md` beside a Markdown file, `nn:` in a list entry."""

import hashlib
import json

import pytest
from django.utils import translation

from portal.content import (
    KEPT,
    UNCHANGED,
    UPDATED,
    ContentError,
    export_content,
    import_content,
    read_content,
)
from portal.models import Chapter, Consultation, GlossaryTerm, Page, ProcessStep, Theme
from tests.conftest import MINIMAL_CONTENT, write_tree

pytestmark = pytest.mark.django_db

NYNORSK = {
    "pages/om.nn.md": """
        ---
        title: Om nettstaden
        ---
        Denne nettstaden viser rettleiaren.
    """,
    "steps/1-analyse.nn.md": """
        ---
        name: Analyse
        summary: Finn styrkane i regionen.
        questions:
          - Kva er vi gode på?
        roles:
          - Tilby analysar
        ---
        ## Kva steget handlar om

        Du kartlegg styrkar i økonomien.
    """,
    "consultations/innspill.nn.md": """
        ---
        title: Innspel til rettleiaren
        questions:
          - text: Er rettleiaren nyttig?
            help: Svar kort.
          - text: Andre innspel?
        ---
        Vi vil gjerne høyre frå deg.
    """,
    "glossary.yaml": """
        - slug: nisje
          term: Nisje
          definition: Et avgrenset område der regionen kan bli **god**.
          nn:
            term: Nisje
            definition: Eit avgrensa område der regionen kan bli **god**.
    """,
}


@pytest.fixture
def both_forms(tmp_path):
    return write_tree(tmp_path / "both-forms", {**MINIMAL_CONTENT, **NYNORSK})


def _by_slug(root, kind):
    return {record.slug: record for record in read_content(root)[kind]}


def test_the_reader_takes_nynorsk_from_the_sibling_file_and_the_nn_mapping(both_forms):
    page = _by_slug(both_forms, "page")["om"]
    assert page.values["title"] == "Om nettstedet"
    assert page.nynorsk == {"title": "Om nettstaden", "lead": "", "body": page.nynorsk["body"]}
    assert page.nynorsk["body"] == "Denne nettstaden viser rettleiaren."
    step = _by_slug(both_forms, "step")["analyse"]
    assert step.nynorsk["questions"] == "Kva er vi gode på?"
    assert step.nynorsk["eu_elements"] == ""
    term = _by_slug(both_forms, "glossary")["nisje"]
    assert term.nynorsk["definition"].startswith("Eit avgrensa område")
    consultation = _by_slug(both_forms, "consultation")["innspill-veileder"]
    assert consultation.nynorsk_questions == [
        {"text": "Er rettleiaren nyttig?", "help": "Svar kort."},
        {"text": "Andre innspel?", "help": ""},
    ]
    # A .nn.md file is part of its bokmål file's record, never a record of its own.
    assert len(read_content(both_forms)["page"]) == 1
    assert _by_slug(both_forms, "chapter")["om-veilederen"].nynorsk == {}


def test_a_nynorsk_file_without_its_bokmal_file_is_an_error(both_forms):
    (both_forms / "pages/borte.nn.md").write_text("---\ntitle: Borte\n---\nTekst.\n")
    with pytest.raises(ContentError) as error:
        read_content(both_forms)
    assert error.value.path.name == "borte.nn.md"
    assert error.value.line == 1
    assert "borte.md" in error.value.message


@pytest.mark.parametrize(
    ("name", "text", "line", "words"),
    [
        ("pages/om.nn.md", "---\ntitle: Om\nslug: om\n---\nTekst.\n", 3, "«slug»"),
        ("pages/om.nn.md", "---\ntitle: [Om\n---\nTekst.\n", 2, "ugyldig YAML"),
        (
            "consultations/innspill.nn.md",
            "---\ntitle: Innspel\nquestions:\n  - text: Berre eitt?\n---\nTekst.\n",
            3,
            "bokmålsfilen har 2",
        ),
        (
            "glossary.yaml",
            "- slug: nisje\n  term: Nisje\n  definition: D.\n  nn: {slug: x}\n",
            4,
            "«slug»",
        ),
    ],
)
def test_a_bad_nynorsk_text_is_reported_with_its_line(both_forms, name, text, line, words):
    (both_forms / name).write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as error:
        read_content(both_forms)
    assert error.value.path.name == name.split("/")[-1]
    assert error.value.line == line
    assert words in error.value.message


def test_import_fills_both_forms_and_pages_read_in_the_active_one(both_forms):
    import_content(both_forms)
    page = Page.objects.get(slug="om")
    assert (page.title_nb, page.title_nn) == ("Om nettstedet", "Om nettstaden")
    with translation.override("nn"):
        assert page.title == "Om nettstaden"
        chapter = Chapter.objects.get(slug="om-veilederen")
        assert chapter.title == "Om veilederen", "no nynorsk: read in bokmål"
    question = Consultation.objects.get().questions.get(order=1)
    assert (question.text_nb, question.text_nn) == (
        "Er veilederen nyttig?",
        "Er rettleiaren nyttig?",
    )
    assert ProcessStep.objects.get().questions_nn == "Kva er vi gode på?"


def test_export_writes_nynorsk_only_where_it_exists_and_round_trips(both_forms, tmp_path):
    import_content(both_forms)
    exported = tmp_path / "exported"
    names = {p.relative_to(exported).as_posix() for p in export_content(exported)}
    assert {"pages/om.nn.md", "steps/1-analyse.nn.md"} <= names
    assert "consultations/innspill-veileder.nn.md" in names
    assert "chapters/01-om-veilederen.nn.md" not in names
    assert "nn:" in (exported / "glossary.yaml").read_text()
    assert "nn:" not in (exported / "themes.yaml").read_text()
    assert (exported / "pages/om.nn.md").read_text() == (
        "---\ntitle: Om nettstaden\n---\nDenne nettstaden viser rettleiaren.\n"
    )

    def snapshots(root):
        return {(k, r.slug): r.snapshot() for k, rs in read_content(root).items() for r in rs}

    assert snapshots(exported) == snapshots(both_forms)
    assert set(import_content(exported).counts) == {UNCHANGED}
    again = tmp_path / "again"
    export_content(again)
    for path in exported.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (again / path.relative_to(exported)).read_bytes(), path


def test_an_admin_edit_of_a_nynorsk_field_is_kept_like_any_edit(both_forms):
    import_content(both_forms)
    Theme.objects.filter(slug="gronn-omstilling").update(name_nn="Grøn omstilling")
    report = import_content(both_forms)
    assert ("theme", "gronn-omstilling", KEPT) in report.outcomes
    report = import_content(both_forms, overwrite=True)
    assert ("theme", "gronn-omstilling", UPDATED) in report.outcomes
    assert Theme.objects.get().name_nn == ""


def test_a_nynorsk_text_added_to_the_files_updates_the_object(content_dir, both_forms):
    import_content(content_dir)
    report = import_content(both_forms)
    assert ("page", "om", UPDATED) in report.outcomes
    assert ("chapter", "om-veilederen", UNCHANGED) in report.outcomes
    assert GlossaryTerm.objects.get().definition_nn.startswith("Eit avgrensa")


def _fingerprint_before_nynorsk(record):
    # What portal.content.snapshot hashed before the nynorsk fields came.
    snapshot = {
        "values": record.values,
        "relations": record.relations,
        "questions": record.questions,
    }
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_objects_without_nynorsk_keep_the_fingerprint_they_had(content_dir):
    for kind, records in read_content(content_dir).items():
        for record in records:
            if kind == "consultation":  # its moments hash as UTC text, checked by the import
                continue
            assert record.fingerprint == _fingerprint_before_nynorsk(record), (kind, record.slug)

import textwrap

import pytest
from django.conf import settings

from portal.content import ContentError, read_content
from tests.conftest import MINIMAL_CONTENT, write_tree


def _write(content_dir, name, text):
    (content_dir / name).parent.mkdir(parents=True, exist_ok=True)
    (content_dir / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return content_dir / name


def test_a_folder_reads_into_records_by_kind(content_dir):
    records = read_content(content_dir)
    assert [r.slug for r in records["chapter"]] == ["om-veilederen", "hva-er-smart-spesialisering"]
    (step,) = records["step"]
    assert step.values["questions"] == "Hva er vi gode på?\nHvem vet mest om det?"
    assert step.values["body"].startswith("## Hva steget handler om")
    (consultation,) = records["consultation"]
    assert consultation.values["closes_at"].isoformat() == "2036-03-01T11:00:00+00:00"
    assert consultation.questions[0] == {
        "text": "Er veilederen nyttig?",
        "help": "Svar kort.",
        "required": True,
    }
    (term,) = records["glossary"]
    assert (term.path.name, term.line) == ("glossary.yaml", 1)


@pytest.mark.django_db
def test_reading_makes_no_database_query(content_dir, django_assert_num_queries):
    with django_assert_num_queries(0):
        read_content(content_dir)


@pytest.mark.django_db
def test_reading_a_partial_folder_does_not_look_in_the_database(
    imported, tmp_path, django_assert_num_queries
):
    # The steps, themes and sources it names are in the database, but the reader does not ask:
    # that fallback is the importer's.
    partial = write_tree(
        tmp_path / "partial", {"examples/a.md": MINIMAL_CONTENT["examples/symbiose.md"]}
    )
    with django_assert_num_queries(0), pytest.raises(ContentError) as caught:
        read_content(partial)
    assert caught.value.line == 7
    assert "ukjent steg «analyse» i «steps»" in caught.value.message


@pytest.mark.parametrize(
    ("name", "text", "line", "message"),
    [
        (
            "chapters/09-bad.md",
            """
            ---
            slug: ok
            title: [ikke lukket
            ---
            Tekst.
            """,
            3,
            "ugyldig YAML",
        ),
        ("chapters/09-bad.md", "Ingen front matter.\n", 1, "front matter"),
        (
            "chapters/09-bad.md",
            """
            ---
            slug: uten-tittel
            part: hoveddel
            order: 9
            lead: Ingress.
            ---
            Tekst.
            """,
            1,
            "mangler title",
        ),
        (
            "chapters/09-bad.md",
            """
            ---
            slug: ukjent-steg
            title: Tittel
            part: hoveddel
            order: 9
            lead: Ingress.
            steps: [analyse, drom]
            ---
            Tekst.
            """,
            7,
            "ukjent steg «drom»",
        ),
        (
            "chapters/09-bad.md",
            """
            ---
            slug: hva-er-smart-spesialisering
            title: Tittel
            part: hoveddel
            order: 9
            lead: Ingress.
            ---
            Tekst.
            """,
            2,
            "er brukt før",
        ),
        (
            "chapters/09-bad.md",
            """
            ---
            slug: feil-del
            title: Tittel
            part: vedlegg
            order: 9
            lead: Ingress.
            ---
            Tekst.
            """,
            4,
            "må være en av",
        ),
        (
            "chapters/09-bad.md",
            """
            ---
            slug: Store Bokstaver
            title: Tittel
            part: hoveddel
            order: 9
            lead: Ingress.
            ---
            Tekst.
            """,
            2,
            "ugyldig slug",
        ),
        (
            "chapters/09-bad.md",
            """
            ---
            slug: skrivefeil
            title: Tittel
            part: hoveddel
            order: 9
            lede: Ingress.
            ---
            Tekst.
            """,
            6,
            "ukjent nøkkel «lede»",
        ),
        (
            "steps/7-drom.md",
            """
            ---
            slug: drom
            order: 2
            name: Drøm
            summary: Drøm stort.
            ---
            Tekst.
            """,
            2,
            "ukjent steg «drom»: stegene er analyse, organisering",
        ),
        (
            "steps/2-organisering.md",
            """
            ---
            slug: organisering
            order: 7
            name: Organisering
            summary: Organiser.
            ---
            Tekst.
            """,
            3,
            "«order» for et steg må være 1-6",
        ),
        (
            "steps/0-organisering.md",
            """
            ---
            slug: organisering
            order: 1
            name: Organisering
            summary: Organiser.
            ---
            Tekst.
            """,
            3,
            "to steg har order 1",
        ),
        (
            "consultations/baklengs.md",
            """
            ---
            slug: baklengs
            title: Baklengs
            opens_at: 2027-03-01T00:00:00+01:00
            closes_at: 2027-03-01T00:00:30+01:00
            ---
            Tekst.
            """,
            5,
            "fristen (closes_at) må være etter opens_at",
        ),
        (
            "consultations/innspill.md",
            """
            ---
            slug: innspill-veileder
            title: Innspill
            opens_at: 2026-01-01T00:00:00+01:00
            closes_at: 2036-03-01T12:00:00+01:00
            questions:
              - text: Nyttig?
                required: kanskje
            ---
            Tekst.
            """,
            6,
            "«required» skal være true eller false",
        ),
    ],
)
def test_a_bad_file_is_named_with_its_line(content_dir, name, text, line, message):
    path = _write(content_dir, name, text)
    with pytest.raises(ContentError) as caught:
        read_content(content_dir)
    assert caught.value.path == path
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_duplicate_slug_in_a_list_file_names_its_line(content_dir):
    (content_dir / "glossary.yaml").write_text(
        "- slug: nisje\n  term: Nisje\n  definition: En.\n"
        "- slug: nisje\n  term: Nisje igjen\n  definition: To.\n"
    )
    with pytest.raises(ContentError) as caught:
        read_content(content_dir)
    assert caught.value.line == 4
    assert "er brukt før" in caught.value.message


def test_the_shipped_content_reads():
    records = read_content(settings.CONTENT_DIR)
    assert len(records["step"]) == 6

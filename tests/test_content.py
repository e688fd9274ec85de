import textwrap

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.content import (
    CREATED,
    KEPT,
    UNCHANGED,
    UPDATED,
    ContentError,
    export_content,
    import_content,
)
from portal.models import Chapter, Consultation, ExampleCase, ProcessStep, Status

pytestmark = pytest.mark.django_db


def test_first_import_creates_everything(content_dir):
    report = import_content(content_dir)
    assert set(report.counts) == {CREATED}
    chapter = Chapter.objects.get(slug="om-veilederen")
    assert chapter.status == Status.PUBLISHED
    assert chapter.first_published_at is not None
    assert list(chapter.steps.values_list("slug", flat=True)) == ["analyse"]
    step = ProcessStep.objects.get(slug="analyse")
    assert step.question_list == ["Hva er vi gode på?", "Hvem vet mest om det?"]
    example = ExampleCase.objects.get(slug="industriell-symbiose")
    assert [t.slug for t in example.themes.all()] == ["gronn-omstilling"]
    consultation = Consultation.objects.get()
    assert [q.text for q in consultation.questions.all()] == [
        "Er veilederen nyttig?",
        "Andre innspill?",
    ]
    assert consultation.questions.first().required is True


def test_second_import_changes_nothing(content_dir):
    import_content(content_dir)
    before = list(Chapter.objects.values_list("slug", "updated_at"))
    report = import_content(content_dir)
    assert set(report.counts) == {UNCHANGED}
    assert not report.changed
    assert list(Chapter.objects.values_list("slug", "updated_at")) == before


def test_changed_file_updates_the_object(content_dir):
    import_content(content_dir)
    path = content_dir / "chapters/02-hva.md"
    path.write_text(path.read_text().replace("En metode.", "En ny ingress."))
    report = import_content(content_dir)
    assert ("chapter", "hva-er-smart-spesialisering", UPDATED) in report.outcomes
    assert Chapter.objects.get(slug="hva-er-smart-spesialisering").lead == "En ny ingress."


def test_admin_edit_survives_reimport_until_overwrite(content_dir):
    import_content(content_dir)
    chapter = Chapter.objects.get(slug="om-veilederen")
    chapter.lead = "Skrevet om i admin."
    chapter.save()
    path = content_dir / "chapters/01-om.md"
    path.write_text(path.read_text().replace("Hvem veilederen er for.", "Endret i fila."))

    report = import_content(content_dir)
    assert ("chapter", "om-veilederen", KEPT) in report.outcomes
    assert "endret i admin" in "\n".join(report.lines())
    assert Chapter.objects.get(slug="om-veilederen").lead == "Skrevet om i admin."

    import_content(content_dir, overwrite=True)
    assert Chapter.objects.get(slug="om-veilederen").lead == "Endret i fila."


def test_dry_run_writes_nothing(content_dir):
    report = import_content(content_dir, dry_run=True)
    assert report.counts[CREATED] > 0
    assert Chapter.objects.count() == 0


def test_prune_removes_what_left_the_folder(content_dir):
    import_content(content_dir)
    (content_dir / "chapters/02-hva.md").unlink()
    import_content(content_dir)
    assert Chapter.objects.filter(slug="hva-er-smart-spesialisering").exists()
    import_content(content_dir, prune=True)
    assert not Chapter.objects.filter(slug="hva-er-smart-spesialisering").exists()


def test_export_then_import_changes_nothing(content_dir, tmp_path):
    import_content(content_dir)
    chapter = Chapter.objects.get(slug="om-veilederen")
    chapter.body += "\n\nEt nytt avsnitt fra admin."
    chapter.status = Status.DRAFT
    chapter.save()
    exported = tmp_path / "exported"
    export_content(exported)
    report = import_content(exported)
    assert set(report.counts) == {UNCHANGED}
    assert "status: draft" in (exported / "chapters/01-om-veilederen.md").read_text()
    # Once exported and re-imported, the admin edit is the new baseline for later imports.
    report = import_content(exported)
    assert set(report.counts) == {UNCHANGED}


def _broken(content_dir, name, text):
    (content_dir / name).parent.mkdir(parents=True, exist_ok=True)
    (content_dir / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return content_dir / name


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
    ],
)
def test_bad_file_stops_the_run_with_path_and_line(content_dir, name, text, line, message):
    path = _broken(content_dir, name, text)
    with pytest.raises(ContentError) as caught:
        import_content(content_dir)
    assert caught.value.path == path
    assert caught.value.line == line
    assert message in caught.value.message
    assert Chapter.objects.count() == 0, "nothing of a failed run is written"


def test_duplicate_slug_in_a_list_file_names_its_line(content_dir):
    (content_dir / "glossary.yaml").write_text(
        "- slug: nisje\n  term: Nisje\n  definition: En.\n"
        "- slug: nisje\n  term: Nisje igjen\n  definition: To.\n"
    )
    with pytest.raises(ContentError) as caught:
        import_content(content_dir)
    assert caught.value.line == 4
    assert "er brukt før" in caught.value.message


def test_failed_run_leaves_earlier_import_intact(content_dir):
    import_content(content_dir)
    path = content_dir / "chapters/02-hva.md"
    path.write_text(path.read_text().replace("En metode.", "Ny ingress."))
    _broken(content_dir, "examples/bad.md", "---\nslug: x\n---\nTekst.\n")
    with pytest.raises(ContentError):
        import_content(content_dir)
    assert Chapter.objects.get(slug="hva-er-smart-spesialisering").lead == "En metode."


def test_command_reports_and_fails_loudly(content_dir, capsys):
    call_command("import_content", str(content_dir))
    assert "opprettet" in capsys.readouterr().out
    call_command("import_content", str(content_dir))
    assert "0 opprettet, 0 oppdatert" in capsys.readouterr().out
    _broken(content_dir, "steps/7-drom.md", "---\nslug: drom\n---\nx\n")
    with pytest.raises(CommandError, match=r"7-drom\.md:\d+: "):
        call_command("import_content", str(content_dir))


def test_the_shipped_content_imports(settings):
    if not (settings.CONTENT_DIR / "steps").is_dir():
        pytest.skip("content/ is not complete yet")
    report = import_content(settings.CONTENT_DIR)
    assert report.counts[CREATED] > 0
    assert set(import_content(settings.CONTENT_DIR).counts) == {UNCHANGED}

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
    import_content,
)
from portal.models import Chapter, Consultation, ExampleCase, ProcessStep, Status
from portal.publishing import services
from tests.conftest import MINIMAL_CONTENT, write_tree

pytestmark = pytest.mark.django_db


def _write(content_dir, name, text):
    (content_dir / name).parent.mkdir(parents=True, exist_ok=True)
    (content_dir / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return content_dir / name


@pytest.fixture
def content_notices(monkeypatch):
    """How many times the page cache, search and PDFs were told that content changed."""
    calls = []
    monkeypatch.setattr(services, "_after_commit", lambda: calls.append(1))
    return calls


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


def test_deadlines_are_imported_as_whole_minutes(content_dir):
    path = content_dir / "consultations/innspill.md"
    path.write_text(path.read_text().replace("2036-03-01T12:00:00", "2036-03-01T12:00:59"))
    import_content(content_dir)
    assert Consultation.objects.get().closes_at.isoformat() == "2036-03-01T11:00:00+00:00"
    assert set(import_content(content_dir).counts) == {UNCHANGED}


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


def test_a_partial_folder_may_refer_to_what_an_earlier_import_wrote(imported, tmp_path):
    # The example names a step, a theme and a source that only the database holds.
    partial = write_tree(
        tmp_path / "partial", {"examples/symbiose.md": MINIMAL_CONTENT["examples/symbiose.md"]}
    )
    path = partial / "examples/symbiose.md"
    path.write_text(path.read_text().replace("Bedrifter deler", "Naboer deler"))
    report = import_content(partial)
    assert report.outcomes == [("example", "industriell-symbiose", UPDATED)]
    example = ExampleCase.objects.get(slug="industriell-symbiose")
    assert example.body == "Naboer deler ressurser."
    assert list(example.steps.values_list("slug", flat=True)) == ["analyse"]


def test_a_reference_found_neither_in_the_folder_nor_the_database_stops_the_run(imported, tmp_path):
    text = MINIMAL_CONTENT["examples/symbiose.md"].replace("[nifu-2022-7]", "[nifu-2099-1]")
    partial = write_tree(tmp_path / "partial", {"examples/symbiose.md": text})
    with pytest.raises(ContentError) as caught:
        import_content(partial)
    assert caught.value.line == 9
    assert caught.value.message == "ukjent kilde «nifu-2099-1» i «sources»"


def test_an_import_tells_the_caches_once_per_run(content_dir, content_notices):
    report = import_content(content_dir)
    assert report.counts[CREATED] >= 9
    assert len(content_notices) == 1


def test_a_dry_run_or_an_import_that_changes_nothing_tells_no_one(content_dir, content_notices):
    import_content(content_dir, dry_run=True)
    assert content_notices == []
    import_content(content_dir)
    content_notices.clear()
    import_content(content_dir)
    assert content_notices == []


def test_a_bad_file_writes_nothing(content_dir, content_notices):
    _write(content_dir, "examples/bad.md", "---\nslug: x\n---\nTekst.\n")
    with pytest.raises(ContentError) as caught:
        import_content(content_dir)
    assert str(caught.value).startswith(f"{content_dir / 'examples/bad.md'}:1: mangler title")
    assert Chapter.objects.count() == 0
    assert content_notices == []


def test_failed_run_leaves_earlier_import_intact(content_dir):
    import_content(content_dir)
    path = content_dir / "chapters/02-hva.md"
    path.write_text(path.read_text().replace("En metode.", "Ny ingress."))
    _write(content_dir, "examples/bad.md", "---\nslug: x\n---\nTekst.\n")
    with pytest.raises(ContentError):
        import_content(content_dir)
    assert Chapter.objects.get(slug="hva-er-smart-spesialisering").lead == "En metode."


def test_command_reports_and_fails_loudly(content_dir, capsys):
    call_command("import_content", str(content_dir))
    assert "opprettet" in capsys.readouterr().out
    call_command("import_content", str(content_dir))
    assert "0 opprettet, 0 oppdatert" in capsys.readouterr().out
    _write(content_dir, "steps/7-drom.md", "---\nslug: drom\n---\nx\n")
    with pytest.raises(CommandError, match=r"7-drom\.md:\d+: "):
        call_command("import_content", str(content_dir))


def test_the_shipped_content_imports(settings):
    report = import_content(settings.CONTENT_DIR)
    assert report.counts[CREATED] > 0
    assert set(import_content(settings.CONTENT_DIR).counts) == {UNCHANGED}

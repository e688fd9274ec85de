import pytest

from portal.content import UNCHANGED, export_content, import_content, read_content
from portal.models import Chapter, Status

pytestmark = pytest.mark.django_db


def _snapshots(root):
    return {
        (kind, record.slug): record.snapshot()
        for kind, records in read_content(root).items()
        for record in records
    }


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


def test_files_are_named_by_kind(imported, tmp_path):
    written = export_content(tmp_path / "exported")
    names = {path.relative_to(tmp_path / "exported").as_posix() for path in written}
    assert names == {
        "themes.yaml",
        "sources.yaml",
        "glossary.yaml",
        "steps/1-analyse.md",
        "chapters/01-om-veilederen.md",
        "chapters/02-hva-er-smart-spesialisering.md",
        "examples/industriell-symbiose.md",
        "pages/om.md",
        "consultations/innspill-veileder.md",
    }


def test_deadlines_are_written_in_oslo_time(imported, tmp_path):
    export_content(tmp_path / "exported")
    text = (tmp_path / "exported/consultations/innspill-veileder.md").read_text()
    assert "closes_at: '2036-03-01T12:00:00+01:00'" in text


def test_an_export_replaces_files_of_objects_that_are_gone(imported, tmp_path):
    exported = tmp_path / "exported"
    export_content(exported)
    Chapter.objects.filter(slug="hva-er-smart-spesialisering").delete()
    export_content(exported)
    assert not (exported / "chapters/02-hva-er-smart-spesialisering.md").exists()


def test_the_shipped_content_round_trips(settings, tmp_path):
    import_content(settings.CONTENT_DIR)
    exported = tmp_path / "exported"
    export_content(exported)
    assert _snapshots(exported) == _snapshots(settings.CONTENT_DIR)
    assert set(import_content(exported).counts) == {UNCHANGED}

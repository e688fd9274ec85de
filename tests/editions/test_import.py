"""The importer publishes (content/ is reviewed in git) and says so; --as-draft makes editions."""

import pytest

from portal.content import import_content
from portal.models import Chapter, Edition
from tests.conftest import MINIMAL_CONTENT, write_tree

pytestmark = pytest.mark.django_db


def test_an_import_publishes_and_says_so(content_dir):
    report = import_content(content_dir)
    assert "publisert direkte" in report.summary()


def test_as_draft_makes_editions_and_leaves_the_live_rows(imported, content_dir, publish_notices):
    chapter = Chapter.objects.get(slug="om-veilederen")
    text = MINIMAL_CONTENT["chapters/01-om.md"].replace("Om veilederen", "Om denne veilederen")
    write_tree(content_dir, {"chapters/01-om.md": text})
    report = import_content(content_dir, as_draft=True)
    assert "1 utkast laget" in report.summary() and "som utkast" in report.summary()
    chapter.refresh_from_db()
    assert chapter.title_nb == "Om veilederen" and publish_notices == []
    edition = Edition.objects.pending().get()
    assert edition.data["fields"]["title_nb"] == "Om denne veilederen"
    assert edition.data["relations"]["steps"] == list(chapter.steps.values_list("pk", flat=True))
    # A second run keeps the pending edition rather than overwriting it.
    assert "beholdt" in import_content(content_dir, as_draft=True).lines()[0]


def test_an_import_over_a_pending_edition_makes_it_stale(imported, content_dir, editor):
    from portal.editions import services
    from portal.editions.errors import EditConflict
    from portal.editions.snapshot import snapshot_of

    chapter = Chapter.objects.get(slug="om-veilederen")
    services.save_edition(editor, Chapter, snapshot_of(chapter), live=chapter)
    text = MINIMAL_CONTENT["chapters/01-om.md"].replace("Om veilederen", "Fra git")
    write_tree(content_dir, {"chapters/01-om.md": text})
    import_content(content_dir, overwrite=True)
    with pytest.raises(EditConflict):
        services.save_edition(
            editor, Chapter, snapshot_of(chapter), live=chapter, base_version=1, base_revision=1
        )

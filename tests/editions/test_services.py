"""The edition services: a save never changes the live row, a publish does, once."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail

from portal import publishing
from portal.editions import services
from portal.editions.errors import EditConflict, EditionRefused, NotAllowed
from portal.editions.snapshot import snapshot_of
from portal.models import Chapter, Consultation, Edition, FeedbackAnswer, Page, Theme
from tests.conftest import add_feedback
from tests.editions.helpers import edited

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
pytestmark = pytest.mark.django_db


def test_a_save_writes_the_edition_and_never_the_live_row(imported, editor, publish_notices):
    chapter = Chapter.objects.get(slug="om-veilederen")
    version = publishing.content_version()
    edition = services.save_edition(
        editor,
        Chapter,
        edited(chapter, title_nb="Ny tittel", title_nn="Ny tittel nn"),
        live=chapter,
        base_version=chapter.version,
        base_revision=0,
    )
    chapter.refresh_from_db()
    assert chapter.title_nb == "Om veilederen"
    assert (
        edition.state == Edition.State.DRAFT
        and edition.data["fields"]["title_nn"] == "Ny tittel nn"
    )
    assert "title" not in edition.data["fields"]  # only the per-language fields
    assert edition.data["relations"]["steps"] == list(chapter.steps.values_list("pk", flat=True))
    assert publish_notices == [] and publishing.content_version() == version


def test_a_publish_applies_everything_in_one_content_change(
    imported, editor, publisher, publish_notices
):
    chapter = Chapter.objects.get(slug="om-veilederen")
    data = edited(chapter, title_nb="Ny tittel", lead_nb="Ny ingress")
    data["relations"]["steps"] = []
    edition = services.save_edition(
        editor, Chapter, data, live=chapter, base_version=1, base_revision=0
    )
    with pytest.raises(NotAllowed):
        services.publish_edition(edition, editor, note="x")
    services.publish_edition(edition, publisher, note="Ny ingress", substantial=True)
    chapter.refresh_from_db()
    assert (chapter.title_nb, chapter.lead_nb, chapter.version) == ("Ny tittel", "Ny ingress", 2)
    assert not chapter.steps.exists()
    assert len(publish_notices) == 1
    edition.refresh_from_db()
    assert edition.state == Edition.State.PUBLISHED and edition.published_at
    assert chapter.history.first().history_change_reason == "Ny ingress"


def test_a_new_object_is_an_edition_until_published(imported, editor, publisher):
    data = edited(Page(slug="ny"), title_nb="Ny side", body_nb="Tekst.", slug="ny")
    edition = services.save_edition(editor, Page, data)
    assert edition.object_id is None and not Page.objects.filter(slug="ny").exists()
    page = services.publish_edition(edition, publisher)
    assert page.is_published and page.title_nb == "Ny side" and page.first_published_at


def test_a_stale_save_is_refused_with_what_the_other_changed(imported, editor, publisher):
    chapter = Chapter.objects.get(slug="om-veilederen")
    services.save_edition(
        publisher,
        Chapter,
        edited(chapter, lead_nb="Den andres ingress"),
        live=chapter,
        base_version=1,
        base_revision=0,
    )
    with pytest.raises(EditConflict) as refused:
        services.save_edition(
            editor,
            Chapter,
            edited(chapter, title_nb="Min tittel"),
            live=chapter,
            base_version=1,
            base_revision=0,
        )
    assert refused.value.by == publisher and refused.value.revision == 1
    labels = {change.label: change for change in refused.value.changes}
    assert labels["ingress (bokmål)"].before == "Den andres ingress"
    assert labels["tittel (bokmål)"].after == "Min tittel"
    # Merged by hand on top of the other's save: accepted.
    services.save_edition(
        editor,
        Chapter,
        edited(chapter, lead_nb="Den andres ingress", title_nb="Min tittel"),
        live=chapter,
        base_version=1,
        base_revision=refused.value.revision,
    )


def test_a_save_over_a_newer_live_version_is_refused(imported, editor, publisher):
    chapter = Chapter.objects.get(slug="om-veilederen")
    first = services.save_edition(publisher, Chapter, edited(chapter, lead_nb="A"), live=chapter)
    services.publish_edition(first, publisher)
    with pytest.raises(EditConflict):
        services.save_edition(
            editor,
            Chapter,
            edited(chapter, title_nb="B"),
            live=chapter,
            base_version=1,
            base_revision=0,
        )


def test_submit_mails_the_publishers_and_return_and_withdraw(
    imported, editor, publisher, run_tasks
):
    publisher.email = "pub@example.no"
    publisher.save()
    theme = Theme.objects.get()
    edition = services.save_edition(editor, Theme, edited(theme, name_nb="Grønt"), live=theme)
    edition = services.submit(edition, editor, message="Se over navnet")
    run_tasks("default")
    assert [m.to for m in mail.outbox] == [["pub@example.no"]]
    assert "Se over navnet" in mail.outbox[0].body
    with pytest.raises(NotAllowed):
        services.return_to_editor(edition, editor, comment="nei")
    edition = services.return_to_editor(edition, publisher, comment="Skriv mer")
    assert edition.state == Edition.State.RETURNED and edition.reviewer_comment == "Skriv mer"
    edition = services.withdraw(services.submit(edition, editor), editor)
    assert edition.state == Edition.State.DRAFT
    assert services.discard(edition, editor).state == Edition.State.WITHDRAWN
    assert services.pending_edition(theme) is None


def test_a_scheduled_edition_goes_live_at_its_minute_without_a_request(
    imported, editor, publisher, run_tasks
):
    chapter = Chapter.objects.get(slug="om-veilederen")
    edition = services.save_edition(
        editor, Chapter, edited(chapter, title_nb="Klokka ti"), live=chapter
    )
    at = dt.datetime(2030, 5, 2, 10, 0, tzinfo=OSLO)
    with time_machine.travel(dt.datetime(2030, 5, 2, 9, 0, tzinfo=OSLO), tick=False):
        services.publish_edition(edition, publisher, note="Ny tittel", at=at)
        version = publishing.content_version()
        assert run_tasks("default") == 0
    with time_machine.travel(dt.datetime(2030, 5, 2, 9, 59, 59, tzinfo=OSLO), tick=False):
        assert run_tasks("default") == 0
    chapter.refresh_from_db()
    assert chapter.title_nb == "Om veilederen" and publishing.content_version() == version
    with time_machine.travel(dt.datetime(2030, 5, 2, 10, 0, 30, tzinfo=OSLO), tick=False):
        assert run_tasks("default") == 1
    chapter.refresh_from_db()
    assert chapter.title_nb == "Klokka ti" and publishing.content_version() != version
    edition.refresh_from_db()
    assert edition.state == Edition.State.PUBLISHED
    # Run again (a retry, a second worker): nothing more happens.
    from portal.editions import tasks

    assert tasks.publish_scheduled.call(edition.pk, at.isoformat()) == "ikke lenger planlagt"


def test_a_scheduled_unpublish_takes_the_page_off_at_its_minute(
    imported, publisher, run_tasks, client
):
    page = Page.objects.get(slug="om")
    at = dt.datetime(2030, 5, 2, 10, 0, tzinfo=OSLO)
    with time_machine.travel(dt.datetime(2030, 5, 2, 9, 0, tzinfo=OSLO), tick=False):
        services.unpublish(page, publisher, at=at, see_instead="/veileder/")
        run_tasks("default")
    page.refresh_from_db()
    assert page.is_published
    with time_machine.travel(dt.datetime(2030, 5, 2, 10, 0, 1, tzinfo=OSLO), tick=False):
        run_tasks("default")
    page.refresh_from_db()
    assert not page.is_published


def test_an_answered_question_cannot_be_reworded_but_one_can_be_added(imported, editor, publisher):
    consultation = Consultation.objects.get()
    add_feedback(consultation, answers=["Ja."])
    answer = FeedbackAnswer.objects.get()
    data = snapshot_of(consultation)
    data["questions"][0]["text_nb"] = "Er veilederen god?"
    with pytest.raises(EditionRefused):
        services.save_edition(editor, Consultation, data, live=consultation)
    data = snapshot_of(consultation)
    data["questions"].append(
        {
            "id": None,
            "order": 3,
            "text_nb": "Nytt spørsmål?",
            "text_nn": "",
            "help_text_nb": "",
            "help_text_nn": "",
            "required": False,
        }
    )
    edition = services.save_edition(editor, Consultation, data, live=consultation)
    services.publish_edition(edition, publisher)
    assert list(consultation.questions.values_list("text_nb", flat=True)) == [
        "Er veilederen nyttig?",
        "Andre innspill?",
        "Nytt spørsmål?",
    ]
    answer.refresh_from_db()
    assert answer.question.text_nb == "Er veilederen nyttig?"


def test_only_publishers_move_a_round_s_dates(imported, editor):
    consultation = Consultation.objects.get()
    data = snapshot_of(consultation)
    data["fields"]["closes_at"] = "2040-01-01T12:00:00+01:00"
    with pytest.raises(NotAllowed):
        services.save_edition(editor, Consultation, data, live=consultation)

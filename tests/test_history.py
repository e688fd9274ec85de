"""The content history in the admin (portal/history.py, portal/admin/history.py): Norwegian
labels and dates, states by name, relations by name, word-level diffs, reverts labelled."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine

from portal import history
from portal.editions import services as editions
from portal.models import Chapter, Edition, ProcessStep
from tests.test_admin import _change_form_data
from tests.test_diff import long_body, marks

pytestmark = pytest.mark.django_db

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
WHEN = dt.datetime(2027, 2, 3, 14, 5, tzinfo=OSLO)


def history_table(client, chapter) -> str:
    response = client.get(f"/admin/portal/chapter/{chapter.pk}/history/")
    assert response.status_code == 200
    text = response.text
    # From the table's body: the legend above it shows the marks too.
    return text[text.index("<tbody>") : text.index("<!-- END Content -->")]


def save(client, chapter, **changes):
    """A publisher's save and publish (a save alone makes an edition: portal/editions)."""
    response = client.post(
        f"/admin/portal/chapter/{chapter.pk}/change/",
        {**_change_form_data(chapter, **changes), "_publish_now": "1"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    chapter.refresh_from_db()


@pytest.fixture
def chapter(imported):
    return Chapter.objects.get(slug="om-veilederen")


def test_the_history_speaks_norwegian_with_dates_in_words(client, publisher, chapter):
    with time_machine.travel(WHEN, tick=False):
        client.force_login(publisher)
        save(client, chapter, lead_nb="En ny ingress.")
        table = history_table(client, chapter)
    page = client.get(f"/admin/portal/chapter/{chapter.pk}/history/").text
    for label in ("Versjon", "Handling", "Status", "Endret av", "Endringer", "Tegnforklaring"):
        assert f">{label}" in page, label
    assert "3. februar 2027 kl. 14.05" in table
    assert ">Endret<" in table and ">Opprettet<" in table
    assert "Ingress (bokmål)" in table
    assert "publisist" in table, "who made the change"
    assert "Ikke registrert (import eller system)" in table, "the import has no user"
    for raw in ("None", "2027-02-03", "+00:00", "entries", "Change reason", "Changed by"):
        assert raw not in table, raw


def test_states_are_named_utkast_and_publisert(client, publisher, imported):
    client.force_login(publisher)
    chapter = Chapter.objects.get(slug="hva-er-smart-spesialisering")
    editions.unpublish(chapter, publisher)
    editions.republish(chapter, publisher)
    table = history_table(client, chapter)
    status_marks = [m for m in marks(table) if m[1] in ("Utkast", "Publisert")]
    assert status_marks == [
        ("del", "Utkast"),
        ("ins", "Publisert"),
        ("del", "Publisert"),
        ("ins", "Utkast"),
    ]
    assert "draft" not in table and "published" not in table and "-&gt;" not in table


def test_relations_are_named(client, publisher, chapter):
    client.force_login(publisher)
    step = ProcessStep.objects.create(
        order=2, slug="organisering", name="Organisering", summary="S.", body="B."
    )
    analyse = ProcessStep.objects.get(slug="analyse")
    save(client, chapter, steps=[analyse.pk, step.pk])
    save(client, chapter, steps=[step.pk])
    table = history_table(client, chapter)
    assert "Relaterte steg" in table
    assert ("ins", "2. Organisering") in marks(table)
    assert ("del", "1. Analyse") in marks(table)
    assert "entries" not in table and "[" not in re.sub(r"<[^>]+>", "", table)
    # One save is one version, though simple-history stores its relations as versions of their own.
    assert table.count(">Endret<") == 2


def test_a_changed_word_in_a_long_body_is_shown_as_a_word_diff(client, publisher, chapter):
    client.force_login(publisher)
    body = long_body()
    save(client, chapter, body_nb=body)
    words = body.split(" ")
    middle = len(words) // 2
    original, words[middle] = words[middle], "endringsvilje"
    save(client, chapter, body_nb=" ".join(words))

    table = history_table(client, chapter)
    newest = table[: table.index("</tr>", table.index("<tbody>"))]
    assert marks(newest) == [("del", original), ("ins", "endringsvilje")]
    assert "Tekst (bokmål)" in newest
    assert "chars]" not in table and "..." not in table
    assert "Satt inn:" in table and "Slettet:" in table


def test_nynorsk_fields_are_diffed_too(client, publisher, chapter):
    client.force_login(publisher)
    save(client, chapter, body_nn="## Økonomi\n\nTekst om økonomien i regionen.")
    save(client, chapter, body_nn="## Økonomi\n\nTekst om økonomien i fylket.")
    table = history_table(client, chapter)
    newest = table[: table.index("</tr>", table.index("<tbody>"))]
    assert "Tekst (nynorsk)" in newest
    assert marks(newest) == [("del", "regionen"), ("ins", "fylket")]


def test_html_in_a_version_is_shown_as_text(client, publisher, chapter):
    client.force_login(publisher)
    save(client, chapter, title_nb='Om <img src=x onerror="alert(1)">')
    table = history_table(client, chapter)
    assert "<img" not in table
    assert "&lt;img" in table


def test_the_version_page_shows_what_that_version_changed(client, publisher, chapter):
    client.force_login(publisher)
    save(client, chapter, lead_nb="Hvem veilederen egentlig er for.")
    version = chapter.history.latest("history_id")
    page = client.get(f"/admin/portal/chapter/{chapter.pk}/history/{version.history_id}/").text
    assert "Endret fra versjonen før" in page
    assert ("ins", "egentlig") in marks(page)
    assert "Gjenopprett denne versjonen" in page


def test_a_revert_is_labelled_with_the_version_it_restores(client, publisher, chapter):
    original_lead = chapter.lead_nb
    with time_machine.travel(WHEN, tick=False):
        client.force_login(publisher)
        save(client, chapter, lead_nb="En omskrevet ingress.")
    restored = chapter.history.latest("history_id")
    with time_machine.travel(WHEN + dt.timedelta(days=1), tick=False):
        client.force_login(publisher)
        save(client, chapter, lead_nb="Enda en ingress.")
        url = f"/admin/portal/chapter/{chapter.pk}/history/{restored.history_id}/"
        response = client.post(url, _change_form_data(restored.instance))
        chapter.refresh_from_db()
        assert chapter.lead_nb == "Enda en ingress.", "a revert makes an edition"
        edition = Edition.objects.pending().get()
        editions.publish_edition(edition, publisher, note=edition.note)
        table = history_table(client, chapter)
    assert response.status_code == 302
    chapter.refresh_from_db()
    assert chapter.lead_nb == "En omskrevet ingress." != original_lead

    latest = chapter.history.latest("history_id")
    assert latest.history_change_reason == "Gjenopprettet versjon fra 3. februar 2027 kl. 14.05"
    assert latest.history_change_reason == history.revert_reason(restored)
    assert "Gjenopprettet versjon fra 3. februar 2027 kl. 14.05" in table
    assert "Endringsårsak:" in table


def test_a_plain_save_has_no_change_reason_shown(client, publisher, chapter):
    client.force_login(publisher)
    save(client, chapter, lead_nb="Ny ingress.")
    assert "Endringsårsak" not in history_table(client, chapter)


def test_revert_reason_formats_the_date_in_oslo_time():
    record = type("Record", (), {"history_date": dt.datetime(2027, 7, 1, 12, 30, tzinfo=dt.UTC)})
    assert history.revert_reason(record) == "Gjenopprettet versjon fra 1. juli 2027 kl. 14.30"

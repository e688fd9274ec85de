"""Staff preview at the page's own address where it was missing: a round's form with its
pending edition (new questions too), and a brand-new step or chapter that has no live row and
so no place in the reading order yet. The public never sees any of it."""

import pytest

from portal.editions import services
from portal.editions.snapshot import snapshot_from_values, snapshot_of
from portal.models import Chapter, Consultation, Edition, ProcessStep
from tests.editions.helpers import edited

pytestmark = pytest.mark.django_db


def test_the_round_s_form_previews_its_pending_edition_for_staff(client, imported, editor):
    consultation = Consultation.objects.get()
    data = edited(consultation, title_nb="Innspill til ny veileder")
    data["questions"].append(
        {**dict.fromkeys(data["questions"][0]), "order": 3, "text_nb": "Hva mangler?"}
    )
    data["questions"][-1].update(id=None, required=False)
    services.save_edition(
        editor, Consultation, data, live=consultation, base_version=consultation.version
    )

    public = client.get("/innspill/innspill-veileder/").text
    assert "Innspill til veilederen" in public and "Hva mangler?" not in public
    assert "Forhåndsvisning av utgave" not in public

    client.force_login(editor)
    page = client.get("/innspill/innspill-veileder/").text
    assert "Forhåndsvisning av utgave" in page
    assert "Innspill til ny veileder" in page and "Hva mangler?" in page
    assert "Er veilederen nyttig?" in page  # the questions it keeps
    live = client.get("/innspill/innspill-veileder/?publisert=1").text
    assert "Innspill til veilederen" in live and "Hva mangler?" not in live
    # The admin's preview link goes to the round's own form, not the list of rounds.
    form = client.get(f"/admin/portal/consultation/{consultation.pk}/change/").text
    assert 'href="/innspill/innspill-veileder/"' in form


def test_a_new_round_is_previewed_as_its_form(client, imported, editor):
    live = Consultation.objects.get()
    data = snapshot_of(live)
    data["fields"].update(slug="ny-runde", title_nb="Ny runde")
    for question in data["questions"]:
        question["id"] = None
    services.save_edition(editor, Consultation, data, live=None)
    assert client.get("/innspill/ny-runde/").status_code == 404
    client.force_login(editor)
    page = client.get("/innspill/ny-runde/").text
    assert "Forhåndsvisning av utgave" in page and "Siden er ikke publisert ennå." in page
    assert "Ny runde" in page and "Er veilederen nyttig?" in page and "Andre innspill?" in page
    assert 'id="send-innspill" disabled' in page  # nothing to send it to until it is published


def _new(model, user, **fields):
    values = snapshot_of(model())["fields"] | fields
    relations = {field.name: [] for field in model._meta.many_to_many}
    return services.save_edition(
        user, model, snapshot_from_values(model, values, relations), live=None
    )


def test_a_new_step_is_previewed_in_its_place_in_the_order(client, imported, editor):
    _new(ProcessStep, editor, slug="forankring", order=2, name_nb="Forankring", summary_nb="S.")
    assert client.get("/steg/forankring/").status_code == 404
    client.force_login(editor)
    response = client.get("/steg/forankring/")
    assert response.status_code == 200
    page = response.text
    assert "Forhåndsvisning av utgave" in page and "Forankring" in page
    assert "Steg 2 av 2" in page and 'rel="prev"' in page
    assert client.get("/steg/forankring/arbeidsark/").status_code == 200
    assert "Steg 1 av 1" in client.get("/steg/analyse/").text  # only its own page shows it


def test_a_new_chapter_is_previewed_and_the_admin_links_to_its_address(client, imported, editor):
    edition = _new(
        Chapter,
        editor,
        slug="ny-del",
        title_nb="Ny del",
        part="innledning",
        order=3,
        lead_nb="Ny ingress.",
        body_nb="Tekst.",
    )
    client.force_login(editor)
    form = client.get(f"/admin/portal/chapter/ny-{edition.pk}/change/").text
    assert 'href="/veileder/ny-del/"' in form
    page = client.get("/veileder/ny-del/").text
    assert "Forhåndsvisning av utgave" in page and "Ny ingress." in page
    assert "Siden er ikke publisert ennå." in page and "?publisert=1" not in page
    assert client.__class__().get("/veileder/ny-del/").status_code == 404
    assert Edition.objects.pending().count() == 1


def test_the_compare_page_links_the_diff_styles(client, imported, editor):
    chapter = Chapter.objects.get(slug="om-veilederen")
    edition = services.save_edition(
        editor,
        Chapter,
        edited(chapter, lead_nb="Ny ingress."),
        live=chapter,
        base_version=chapter.version,
    )
    client.force_login(editor)
    page = client.get(f"/admin/portal/edition/{edition.pk}/sammenlign/").text
    assert "portal/css/diff" in page and "<ins" in page

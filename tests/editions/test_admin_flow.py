"""Each public model through the admin: a Redaktør's save changes nothing the public sees (page,
page cache, search, sitemap, feed, the PDFs' content version); staff preview the edition at the
page's address; a Publisist's publish changes them; a stale save keeps what was typed."""

import re

import pytest
from django.contrib.auth.models import User

from portal import publishing
from portal.models import (
    Chapter,
    Consultation,
    Edition,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
    Theme,
)
from portal.search import search
from tests.editions.form_data import form_values

pytestmark = pytest.mark.django_db

# model, slug, the field an editor changes, the public address that shows it
CASES = [
    (Chapter, "om-veilederen", "title_nb", "/veileder/om-veilederen/"),
    (ProcessStep, "analyse", "name_nb", "/steg/analyse/"),
    (ExampleCase, "industriell-symbiose", "title_nb", "/eksempler/industriell-symbiose/"),
    (GlossaryTerm, "nisje", "term_nb", "/begreper/"),
    (Source, "nifu-2022-7", "title", "/kilder/"),
    (Page, "om", "title_nb", "/om/"),
    (Theme, "gronn-omstilling", "name_nb", "/eksempler/"),
    (Consultation, "innspill-veileder", "title_nb", "/innspill/"),
]
NEW_WORD = "Kvasirlandskap"


def _url(model, obj):
    return f"/admin/portal/{model._meta.model_name}/{obj.pk}/change/"


# What differs between two requests anyway: the form's one-time token, the CSRF token.
TOKENS = re.compile(rb'value="[0-9a-f-]{36}"|name="csrfmiddlewaretoken" value="[^"]+"')


def _public(client):
    anonymous = client.__class__()
    return {
        path: TOKENS.sub(b"", anonymous.get(path).content)
        for path in ("/sitemap.xml", "/endringer.atom", *{case[3] for case in CASES})
    }


@pytest.mark.parametrize(("model", "slug", "field", "address"), CASES, ids=lambda c: str(c))
def test_an_editor_s_save_changes_nothing_public_until_a_publisher_publishes(
    client, imported, editor, publisher, publish_notices, model, slug, field, address
):
    obj = model.objects.get(slug=slug)
    public_before, version = _public(client), publishing.content_version()
    client.force_login(editor)
    data = form_values(client.get(_url(model, obj)).text)
    assert data["_edition_version"] == [str(obj.version)]
    data[field] = [f"{NEW_WORD} tittel"]
    response = client.post(_url(model, obj), data)
    assert response.status_code == 302, response.content[:3000]

    obj.refresh_from_db()
    assert NEW_WORD not in getattr(obj, field)
    assert _public(client) == public_before
    assert publishing.content_version() == version and publish_notices == []
    assert search(NEW_WORD).total == 0
    edition = Edition.objects.pending().get()
    assert edition.data["fields"][field] == f"{NEW_WORD} tittel"

    # The edition's form shows the edition; staff see it at the page's address.
    again = client.get(_url(model, obj)).text
    assert f"{NEW_WORD} tittel" in again and "Utgave under arbeid" in again
    preview = client.get(address).text
    if model not in (Theme, Consultation):
        assert f"{NEW_WORD} tittel" in preview
    if model in (Chapter, ProcessStep, ExampleCase, Page):
        assert "Forhåndsvisning av utgave" in preview

    client.force_login(publisher)
    data = form_values(client.get(_url(model, obj)).text)
    data.update({"_publish_now": ["1"], "_note": ["Ny tittel"], "_substantial": ["1"]})
    response = client.post(_url(model, obj), data)
    assert response.status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == f"{NEW_WORD} tittel"
    assert publishing.content_version() != version and len(publish_notices) == 1
    if model not in (Theme, Consultation):
        assert _public(client) != public_before


def test_a_stale_save_is_refused_and_keeps_what_was_typed(client, imported, editor, publisher):
    chapter = Chapter.objects.get(slug="om-veilederen")
    url = _url(Chapter, chapter)
    client.force_login(editor)
    mine = form_values(client.get(url).text)
    other = client.__class__()
    other.force_login(publisher)
    theirs = form_values(other.get(url).text)
    theirs["lead_nb"] = ["Publisistens nye ingress."]
    assert other.post(url, theirs).status_code == 302

    mine["body_nb"] = ["Min lange tekst som ikke må gå tapt."]
    response = client.post(url, mine)
    assert response.status_code == 200
    page = response.text
    assert "Ikke lagret: publisist har endret dette" in page
    assert "Publisistens nye ingress." in page  # their change, shown
    assert "Min lange tekst som ikke må gå tapt." in page  # what I typed, kept in the form
    edition = Edition.objects.pending().get()
    assert edition.data["fields"]["body_nb"] != "Min lange tekst som ikke må gå tapt."

    # Merged by hand and saved again: the form now carries the new base.
    merged = form_values(page)
    assert merged["_edition_revision"] == ["1"]
    merged["lead_nb"] = ["Publisistens nye ingress."]
    assert client.post(url, merged).status_code == 302
    edition.refresh_from_db()
    assert edition.data["fields"]["body_nb"] == "Min lange tekst som ikke må gå tapt."
    assert edition.data["fields"]["lead_nb"] == "Publisistens nye ingress."


def test_an_editor_sees_who_else_is_editing(client, imported, editor, publisher):
    chapter = Chapter.objects.get(slug="om-veilederen")
    other = client.__class__()
    other.force_login(publisher)
    other.post(_url(Chapter, chapter), form_values(other.get(_url(Chapter, chapter)).text))
    client.force_login(editor)
    page = client.get(_url(Chapter, chapter)).text
    assert "En annen redaktør arbeider med dette." in page and "publisist" in page


def test_an_editor_cannot_move_a_round_s_dates(client, imported, editor):
    consultation = Consultation.objects.get()
    client.force_login(editor)
    page = client.get(_url(Consultation, consultation)).text
    assert 'name="opens_at_0"' not in page and 'name="closes_at_0"' not in page


def test_a_new_page_is_an_edition_until_published(client, imported, editor, publisher):
    client.force_login(editor)
    data = form_values(client.get("/admin/portal/page/add/").text)
    data.update({"slug": ["ny-side"], "title_nb": ["Ny side"], "body_nb": ["Tekst."]})
    response = client.post("/admin/portal/page/add/", data)
    assert response.status_code == 302
    assert not Page.objects.filter(slug="ny-side").exists()
    edition = Edition.objects.pending().get()
    assert response["Location"].endswith(f"/ny-{edition.pk}/change/")
    assert "Ny side" in client.get(response["Location"]).text
    assert client.get("/ny-side/").status_code == 200  # staff preview
    assert client.__class__().get("/ny-side/").status_code == 404
    client.force_login(publisher)
    data = form_values(client.get(response["Location"]).text)
    data["_publish_now"] = ["1"]
    client.post(response["Location"], data)
    assert client.__class__().get("/ny-side/").status_code == 200


def test_an_unpublished_page_says_it_was_removed(client, imported, publisher):
    client.force_login(publisher)
    page = Page.objects.get(slug="om")
    client.post("/admin/portal/page/", {"action": "unpublish", "_selected_action": [page.pk]})
    response = User and client.__class__().get("/om/")
    assert response.status_code == 410
    assert "Siden er fjernet" in response.text


def test_publishers_see_what_waits_for_them_on_the_front_page(client, imported, editor, publisher):
    from portal.editions import services
    from portal.editions.snapshot import snapshot_of

    chapter = Chapter.objects.get(slug="om-veilederen")
    edition = services.save_edition(editor, Chapter, snapshot_of(chapter), live=chapter)
    services.submit(edition, editor, message="Se over")
    client.force_login(publisher)
    page = client.get("/admin/").text
    assert "Venter på deg" in page and "Om veilederen" in page
    client.force_login(editor)
    assert "Venter på deg" not in client.get("/admin/").text


def test_the_compare_page_marks_the_changed_word(client, imported, editor):
    from portal.editions import services
    from portal.editions.snapshot import snapshot_of

    chapter = Chapter.objects.get(slug="om-veilederen")
    data = snapshot_of(chapter)
    data["fields"]["body_nb"] = data["fields"]["body_nb"].replace("økonomi.", "næringsliv.")
    edition = services.save_edition(editor, Chapter, data, live=chapter)
    client.force_login(editor)
    page = client.get(f"/admin/portal/edition/{edition.pk}/sammenlign/").text
    assert "<ins" in page and "næringsliv" in page and "<del" in page

"""Unpublishing from a published object's change form, for publishers only: now or at a minute
(Oslo time), to a 410 page with a link or a redirect to a public page; a planned unpublishing
is shown in the list and can be called off."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from portal.models import Page, ProcessStep, Removal

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
pytestmark = pytest.mark.django_db

CHANGE = "/admin/portal/page/{}/change/"
UNPUBLISH = "/admin/portal/page/{}/avpubliser/"


def _page():
    return Page.objects.get(slug="om")


def _anonymous(client):
    return client.__class__()


def test_a_publisher_unpublishes_now_and_readers_get_410_with_the_link(client, imported, publisher):
    page = _page()
    client.force_login(publisher)
    form = client.get(CHANGE.format(page.pk)).text
    assert "Avpubliser nå" in form and "Send lesere videre til" in form
    assert f'formaction="{UNPUBLISH.format(page.pk)}"' in form

    response = client.post(
        UNPUBLISH.format(page.pk), {"_unpublish_now": "1", "_see_instead": "/steg/analyse/"}
    )
    assert response.status_code == 302 and response["Location"] == CHANGE.format(page.pk)
    page.refresh_from_db()
    assert not page.is_published
    gone = _anonymous(client).get("/om/")
    assert gone.status_code == 410
    assert "Siden er fjernet" in gone.text and 'href="/steg/analyse/"' in gone.text


def test_a_publisher_may_send_readers_straight_on(client, imported, publisher):
    page = _page()
    client.force_login(publisher)
    client.post(
        UNPUBLISH.format(page.pk),
        {"_unpublish_now": "1", "_see_instead": "/veileder/", "_removal_redirect": "1"},
    )
    response = _anonymous(client).get("/om/")
    assert response.status_code == 302 and response["Location"] == "/veileder/"


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("/finnes-ikke-her/", "som ikke finnes"),
        ("/admin/", "ikke en offentlig side"),
        ("https://example.com/", "begynner med /"),
        ("/om/", "den siden som avpubliseres"),
    ],
)
def test_readers_are_only_sent_to_a_public_page(client, imported, publisher, address, why):
    page = _page()
    client.force_login(publisher)
    response = client.post(
        UNPUBLISH.format(page.pk),
        {"_unpublish_now": "1", "_see_instead": address, "_removal_redirect": "1"},
        follow=True,
    )
    assert "Ikke avpublisert" in response.text and why in response.text
    page.refresh_from_db()
    assert page.is_published and not Removal.objects.exists()


def test_not_to_a_page_that_is_not_published(client, imported, publisher):
    ProcessStep.objects.filter(slug="analyse").update(status="draft")
    client.force_login(publisher)
    response = client.post(
        UNPUBLISH.format(_page().pk),
        {"_unpublish_now": "1", "_see_instead": "/steg/analyse/"},
        follow=True,
    )
    assert "Ikke avpublisert" in response.text and "ikke er publisert" in response.text
    assert _page().is_published


def test_a_scheduled_unpublish_takes_effect_at_its_minute(client, imported, publisher, run_tasks):
    page = _page()
    with time_machine.travel(dt.datetime(2030, 5, 2, 9, 0, tzinfo=OSLO), tick=False):
        client.force_login(publisher)
        response = client.post(
            UNPUBLISH.format(page.pk),
            {
                "_unpublish_at": "1",
                "_unpublish_at_time": "2030-05-02T10:00",
                "_see_instead": "/veileder/",
            },
            follow=True,
        )
        assert "avpubliseres 02.05.2030 kl. 10:00" in response.text
        assert "Planlagt avpublisert 2. mai 2030 kl. 10:00" in response.text
        listing = client.get("/admin/portal/page/").text
        assert "Avpubliseres 02.05.2030 kl. 10:00" in listing
        assert run_tasks("default") == 0
    with time_machine.travel(dt.datetime(2030, 5, 2, 9, 59, 59, tzinfo=OSLO), tick=False):
        assert run_tasks("default") == 0
        assert _anonymous(client).get("/om/").status_code == 200
    with time_machine.travel(dt.datetime(2030, 5, 2, 10, 0, 30, tzinfo=OSLO), tick=False):
        assert run_tasks("default") == 1
        gone = _anonymous(client).get("/om/")
    assert gone.status_code == 410 and 'href="/veileder/"' in gone.text
    assert not _page().is_published


def test_a_publisher_calls_off_a_scheduled_unpublish(client, imported, publisher, run_tasks):
    page = _page()
    with time_machine.travel(dt.datetime(2030, 5, 2, 9, 0, tzinfo=OSLO), tick=False):
        client.force_login(publisher)
        client.post(
            UNPUBLISH.format(page.pk),
            {"_unpublish_at": "1", "_unpublish_at_time": "2030-05-02T10:00"},
        )
        form = client.get(CHANGE.format(page.pk)).text
        assert "Avbryt planlagt avpublisering" in form
        response = client.post(UNPUBLISH.format(page.pk), {"_cancel_unpublish": "1"}, follow=True)
        assert "avbrutt" in response.text
        assert "Avpubliseres" not in client.get("/admin/portal/page/").text
    with time_machine.travel(dt.datetime(2030, 5, 2, 10, 0, 30, tzinfo=OSLO), tick=False):
        run_tasks("default")
    assert _page().is_published
    assert _anonymous(client).get("/om/").status_code == 200


def test_a_publisher_calls_it_off_from_the_list(client, imported, publisher, run_tasks):
    page = _page()
    with time_machine.travel(dt.datetime(2030, 5, 2, 9, 0, tzinfo=OSLO), tick=False):
        client.force_login(publisher)
        client.post(
            UNPUBLISH.format(page.pk),
            {"_unpublish_at": "1", "_unpublish_at_time": "2030-05-02T10:00"},
        )
        client.post(
            "/admin/portal/page/", {"action": "cancel_unpublish", "_selected_action": [page.pk]}
        )
        assert not Removal.objects.exists()
    with time_machine.travel(dt.datetime(2030, 5, 2, 10, 0, 30, tzinfo=OSLO), tick=False):
        run_tasks("default")
    assert _page().is_published


def test_an_editor_neither_sees_nor_can_use_the_buttons(client, imported, editor, publisher):
    page = _page()
    client.force_login(editor)
    form = client.get(CHANGE.format(page.pk)).text
    assert "Avpubliser nå" not in form and "_see_instead" not in form
    assert "Avpubliser kl." not in form
    response = client.post(UNPUBLISH.format(page.pk), {"_unpublish_now": "1"})
    assert response.status_code == 403
    listing = client.get("/admin/portal/page/").text
    assert 'value="unpublish"' not in listing and 'value="cancel_unpublish"' not in listing
    client.post("/admin/portal/page/", {"action": "unpublish", "_selected_action": [page.pk]})
    assert _page().is_published and not Removal.objects.exists()

    # Nor can an editor call off what a publisher planned.
    other = client.__class__()
    other.force_login(publisher)
    other.post(
        UNPUBLISH.format(page.pk),
        {"_unpublish_at": "1", "_unpublish_at_time": "2099-05-02T10:00"},
    )
    form = client.get(CHANGE.format(page.pk)).text
    assert "Planlagt avpublisert" in form and "Avbryt planlagt avpublisering" not in form
    assert client.post(UNPUBLISH.format(page.pk), {"_cancel_unpublish": "1"}).status_code == 403
    assert Removal.objects.filter(scheduled_for__isnull=False).exists()

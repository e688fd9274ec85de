"""What the reading views read is kept per content version for readers (portal.reading): a page
read again costs no query, a publish shows the new text at the next request, and staff previews
never come from what readers were served."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import reading
from portal.editions import services
from portal.models import Chapter, ExampleCase, ProcessStep
from tests.editions.helpers import edited

pytestmark = pytest.mark.django_db

CHAPTER = "/veileder/om-veilederen/"
PAGES = [CHAPTER, "/steg/analyse/", "/eksempler/industriell-symbiose/", "/eksempler/?steg=analyse"]


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False  # every request renders: what a reader gets after a publish


@pytest.mark.parametrize("path", PAGES)
def test_a_page_read_again_in_the_same_version_asks_the_database_nothing(client, imported, path):
    first = client.get(path)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path)
    assert again.status_code == 200
    assert again.text == first.text
    assert len(queries) == 0, [q["sql"] for q in queries]


def _pending(user, obj, **fields):
    return services.save_edition(
        user, type(obj), edited(obj, **fields), live=obj, base_version=obj.version
    )


@pytest.mark.parametrize(
    ("model", "slug", "field", "path"),
    [
        (Chapter, "om-veilederen", "lead_nb", CHAPTER),
        (ProcessStep, "analyse", "summary_nb", "/steg/analyse/"),
        (ExampleCase, "industriell-symbiose", "summary_nb", "/eksempler/industriell-symbiose/"),
    ],
)
def test_staff_see_the_pending_edition_readers_the_published_text_until_it_is_published(
    client, imported, editor, publisher, model, slug, field, path
):
    obj = model.objects.get(slug=slug)
    edition = _pending(editor, obj, **{field: "Teksten slik den blir etter neste publisering."})

    assert "slik den blir etter neste" not in client.get(path).text  # a reader, remembered now
    client.force_login(editor)
    assert "slik den blir etter neste" in client.get(path).text, "staff see the pending edition"
    client.logout()
    assert "slik den blir etter neste" not in client.get(path).text, "nor did readers get it"

    services.publish_edition(edition, publisher, note="Ny tekst", substantial=True)
    assert "slik den blir etter neste" in client.get(path).text, "the next request after publish"


def test_staff_see_drafts_in_the_example_list_readers_never(client, imported, editor):
    draft = ExampleCase.objects.get(slug="industriell-symbiose")
    draft.pk, draft.slug, draft.title_nb, draft.status = (
        None,
        "utkast",
        "Et eksempel i utkast",
        "draft",
    )
    draft.save()
    draft.steps.set(ProcessStep.objects.all())

    assert "Et eksempel i utkast" not in client.get("/eksempler/?steg=analyse").text
    client.force_login(editor)
    assert "Et eksempel i utkast" in client.get("/eksempler/?steg=analyse").text
    client.logout()
    assert "Et eksempel i utkast" not in client.get("/eksempler/?steg=analyse").text


def test_a_change_note_shows_to_readers_at_the_next_request(client, imported, editor, publisher):
    chapter = Chapter.objects.get(slug="om-veilederen")
    assert "Endret" not in client.get(CHAPTER).text
    edition = _pending(editor, chapter, lead_nb="Ny ingress.")
    services.publish_edition(edition, publisher, note="Ingressen er skrevet om", substantial=True)
    assert "Ingressen er skrevet om" in client.get(CHAPTER).text


def test_another_process_reads_the_new_text_once_the_version_moves(client, imported):
    client.get(CHAPTER)
    # A write that no signal reports (another process, before its version reaches this one):
    # this process keeps what it read until the shared version moves, then reads again.
    Chapter.objects.filter(slug="om-veilederen").update(lead_nb="Skrevet av en annen prosess.")
    assert "Skrevet av en annen prosess." not in client.get(CHAPTER).text
    from portal.publishing import version

    version.write_new()
    assert "Skrevet av en annen prosess." in client.get(CHAPTER).text


def test_a_page_that_is_not_there_is_never_remembered(client, imported):
    assert client.get("/veileder/finnes-ikke/").status_code == 404
    assert not any("finnes-ikke" in key[3] for key in reading.PAGES.entries), "nothing kept for it"


def test_each_written_form_keeps_its_own_page(client, imported):
    assert "Gi innspill til denne siden" in client.get(CHAPTER).text
    nynorsk = client.get("/nn" + CHAPTER).text
    assert "Gi innspel til denne sida" in nynorsk and "Gi innspill til denne siden" not in nynorsk
    assert "Gi innspill til denne siden" in client.get(CHAPTER).text


def test_each_filter_of_the_example_list_keeps_its_own_page(client, imported):
    assert "1 eksempel i steget" in client.get("/eksempler/?steg=analyse").text
    assert "1 eksempel med temaet" in client.get("/eksempler/?tema=gronn-omstilling").text
    unfiltered = client.get("/eksempler/").text
    assert "i steget" not in unfiltered and "med temaet" not in unfiltered
    made_up = client.get("/eksempler/?steg=finnes-ikke").text
    assert "i steget" not in made_up, "an unknown step is the unfiltered list"


def test_a_search_read_again_asks_nothing_and_a_publish_is_found_at_once(
    client, imported, editor, publisher
):
    first = client.get("/sok/?q=restvarme").text
    assert "Industriell symbiose" in first
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/sok/?q=restvarme").text == first
    assert len(queries) == 0
    assert "Om veilederen" not in client.get("/sok/?q=fjernvarme").text

    chapter = Chapter.objects.get(slug="om-veilederen")
    edition = _pending(editor, chapter, lead_nb="Om fjernvarme i regionen.")
    assert "Om veilederen" not in client.get("/sok/?q=fjernvarme").text, "pending is not public"
    services.publish_edition(edition, publisher)
    assert "Om veilederen" in client.get("/sok/?q=fjernvarme").text

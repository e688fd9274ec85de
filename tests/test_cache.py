import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.content import import_content
from portal.models import Chapter, Status

pytestmark = pytest.mark.django_db

CHAPTER = "/veileder/om-veilederen/"


def test_second_anonymous_read_is_served_from_the_cache_without_sql(client, imported):
    first = client.get(CHAPTER)
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(CHAPTER)
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert "public" in second["Cache-Control"]
    assert "stale-while-revalidate" in second["Cache-Control"]


def test_an_edit_is_shown_at_once(client, imported):
    client.get(CHAPTER)
    chapter = Chapter.objects.get(slug="om-veilederen")
    chapter.lead = "En helt ny ingress."
    chapter.save()
    response = client.get(CHAPTER)
    assert response["X-Page-Cache"] == "miss"
    assert "En helt ny ingress." in response.text


def test_unpublishing_removes_the_page_at_once(client, imported):
    client.get(CHAPTER)
    chapter = Chapter.objects.get(slug="om-veilederen")
    chapter.status = Status.DRAFT
    chapter.save()
    assert client.get(CHAPTER).status_code == 404


def test_an_import_that_changes_a_page_invalidates_it(client, content_dir):
    import_content(content_dir)
    client.get(CHAPTER)
    path = content_dir / "chapters/01-om.md"
    path.write_text(path.read_text().replace("Hvem veilederen er for.", "Ingress fra fila."))
    import_content(content_dir)
    assert "Ingress fra fila." in client.get(CHAPTER).text


def test_a_related_change_on_another_model_invalidates_the_page(client, imported):
    client.get("/steg/analyse/")
    Chapter.objects.get(slug="om-veilederen").steps.clear()
    assert client.get("/steg/analyse/")["X-Page-Cache"] == "miss"


def test_etag_and_last_modified_give_304(client, imported):
    response = client.get(CHAPTER)
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert client.get(CHAPTER, headers={"if-none-match": etag}).status_code == 304
    assert client.get(CHAPTER, headers={"if-modified-since": last_modified}).status_code == 304
    assert client.get(CHAPTER, headers={"if-none-match": '"annen"'}).status_code == 200


def test_logged_in_staff_never_get_or_fill_the_cache(client, staff_user, imported):
    client.get(CHAPTER)  # cached for the public
    client.force_login(staff_user)
    response = client.get(CHAPTER)
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]


def test_the_input_form_is_never_cached(client, imported):
    client.get("/innspill/")
    response = client.get("/innspill/")
    assert response.get("X-Page-Cache") != "hit"
    assert "public" not in response.get("Cache-Control", "")


def test_made_up_query_strings_are_not_stored(client, imported):
    client.get(CHAPTER + "?x=1")
    assert client.get(CHAPTER + "?x=1").get("X-Page-Cache") != "hit"
    client.get("/eksempler/?steg=analyse")
    assert client.get("/eksempler/?steg=analyse")["X-Page-Cache"] == "hit"


def test_not_found_is_not_cached(client, imported):
    client.get("/veileder/finnes-ikke/")
    assert client.get("/veileder/finnes-ikke/").get("X-Page-Cache") != "hit"


def test_hashed_static_files_are_immutable_and_precompressed(client, settings):
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if not manifest.exists():
        pytest.fail("run collectstatic first (make test does)")
    hashed = next(p for p in settings.STATIC_ROOT.rglob("*.css") if p.name.count(".") >= 2)
    assert hashed.with_name(hashed.name + ".br").exists()
    assert hashed.with_name(hashed.name + ".gz").exists()
    url = "/static/" + hashed.relative_to(settings.STATIC_ROOT).as_posix()
    response = client.get(url, headers={"accept-encoding": "br"})
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert response["Content-Encoding"] == "br"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/veileder/",
        "/veileder/om-veilederen/",
        "/steg/",
        "/steg/analyse/",
        "/steg/analyse/arbeidsark/",
        "/eksempler/",
        "/eksempler/?steg=analyse",
        "/eksempler/industriell-symbiose/",
        "/begreper/",
        "/kilder/",
        "/om/",
        "/sitemap.xml",
        "/robots.txt",
        "/endringer.atom",
    ],
)
def test_every_reading_page_is_served_from_the_cache(client, imported, path):
    # A view that lost its @public_page mark would otherwise drop out of the cache without a sound.
    assert client.get(path)["X-Page-Cache"] == "miss"
    assert client.get(path)["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("path", ["/sok/?q=analyse", "/innspill/", "/health/live"])
def test_search_forms_and_health_are_never_stored(client, imported, path):
    client.get(path)
    assert client.get(path).get("X-Page-Cache") is None

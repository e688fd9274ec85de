import pytest

from portal.models import Chapter, ExampleCase, Page, ProcessStep, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_chapter(imported):
    chapter = Chapter.objects.get(slug="hva-er-smart-spesialisering")
    chapter.status = Status.DRAFT
    chapter.save()
    return chapter


@pytest.mark.parametrize(
    ("model", "slug", "url"),
    [
        (Chapter, "hva-er-smart-spesialisering", "/veileder/hva-er-smart-spesialisering/"),
        (ProcessStep, "analyse", "/steg/analyse/"),
        (ExampleCase, "industriell-symbiose", "/eksempler/industriell-symbiose/"),
        (Page, "om", "/om/"),
    ],
)
def test_a_draft_is_hidden_from_the_public_and_previewed_by_staff(
    client, staff_user, imported, model, slug, url
):
    assert client.get(url).status_code == 200
    obj = model.objects.get(slug=slug)
    obj.status = Status.DRAFT
    obj.save()
    assert client.get(url).status_code == 404

    client.force_login(staff_user)
    response = client.get(url)
    assert response.status_code == 200
    assert "Forhåndsvisning" in response.text


def test_drafts_are_left_out_of_lists_and_sitemap(client, draft_chapter):
    assert draft_chapter.title not in client.get("/veileder/").text
    assert draft_chapter.title not in client.get("/").text
    assert draft_chapter.get_absolute_url() not in client.get("/sitemap.xml").text
    assert "/veileder/om-veilederen/" in client.get("/sitemap.xml").text


def test_health_endpoints(client, db):
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").json() == {"status": "ok"}

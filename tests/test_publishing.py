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
    from portal.tasks import heartbeat

    heartbeat.beat("test-worker", ["*"])  # ready needs a task worker (tests/test_tasks.py)
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").json() == {"status": "ok"}


@pytest.fixture
def registry_without_chapter_steps(monkeypatch):
    from portal.publishing import registry, services

    services.disconnect_signals()
    monkeypatch.setattr(
        registry,
        "PUBLIC_RELATIONS",
        tuple(r for r in registry.PUBLIC_RELATIONS if r is not Chapter._meta.get_field("steps")),
    )
    services.connect_signals()
    yield registry
    services.disconnect_signals()
    monkeypatch.undo()
    services.connect_signals()


def test_a_relation_added_to_the_registry_is_followed_by_cache_search_and_pdfs(
    client, imported, registry_without_chapter_steps, monkeypatch
):
    from portal import pdf, publishing, search
    from portal.publishing import services

    refreshes = []
    monkeypatch.setattr(search, "refresh_vocabulary", lambda: refreshes.append(1))
    chapter = Chapter.objects.get(slug="om-veilederen")
    url = chapter.get_absolute_url()
    client.get(url)
    version = publishing.content_version()
    pdf_key = pdf.file_key()

    chapter.steps.clear()  # not registered: nothing follows, the page stays as it was cached
    assert publishing.content_version() == version
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert refreshes == []
    assert pdf.file_key() == pdf_key

    services.disconnect_signals()
    monkeypatch.setattr(
        registry_without_chapter_steps,
        "PUBLIC_RELATIONS",
        (*registry_without_chapter_steps.PUBLIC_RELATIONS, Chapter._meta.get_field("steps")),
    )
    services.connect_signals()
    chapter.steps.add(ProcessStep.objects.get(slug="analyse"))
    # The page cache and the PDFs are keyed on the content version; search refreshes.
    assert publishing.content_version() != version
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert refreshes == [1]
    assert pdf.file_key() != pdf_key


def test_content_changed_runs_once_per_transaction_and_never_for_a_rolled_back_one(
    imported, monkeypatch
):
    from django.db import transaction

    from portal.publishing import services

    calls = []
    monkeypatch.setattr(services, "_after_commit", lambda: calls.append(1))
    with transaction.atomic():
        for chapter in Chapter.objects.all():
            chapter.lead += " Endret."
            chapter.save()
            chapter.steps.clear()
    assert calls == [1]
    with transaction.atomic():
        Chapter.objects.first().save()
        transaction.set_rollback(True)
    assert calls == [1]


def test_publishing_rules_hold_outside_the_admin(imported, editor, publisher):
    from portal import publishing

    chapter = Chapter.objects.get(slug="om-veilederen")
    with pytest.raises(publishing.PublishingNotAllowed):
        publishing.unpublish(chapter, editor)
    assert publishing.unpublish(chapter, publisher) is True
    chapter.refresh_from_db()
    assert chapter.status == Status.DRAFT
    assert chapter.history.first().history_change_reason == "Avpublisert"
    assert publishing.publish(chapter, publisher) is True
    assert publishing.publish(chapter, publisher) is False  # already public

import pytest
from django.contrib.auth.models import User

from portal.editions import services as editions
from portal.models import Chapter, Edition, Status

pytestmark = pytest.mark.django_db


def _change_form_data(chapter, **overrides):
    data = {
        "part": chapter.part,
        "order": chapter.order,
        "slug": chapter.slug,
        "title_nb": chapter.title_nb,
        "title_nn": chapter.title_nn or "",
        "lead_nb": chapter.lead_nb,
        "lead_nn": chapter.lead_nn or "",
        "body_nb": chapter.body_nb,
        "body_nn": chapter.body_nn or "",
        "steps": [s.pk for s in chapter.steps.all()],
        "status": chapter.status,
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(imported):
    chapter = Chapter.objects.get(slug="hva-er-smart-spesialisering")
    chapter.status = Status.DRAFT
    chapter.save()
    return chapter


def test_every_admin_list_and_form_opens_in_norwegian(client, imported):
    admin = User.objects.create_superuser("admin", password="et-langt-passord-1")
    client.force_login(admin)
    for model in (
        "chapter",
        "processstep",
        "examplecase",
        "glossaryterm",
        "source",
        "page",
        "theme",
        "consultation",
    ):
        listing = client.get(f"/admin/portal/{model}/?q=smart")
        assert listing.status_code == 200, model
        assert 'lang="nb"' in listing.text
        assert client.get(f"/admin/portal/{model}/add/").status_code == 200, model


def test_markdown_fields_use_the_markdownx_editor(client, editor, imported):
    client.force_login(editor)
    chapter = Chapter.objects.get(slug="om-veilederen")
    page = client.get(f"/admin/portal/chapter/{chapter.pk}/change/")
    assert "markdownx-editor" in page.text
    assert "/admin/markdownx/markdownify/" in page.text


def test_an_editor_s_save_never_changes_the_live_row(client, editor, draft):
    client.force_login(editor)
    url = f"/admin/portal/chapter/{draft.pk}/change/"
    response = client.post(url, _change_form_data(draft, status=Status.PUBLISHED, lead_nb="Ny"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.lead == "En metode.", "the edit is an edition"
    assert draft.status == Status.DRAFT, "and not published"
    assert Edition.objects.get().data["fields"]["lead_nb"] == "Ny"


def test_an_editor_cannot_publish_through_the_action(client, editor, draft):
    client.force_login(editor)
    response = client.post(
        "/admin/portal/chapter/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code in (200, 302)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_publisher_publishes_with_the_action(client, publisher, draft):
    client.force_login(publisher)
    draft.first_published_at = None
    draft.save()
    client.post(
        "/admin/portal/chapter/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.first_published_at is not None
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_history_shows_the_change_and_reverts_it(client, publisher, imported):
    client.force_login(publisher)
    chapter = Chapter.objects.get(slug="om-veilederen")
    original_lead = chapter.lead
    client.post(
        f"/admin/portal/chapter/{chapter.pk}/change/",
        {**_change_form_data(chapter, lead_nb="En omskrevet ingress."), "_publish_now": "1"},
    )
    chapter.refresh_from_db()
    assert chapter.lead == "En omskrevet ingress."

    history = client.get(f"/admin/portal/chapter/{chapter.pk}/history/")
    assert history.status_code == 200
    assert "En omskrevet ingress</ins>" in history.text, "the change is shown as a diff"

    first_version = chapter.history.order_by("history_date").first()
    revert_url = f"/admin/portal/chapter/{chapter.pk}/history/{first_version.history_id}/"
    form = client.get(revert_url)
    assert form.status_code == 200
    client.post(revert_url, _change_form_data(first_version.instance))
    chapter.refresh_from_db()
    assert chapter.lead == "En omskrevet ingress.", "a revert makes an edition"
    edition = Edition.objects.pending().get()
    assert edition.data["fields"]["lead_nb"] == original_lead
    assert edition.note.startswith("Gjenopprettet versjon fra ")
    editions.publish_edition(edition, publisher, note=edition.note)
    chapter.refresh_from_db()
    assert chapter.lead == original_lead

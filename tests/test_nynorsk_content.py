"""Content in both written forms: what a nynorsk reader sees, the history, the migration."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import RequestFactory
from django.utils import translation

from portal import views
from portal.models import Chapter, Page

pytestmark = pytest.mark.django_db

NOTE = "Denne sida finst ikkje på nynorsk enno"


def _render(view, path, language, **kwargs):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    with translation.override(language):
        return view(request, **kwargs).content.decode()


@pytest.fixture
def om_in_nynorsk(imported):
    Page.objects.filter(slug="om").update(
        title_nn="Om nettstaden", body_nn="Denne nettstaden viser rettleiaren."
    )


def test_a_page_with_nynorsk_is_read_in_nynorsk_without_the_note(om_in_nynorsk):
    html = _render(views.page_detail, "/om/", "nn", slug="om")
    assert "<h1>Om nettstaden</h1>" in html
    assert "Denne nettstaden viser rettleiaren." in html
    assert NOTE not in html
    assert 'lang="nb"' not in html.split("<main", 1)[1]


def test_a_page_without_nynorsk_is_shown_in_bokmal_with_a_note_in_nynorsk(imported):
    html = _render(views.chapter_detail, "/veileder/om-veilederen/", "nn", slug="om-veilederen")
    assert NOTE in html
    assert 'lang="nn"' in html.split(NOTE)[0].rsplit("<div", 1)[1], "the note says it is nynorsk"
    assert '<article class="with-contents" lang="nb">' in html, "screen readers read bokmål"
    assert "<h1>Om veilederen</h1>" in html


def test_the_note_is_never_shown_to_a_bokmal_reader(imported):
    html = _render(views.chapter_detail, "/veileder/om-veilederen/", "nb", slug="om-veilederen")
    assert NOTE not in html
    assert '<article class="with-contents">' in html


def test_the_reading_order_follows_the_written_form(imported):
    Chapter.objects.filter(slug="om-veilederen").update(title_nn="Om rettleiaren")
    path = "/veileder/hva-er-smart-spesialisering/"
    slug = "hva-er-smart-spesialisering"
    assert "Om rettleiaren" in _render(views.chapter_detail, path, "nn", slug=slug)
    assert "Om rettleiaren" not in _render(views.chapter_detail, path, "nb", slug=slug)


def test_the_admin_edits_both_forms_and_history_records_a_nynorsk_change(client, imported):
    admin = User.objects.create_superuser("admin", password="et-langt-passord-1")
    client.force_login(admin)
    page = Page.objects.get(slug="om")
    url = f"/admin/portal/page/{page.pk}/change/"
    form = client.get(url).text
    assert 'name="title_nb"' in form and 'name="title_nn"' in form
    assert form.count("markdownx-editor") >= 2, "both bodies keep the Markdown editor"
    response = client.post(
        url,
        {
            "slug": "om",
            "status": page.status,
            "title_nb": page.title_nb,
            "title_nn": "Om nettstaden",
            "lead_nb": "",
            "lead_nn": "",
            "body_nb": page.body_nb,
            "body_nn": "Nynorsk tekst.",
            "_publish_now": "1",  # a superuser publishes; a save alone makes an edition
        },
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.title_nb, page.title_nn) == ("Om nettstedet", "Om nettstaden")
    latest, before = page.history.order_by("-history_date")[:2]
    assert (before.title_nn or "", latest.title_nn) == ("", "Om nettstaden")
    assert latest.title_nb == before.title_nb == "Om nettstedet"


def test_a_nynorsk_field_is_optional_and_a_bokmal_field_required_in_the_admin(client, imported):
    admin = User.objects.create_superuser("admin", password="et-langt-passord-1")
    client.force_login(admin)
    page = Page.objects.get(slug="om")
    data = {"slug": "om", "status": page.status, "body_nb": page.body_nb, "title_nb": ""}
    response = client.post(f"/admin/portal/page/{page.pk}/change/", data)
    assert response.status_code == 200
    assert "title_nb" in response.context["adminform"].form.errors


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_todays_text_into_the_bokmal_fields():
    before, after = (
        [("portal", "0008_translation_fields")],
        [("portal", "0009_translation_bokmal_text")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    page = old.get_model("portal", "Page").objects.create(
        slug="om", title="Om nettstedet", lead="", body="Tekst fra før.", status="published"
    )
    old.get_model("portal", "HistoricalPage").objects.create(
        id=page.pk,
        slug="om",
        title="Om nettstedet",
        lead="",
        body="Eldre tekst.",
        status="published",
        history_date="2026-01-01T00:00Z",
        history_type="+",
        updated_at="2026-01-01T00:00Z",
        import_fingerprint="",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    moved = new.get_model("portal", "Page").objects.get(slug="om")
    assert (moved.title_nb, moved.body_nb, moved.title_nn) == (
        "Om nettstedet",
        "Tekst fra før.",
        None,
    )
    history = new.get_model("portal", "HistoricalPage").objects.get(id=page.pk)
    assert history.body_nb == "Eldre tekst."
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

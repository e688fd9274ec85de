"""Staff handling of input: list, detail, status, approval, overview, export, publishing, purge."""

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.utils import timezone

from portal.content import ContentError, import_content
from portal.models import Feedback, FeedbackAnswer, GuideChange
from portal.models.choices import REAL_COUNTIES
from tests.conftest import add_feedback, make_consultation

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/portal/feedback/"
XSS = '<script>alert("x")</script>'
AFTER_DEADLINE = dt.datetime(2036, 3, 2, 12, tzinfo=dt.UTC)


@pytest.fixture
def staff_client(client, caseworker):
    client.force_login(caseworker)
    return client


# --- The list and the detail -----------------------------------------------------------------


def test_the_list_has_the_filters_staff_need(staff_client, consultation):
    make_consultation(slug="annen-runde")  # the round filter shows once there is a choice
    add_feedback(consultation)
    page = staff_client.get(CHANGELIST).text
    for title in (
        "innspillsrunde",
        "status",
        "avsendertype",
        "fylke",
        "del av veilederen",
        "publisering",
    ):
        assert f'data-filter-title="{title}"' in page
    for status in ("Ny", "Under behandling", "Behandlet", "Avvist", "Spam"):
        assert f">{status}</a>" in page
    assert 'name="q"' in page, "search"
    assert 'aria-labelledby="date-hierarchy-label"' in page, "dates"
    assert "/admin/portal/feedback/eksport/csv/" in page
    assert "/admin/portal/feedback/oversikt/" in page


def test_filters_and_search_narrow_the_list(staff_client, consultation):
    add_feedback(consultation, name="Agderfolk", county="42")
    add_feedback(consultation, name="Oslofolk", county="03", status=Feedback.Status.DONE)
    page = staff_client.get(CHANGELIST, {"county__exact": "03"}).text
    assert "Oslofolk" in page and "Agderfolk" not in page
    page = staff_client.get(CHANGELIST, {"status__exact": "behandlet"}).text
    assert "Oslofolk" in page and "Agderfolk" not in page
    page = staff_client.get(CHANGELIST, {"q": "Agderfolk"}).text
    assert "Agderfolk" in page and "Oslofolk" not in page


def test_input_is_grouped_by_section(staff_client, imported):
    from portal.models import Chapter, Consultation

    consultation = Consultation.objects.get(slug="innspill-veileder")
    chapter = Chapter.objects.get(slug="om-veilederen")
    add_feedback(
        consultation,
        name="Seksjonsfolk",
        chapter=chapter,
        section_anchor="økonomi-og-æøå",
        section_title="Økonomi og æøå",
    )
    add_feedback(consultation, name="Helhetsfolk")
    page = staff_client.get(CHANGELIST).text
    assert "Kapittel: Om veilederen › Økonomi og æøå" in page
    filtered = staff_client.get(CHANGELIST, {"del": f"kapittel:{chapter.pk}:økonomi-og-æøå"}).text
    assert "Seksjonsfolk" in filtered and "Helhetsfolk" not in filtered
    whole = staff_client.get(CHANGELIST, {"del": "hele"}).text
    assert "Helhetsfolk" in whole and "Seksjonsfolk" not in whole


def test_the_detail_shows_every_answer_read_only_and_staff_set_status_and_note(
    staff_client, consultation
):
    feedback = add_feedback(
        consultation, answers=["Første svar\nandre linje <br>", "", "Tredje svar"]
    )
    url = f"{CHANGELIST}{feedback.pk}/change/"
    page = staff_client.get(url).text
    assert "Første svar<br>andre linje &lt;br&gt;" in page
    assert "Tredje svar" in page and "(ikke besvart)" in page
    assert 'name="name"' not in page, "what the respondent sent is read-only"
    response = staff_client.post(
        url, {"status": "under-behandling", "internal_note": "Følges opp av Kari."}
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.IN_PROGRESS
    assert feedback.internal_note == "Følges opp av Kari."
    assert feedback.name == "Ola Nordmann"


def test_staff_cannot_add_input_in_the_admin(staff_client):
    assert staff_client.get(f"{CHANGELIST}add/").status_code == 403


def test_status_actions(staff_client, consultation):
    items = [add_feedback(consultation) for _ in range(3)]
    staff_client.post(
        CHANGELIST,
        {"action": "mark_done", "_selected_action": [item.pk for item in items[:2]]},
    )
    assert sorted(Feedback.objects.values_list("status", flat=True)) == [
        "behandlet",
        "behandlet",
        "ny",
    ]


def test_the_admin_actions_write_the_history_under_the_caseworker(staff_client, consultation):
    from django.contrib.admin.models import LogEntry

    item = add_feedback(consultation)
    for action in ("mark_in_progress", "approve_publication", "withdraw_publication"):
        response = staff_client.post(CHANGELIST, {"action": action, "_selected_action": [item.pk]})
        assert response.status_code == 302
    messages = LogEntry.objects.filter(object_id=str(item.pk)).order_by("pk")
    assert [(entry.user.username, entry.change_message) for entry in messages] == [
        ("saksbehandler", "Status: Under behandling"),
        ("saksbehandler", "Godkjent for publisering"),
        ("saksbehandler", "Godkjenning for publisering trukket tilbake"),
    ]
    history = staff_client.get(f"{CHANGELIST}{item.pk}/history/").text
    assert "Godkjent for publisering" in history


def test_a_script_typed_by_a_respondent_is_escaped_in_the_admin(staff_client, consultation):
    feedback = add_feedback(
        consultation, name=XSS, organisation=XSS, answers=[XSS], section_title=XSS
    )
    for url in (
        CHANGELIST,
        f"{CHANGELIST}{feedback.pk}/change/",
        f"{CHANGELIST}oversikt/{consultation.pk}/",
    ):
        page = staff_client.get(url).text
        assert XSS not in page, url
    assert "&lt;script&gt;" in staff_client.get(f"{CHANGELIST}{feedback.pk}/change/").text


# --- Approval for publication ----------------------------------------------------------------


def test_approval_needs_the_respondents_choice(staff_client, consultation):
    allowed = add_feedback(consultation, publication=Feedback.Publication.ANONYMOUS)
    refused = add_feedback(consultation, publication=Feedback.Publication.NONE)
    spam = add_feedback(consultation, status=Feedback.Status.SPAM)
    staff_client.post(
        CHANGELIST,
        {
            "action": "approve_publication",
            "_selected_action": [allowed.pk, refused.pk, spam.pk],
        },
    )
    approved = set(Feedback.objects.filter(publication_approved=True).values_list("pk", flat=True))
    assert approved == {allowed.pk}
    response = staff_client.post(
        f"{CHANGELIST}{refused.pk}/change/",
        {"status": "ny", "internal_note": "", "publication_approved": "on"},
    )
    assert response.status_code == 200
    assert "Avsenderen har valgt at innspillet ikke skal publiseres." in response.text


def test_the_database_refuses_approval_against_the_respondents_choice(consultation):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        add_feedback(consultation, publication=Feedback.Publication.NONE, publication_approved=True)


def test_approval_needs_its_own_permission(client, consultation):
    user = User.objects.create_user("leser", password="et-langt-passord-1", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_feedback", "change_feedback"])
    )
    client.force_login(user)
    feedback = add_feedback(consultation)
    client.post(CHANGELIST, {"action": "approve_publication", "_selected_action": [feedback.pk]})
    client.post(
        f"{CHANGELIST}{feedback.pk}/change/",
        {"status": "ny", "internal_note": "", "publication_approved": "on"},
    )
    feedback.refresh_from_db()
    assert feedback.publication_approved is False


# --- Overview --------------------------------------------------------------------------------


def test_the_overview_counts_and_shows_county_coverage(staff_client, consultation):
    add_feedback(consultation, county="42", answers=["a", "b"])
    add_feedback(consultation, county="42", respondent_type="kommune", answers=["a"])
    add_feedback(consultation, county="03", respondent_type="naeringsliv", answers=["", "", "c"])
    add_feedback(consultation, county="ikke-relevant", respondent_type="fou-miljo")
    add_feedback(consultation, county="18", status=Feedback.Status.SPAM)
    add_feedback(consultation, county="50", status=Feedback.Status.REJECTED)
    page = staff_client.get(f"{CHANGELIST}oversikt/{consultation.pk}/").text

    assert re.search(r"<strong>5</strong> innspill \(i tillegg 1 merket som spam\)", page)
    answered = re.search(r'<table id="fylker-har-svart">.*?</table>', page, re.S).group(0)
    missing = re.search(r'<table id="fylker-mangler">.*?</table>', page, re.S).group(0)
    assert re.search(r"Agder</th><td>2</td><td>1</td>", answered)
    assert re.search(r"Oslo</th><td>1</td><td>0</td>", answered)
    assert "Nordland" not in answered, "spam does not count"
    assert "Trøndelag" not in answered, "rejected input does not count"
    for county in REAL_COUNTIES:
        if county.name not in ("Agder", "Oslo"):
            assert county.name in missing
    assert "2 av 15 fylker har sendt innspill" in page
    questions = re.search(r'<table id="per-sporsmal">.*?</table>', page, re.S).group(0)
    assert re.findall(r"<td>(\d+)</td>", questions) == ["4", "1", "1"]
    types = re.search(r'<table id="per-avsendertype">.*?</table>', page, re.S).group(0)
    assert re.search(r"Fylkeskommune</th><td>2</td>", types)
    assert re.search(r"Kommune</th><td>1</td>", types)


def test_the_overview_needs_permission(client, staff_user, consultation):
    client.force_login(staff_user)  # staff, but no permission on input
    assert client.get(f"{CHANGELIST}oversikt/{consultation.pk}/").status_code == 403
    assert client.get(f"{CHANGELIST}oversikt/").status_code == 403


def test_the_overview_index_links_each_round(staff_client, consultation):
    page = staff_client.get(f"{CHANGELIST}oversikt/").text
    assert f'href="/admin/portal/feedback/oversikt/{consultation.pk}/"' in page


# --- Export ----------------------------------------------------------------------------------


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_of_the_filtered_set_has_one_column_per_question(staff_client, consultation):
    add_feedback(consultation, name="Åse Ærlig", answers=["Svar én 😀", "", "Svar tre"])
    add_feedback(consultation, name="Filtrert bort", status=Feedback.Status.DONE)
    response = staff_client.get(f"{CHANGELIST}eksport/csv/", {"status__exact": "ny"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response.content)
    header = rows[0]
    questions = [q.text for q in consultation.questions.order_by("order")]
    assert header[-3:] == questions
    assert len(rows) == 2, "only the filtered set"
    row = dict(zip(header, rows[1], strict=True))
    assert row["Navn"] == "Åse Ærlig"
    assert row[questions[0]] == "Svar én 😀"
    assert row[questions[1]] == ""
    assert row[questions[2]] == "Svar tre"
    assert row["E-post"] == "ola@example.no"


def test_csv_export_defuses_formulas(staff_client, consultation):
    add_feedback(consultation, name='=HYPERLINK("http://x")', answers=["+1", "@SUM(A1)"])
    rows = read_csv(staff_client.get(f"{CHANGELIST}eksport/csv/").content)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Navn"] == '\'=HYPERLINK("http://x")'
    assert row["Vil veilederen være nyttig?"] == "'+1"


def test_xlsx_export_opens_with_openpyxl_and_never_holds_a_formula(staff_client, consultation):
    add_feedback(consultation, name="=1+1", answers=["Svar æøå"])
    response = staff_client.get(f"{CHANGELIST}eksport/xlsx/")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert header[-3:] == [q.text for q in consultation.questions.order_by("order")]
    row = dict(zip(header, rows[1], strict=True))
    assert row["Navn"] == "=1+1"
    assert sheet.cell(row=2, column=header.index("Navn") + 1).data_type == "s"
    assert row["Vil veilederen være nyttig?"] == "Svar æøå"


def test_export_actions_export_the_selected_rows(staff_client, consultation):
    chosen = add_feedback(consultation, name="Valgt")
    add_feedback(consultation, name="Ikke valgt")
    response = staff_client.post(
        CHANGELIST, {"action": "export_selected_csv", "_selected_action": [chosen.pk]}
    )
    rows = read_csv(response.content)
    assert [row[rows[0].index("Navn")] for row in rows[1:]] == ["Valgt"]


def test_export_needs_its_own_permission(client, consultation):
    user = User.objects.create_user("leser", password="et-langt-passord-1", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_feedback"))
    client.force_login(user)
    add_feedback(consultation)
    assert client.get(f"{CHANGELIST}eksport/csv/").status_code == 403
    assert client.get(f"{CHANGELIST}eksport/xlsx/").status_code == 403
    assert "Last ned CSV" not in client.get(CHANGELIST).text
    response = client.post(CHANGELIST, {"action": "export_selected_csv", "_selected_action": [1]})
    assert response.status_code != 200 or "text/csv" not in response["Content-Type"]


def test_anonymous_users_cannot_export(client, consultation):
    response = client.get(f"{CHANGELIST}eksport/csv/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_export_command_writes_csv_and_xlsx(consultation, tmp_path):
    add_feedback(consultation, name="Kari", answers=["Svar"])
    add_feedback(consultation, name="Robot", status=Feedback.Status.SPAM)
    csv_path = tmp_path / "innspill.csv"
    call_command("export_feedback", "--consultation", consultation.slug, "--output", str(csv_path))
    rows = read_csv(csv_path.read_bytes())
    assert [row[rows[0].index("Navn")] for row in rows[1:]] == ["Kari"], "no spam by default"
    out = io.StringIO()
    call_command("export_feedback", stdout=out)
    assert read_csv(out.getvalue().encode("utf-8"))[1][4] == "Kari"
    xlsx_path = tmp_path / "innspill.xlsx"
    call_command("export_feedback", "--format", "xlsx", "--output", str(xlsx_path))
    sheet = openpyxl.load_workbook(xlsx_path).active
    assert sheet.max_row == 2


# --- Publishing and the endringslogg ---------------------------------------------------------


def test_published_responses_appear_only_after_the_deadline_and_never_the_e_mail(
    client, consultation
):
    add_feedback(
        consultation,
        name="Navngitt Person",
        publication_approved=True,
        answers=["Offentlig svar"],
    )
    add_feedback(
        consultation,
        name="Hemmelig Navn",
        publication=Feedback.Publication.ANONYMOUS,
        publication_approved=True,
        answers=["Anonymt svar"],
    )
    add_feedback(consultation, name="Ikke Godkjent", answers=["Ikke godkjent svar"])
    add_feedback(
        consultation,
        name="Vil Ikke",
        publication=Feedback.Publication.NONE,
        answers=["Privat svar"],
    )
    url = f"/innspill/{consultation.slug}/svar/"
    before = client.get(url).text
    assert "Offentlig svar" not in before
    assert "Vi publiserer innspill først når fristen er ute" in before
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        page = client.get(url).text
    assert "Navngitt Person" in page and "Offentlig svar" in page
    assert "Anonym" in page and "Anonymt svar" in page and "Hemmelig Navn" not in page
    assert "Ikke godkjent svar" not in page and "Privat svar" not in page
    assert "@example.no" not in page
    assert "Agder" in page and "Agder fylkeskommune" in page


def test_rejected_or_spam_input_is_never_published(client, consultation):
    item = add_feedback(consultation, publication_approved=True, answers=["Skal bort"])
    Feedback.objects.filter(pk=item.pk).update(status=Feedback.Status.REJECTED)
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        assert "Skal bort" not in client.get(f"/innspill/{consultation.slug}/svar/").text


def test_the_change_log_shows_changes_with_the_input_that_may_be_shown(client, consultation):
    public = add_feedback(
        consultation, name="Synlig Kilde", publication_approved=True, answers=["Mer om skog"]
    )
    private = add_feedback(
        consultation,
        name="Skjult Kilde",
        publication=Feedback.Publication.NONE,
        answers=["Hemmelig"],
    )
    change = GuideChange.objects.create(
        consultation=consultation,
        title="Nytt eksempel om skog",
        note=f"Flere ba om et eksempel fra skognæringen. {XSS}",
    )
    change.feedback.set([public, private])
    url = f"/innspill/{consultation.slug}/endringer/"
    assert "Nytt eksempel om skog" not in client.get(url).text, "not before the deadline"
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        page = client.get(url).text
    assert "Nytt eksempel om skog" in page
    assert "Flere ba om et eksempel fra skognæringen." in page
    assert XSS not in page and "&lt;script&gt;" in page
    assert "Synlig Kilde" in page and "Mer om skog" in page
    assert "Skjult Kilde" not in page and "Hemmelig" not in page
    assert "også på 1 innspill som ikke er publisert" in page


def test_a_change_links_only_input_from_its_own_round(staff_client, consultation):
    other_round = make_consultation(slug="annen-runde")
    stranger = add_feedback(other_round)
    response = staff_client.post(
        "/admin/portal/guidechange/add/",
        {
            "consultation": consultation.pk,
            "title": "Endring",
            "note": "Fordi.",
            "changed_on": "2026-11-23",
            "feedback": [stranger.pk],
        },
    )
    assert response.status_code == 200
    assert "hører til en annen innspillsrunde" in response.text
    assert GuideChange.objects.count() == 0


def test_xss_in_published_responses_is_escaped(client, consultation):
    add_feedback(consultation, name=XSS, organisation=XSS, publication_approved=True, answers=[XSS])
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        page = client.get(f"/innspill/{consultation.slug}/svar/").text
    assert XSS not in page
    assert "&lt;script&gt;" in page


# --- Retention -------------------------------------------------------------------------------


def test_purge_deletes_old_spam_and_rejected_input_only(consultation, settings):
    settings.FEEDBACK_RETENTION_DAYS = 90
    now = timezone.now()
    old = now - dt.timedelta(days=91)
    recent = now - dt.timedelta(days=89)
    old_spam = add_feedback(consultation, status=Feedback.Status.SPAM, submitted_at=old)
    old_rejected = add_feedback(consultation, status=Feedback.Status.REJECTED, submitted_at=old)
    kept = [
        add_feedback(consultation, status=Feedback.Status.SPAM, submitted_at=recent),
        add_feedback(consultation, status=Feedback.Status.DONE, submitted_at=old),
        add_feedback(consultation, status=Feedback.Status.NEW, submitted_at=old),
    ]
    out = io.StringIO()
    call_command("purge_feedback", "--dry-run", stdout=out)
    assert "2 innspill ville blitt slettet" in out.getvalue()
    assert Feedback.objects.count() == 5
    call_command("purge_feedback", stdout=io.StringIO())
    remaining = set(Feedback.objects.values_list("pk", flat=True))
    assert remaining == {item.pk for item in kept}
    assert old_spam.pk not in remaining and old_rejected.pk not in remaining
    assert not FeedbackAnswer.objects.filter(feedback_id__in=[old_spam.pk, old_rejected.pk])


def test_the_privacy_page_states_the_retention_period_the_purge_uses(settings):
    from django.conf import settings as live

    text = (live.CONTENT_DIR / "pages" / "personvern.md").read_text(encoding="utf-8")
    assert f"sletter vi automatisk {live.FEEDBACK_RETENTION_DAYS} dager etter at de kom inn" in text


# --- The caseworker group and the importer ---------------------------------------------------


def test_the_caseworker_group_can_handle_but_not_delete_input(caseworker):
    assert caseworker.has_perm("portal.view_feedback")
    assert caseworker.has_perm("portal.change_feedback")
    assert caseworker.has_perm("portal.export_feedback")
    assert caseworker.has_perm("portal.approve_feedback")
    assert caseworker.has_perm("portal.add_guidechange")
    assert not caseworker.has_perm("portal.delete_feedback")


def test_a_re_import_keeps_the_answers_to_its_questions(imported):
    from portal.models import Consultation

    consultation = Consultation.objects.get(slug="innspill-veileder")
    add_feedback(consultation, answers=["Svar på spørsmål 1", "Svar på spørsmål 2"])
    path = imported / "consultations/innspill.md"
    path.write_text(path.read_text().replace("Er veilederen nyttig?", "Er veilederen til nytte?"))
    import_content(imported, overwrite=True)
    answer = FeedbackAnswer.objects.get(text="Svar på spørsmål 1")
    assert answer.question.text == "Er veilederen til nytte?"
    assert FeedbackAnswer.objects.count() == 2


def test_the_importer_refuses_to_drop_an_answered_question(imported):
    from portal.models import Consultation

    consultation = Consultation.objects.get(slug="innspill-veileder")
    add_feedback(consultation, answers=["", "Svar på det andre"])
    path = imported / "consultations/innspill.md"
    path.write_text(path.read_text().replace("  - text: Andre innspill?\n", ""))
    with pytest.raises(ContentError, match="har allerede fått svar"):
        import_content(imported, overwrite=True)
    assert FeedbackAnswer.objects.filter(text="Svar på det andre").exists()


def test_pruning_never_deletes_a_round_with_input(imported):
    from portal.models import Consultation

    add_feedback(Consultation.objects.get(slug="innspill-veileder"))
    (imported / "consultations/innspill.md").unlink()
    with pytest.raises(ContentError, match="det finnes innspill"):
        import_content(imported, prune=True)
    assert Feedback.objects.count() == 1

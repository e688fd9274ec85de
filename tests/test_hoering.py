"""Input as a real Norwegian høring: the kind of round and what it means for the answers,
anonymous publication, /personvern/ and its deploy check, the access log, the shared rate limit,
the tense of the deadline, the endringslogg's picker, and what the form says is required."""

import datetime as dt
import io
import re
import threading
import uuid
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.core import checks
from django.core.management import call_command
from django.db import connection
from django.test import Client

from portal import checks as portal_checks
from portal.content import export_content, import_content
from portal.content.schema import ContentError
from portal.feedback import ratelimit, rounds
from portal.models import AccessLogEntry, Consultation, Feedback, GuideChange, Page, RateCounter
from portal.models import Status as PageStatus
from tests.conftest import add_feedback, feedback_form_data, make_consultation, write_tree

pytestmark = pytest.mark.django_db

CONTENT = Path(settings.BASE_DIR) / "content"
INNSYN = "kan andre be om å få se etter offentleglova"


def form_page(client, consultation) -> str:
    return client.get(f"/innspill/{consultation.slug}/").text


def publication_values(page: str) -> list[str]:
    return re.findall(r'<input type="radio" name="publication" value="([^"]+)"', page)


# --- 1. Two kinds of round ---------------------------------------------------------------------


def test_a_hoering_offers_publication_with_or_without_name_and_says_answers_are_public(client):
    consultation = make_consultation(kind=Consultation.Kind.HOERING)
    page = form_page(client, consultation)
    assert publication_values(page) == ["med-navn", "anonymt"]
    assert "Dette er en høring." in page
    assert "offentlige dokumenter etter offentleglova" in page
    assert INNSYN in page
    assert "Ikke publiser" not in page
    # Each choice explains what it shows, tied to its radio button.
    assert 'aria-describedby="id_publication_1_beskrivelse"' in page
    assert "verken navnet ditt eller organisasjonen" in page


def test_a_hoering_refuses_not_publishing_and_keeps_what_was_typed(client):
    consultation = make_consultation(kind=Consultation.Kind.HOERING)
    data = feedback_form_data(consultation, publication="ikke", name="Per Hansen")
    response = client.post(f"/innspill/{consultation.slug}/", data)
    assert response.status_code == 200
    assert Feedback.objects.count() == 0
    assert "Velg et av alternativene for publisering." in response.text
    assert 'value="Per Hansen"' in response.text


def test_an_innspillsrunde_lets_the_respondent_choose_and_promises_no_secrecy(client):
    consultation = make_consultation()
    assert consultation.kind == Consultation.Kind.INNSPILLSRUNDE
    page = form_page(client, consultation)
    assert publication_values(page) == ["med-navn", "anonymt", "ikke"]
    assert "Dette er en uformell innspillsrunde." in page
    assert "Ikke publiser på nettstedet" in page
    assert "Det betyr ikke at svaret er hemmelig" in page
    assert INNSYN in page
    response = client.post(
        f"/innspill/{consultation.slug}/", feedback_form_data(consultation, publication="ikke")
    )
    assert response.status_code == 302


def test_the_nynorsk_form_says_the_same_in_nynorsk(client):
    consultation = make_consultation(kind=Consultation.Kind.HOERING)
    page = client.get(f"/nn/innspill/{consultation.slug}/").text
    assert "Dette er ei høyring." in page
    assert "kan andre be om å få sjå etter offentleglova" in page
    assert "Publiser utan namn og organisasjon" in page


def test_every_kind_has_its_rules_and_every_choice_a_description():
    assert set(rounds.RULES) == set(Consultation.Kind.values)
    for rules in rounds.RULES.values():
        assert rules.allows <= set(Feedback.Publication.values)
        assert all(str(option.description) for option in rules.options)
    assert Feedback.Publication.NONE not in rounds.RULES[Consultation.Kind.HOERING].allows


def test_staff_choose_the_kind_in_the_admin(client):
    admin = User.objects.create_superuser("admin", password="et-langt-passord-1")
    client.force_login(admin)
    consultation = make_consultation()
    page = client.get(f"/admin/portal/consultation/{consultation.pk}/change/").text
    assert 'name="kind"' in page
    assert "Høring" in page and "Innspillsrunde" in page


CONSULTATION_FILE = """
    ---
    slug: hoering-test
    title: En høring
    opens_at: 2026-01-01T00:00:00+01:00
    closes_at: 2036-03-01T12:00:00+01:00
    {kind}
    questions:
      - text: Er veilederen nyttig?
        required: true
    ---
    Vi vil gjerne høre fra deg.
"""


def _write_round(root: Path, kind_line: str) -> Path:
    return write_tree(root, {"consultations/hoering.md": CONSULTATION_FILE.format(kind=kind_line)})


def test_the_kind_is_read_from_content_written_back_and_round_trips(tmp_path):
    root = _write_round(tmp_path / "content", "kind: hoering")
    import_content(root)
    assert Consultation.objects.get(slug="hoering-test").kind == Consultation.Kind.HOERING
    out = tmp_path / "exported"
    export_content(out)
    exported = (out / "consultations" / "hoering-test.md").read_text(encoding="utf-8")
    assert "kind: hoering" in exported
    report = import_content(out)
    assert report.counts.get("oppdatert", 0) == 0 and report.counts.get("beholdt", 0) == 0


def test_a_round_without_kind_is_an_innspillsrunde_and_a_wrong_kind_is_named(tmp_path):
    import_content(_write_round(tmp_path / "a", ""))
    assert Consultation.objects.get(slug="hoering-test").kind == Consultation.Kind.INNSPILLSRUNDE
    with pytest.raises(ContentError) as error:
        import_content(_write_round(tmp_path / "b", "kind: formell"))
    assert "kind" in error.value.message and "hoering" in error.value.message


def test_rows_imported_before_the_kind_existed_are_not_taken_for_admin_edits():
    from portal.content.snapshot import fingerprint

    values = {"title": "Runde", "opens_at": None}
    before = {"values": values, "relations": {}, "questions": []}
    after = {"values": {**values, "kind": "innspillsrunde"}, "relations": {}, "questions": []}
    hoering = {"values": {**values, "kind": "hoering"}, "relations": {}, "questions": []}
    assert fingerprint(before) == fingerprint(after) != fingerprint(hoering)


# --- 2. Anonymous means without name and organisation ------------------------------------------


def _closed_round_with_responses():
    consultation = make_consultation(closes_at="2026-06-01T12:00:00+02:00")
    consultation.opens_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    consultation.save()
    named = add_feedback(
        consultation,
        name="Kari Nordmann",
        organisation="Vestland fylkeskommune",
        publication=Feedback.Publication.WITH_NAME,
        publication_approved=True,
        answers=["Et svar med navn."],
    )
    anonymous = add_feedback(
        consultation,
        name="Hemmelig Person",
        organisation="Hemmelig Organisasjon AS",
        publication=Feedback.Publication.ANONYMOUS,
        publication_approved=True,
        answers=["Et svar uten navn."],
    )
    change = GuideChange.objects.create(consultation=consultation, title="Endret", note="Fordi.")
    change.feedback.set([named, anonymous])
    return consultation


@pytest.mark.parametrize("page", ["svar", "endringer"])
def test_an_anonymous_response_shows_neither_name_nor_organisation(client, page):
    consultation = _closed_round_with_responses()
    text = client.get(f"/innspill/{consultation.slug}/{page}/").text
    assert "Et svar uten navn." in text
    assert "Hemmelig Person" not in text
    assert "Hemmelig Organisasjon" not in text
    assert "Anonym</h" in text
    # With the respondent's "med navn", both are shown.
    assert "Kari Nordmann, Vestland fylkeskommune</h" in text


def test_no_feed_or_search_shows_input():
    consultation = _closed_round_with_responses()
    client = Client()
    for path in ("/endringer.atom", "/sok/?q=Organisasjon", "/sok/?q=svar"):
        response = client.get(path)
        assert "Hemmelig" not in response.text, path
        assert "Et svar uten navn" not in response.text, path
    assert consultation.feedback.count() == 2


# --- 3. /personvern/ and the deploy check -------------------------------------------------------


ART_13_HEADINGS = [
    "## Hvem er ansvarlig",
    "## Personvernombudet",
    "## Hvorfor vi lagrer opplysningene, og hva som gir oss lov",
    "## Hvem som får se opplysningene",
    "## Hvor lenge vi lagrer opplysningene",
    "## Dine rettigheter",
    "## Klage til Datatilsynet",
]
ART_13_HEADINGS_NN = [
    "## Kven er ansvarleg",
    "## Personvernombodet",
    "## Kvifor vi lagrar opplysningane, og kva som gir oss lov",
    "## Kven som får sjå opplysningane",
    "## Kor lenge vi lagrar opplysningane",
    "## Rettane dine",
    "## Klage til Datatilsynet",
]


@pytest.mark.parametrize(
    ("name", "headings", "days"),
    [
        ("personvern.md", ART_13_HEADINGS, "dager"),
        ("personvern.nn.md", ART_13_HEADINGS_NN, "dagar"),
    ],
)
def test_the_privacy_page_gives_what_article_13_asks(name, headings, days):
    text = (CONTENT / "pages" / name).read_text(encoding="utf-8")
    for heading in headings:
        assert f"\n{heading}\n" in text, heading
    assert "artikkel 6 nr. 1 bokstav e" in text
    assert "offentleglova" in text and "arkivlova" in text
    # The figure is the purge command's own default, not a number typed twice by chance.
    assert f"{settings.FEEDBACK_RETENTION_DAYS} {days}" in text
    assert settings.FEEDBACK_RETENTION_DAYS == 90
    # What only the ministry knows is a marked placeholder, never a made-up address.
    assert len(portal_checks.placeholders_in(text)) == 3
    assert not re.search(r"\+47|\b\d{2} ?\d{2} ?\d{2} ?\d{2}\b", text)


def test_the_purge_command_deletes_after_the_days_the_page_names():
    consultation = make_consultation()
    old = add_feedback(consultation, status=Feedback.Status.SPAM)
    Feedback.objects.filter(pk=old.pk).update(
        submitted_at=dt.datetime.now(dt.UTC)
        - dt.timedelta(days=settings.FEEDBACK_RETENTION_DAYS)
        - dt.timedelta(minutes=1)
    )
    young = add_feedback(consultation, status=Feedback.Status.SPAM)
    Feedback.objects.filter(pk=young.pk).update(
        submitted_at=dt.datetime.now(dt.UTC)
        - dt.timedelta(days=settings.FEEDBACK_RETENTION_DAYS - 1)
    )
    call_command("purge_feedback", stdout=io.StringIO())
    assert list(Feedback.objects.values_list("pk", flat=True)) == [young.pk]


def _privacy_page(body_nb: str, body_nn: str = "", status=PageStatus.PUBLISHED) -> Page:
    return Page.objects.create(
        slug="personvern", title="Personvern", body_nb=body_nb, body_nn=body_nn, status=status
    )


def _deploy_warnings(ids: set[str]) -> list[checks.CheckMessage]:
    found = checks.run_checks(include_deployment_checks=True)
    return [message for message in found if message.id in ids]


def test_check_deploy_reports_each_placeholder_until_it_is_filled():
    real = (CONTENT / "pages" / "personvern.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    real_nn = (CONTENT / "pages" / "personvern.nn.md").read_text(encoding="utf-8")
    page = _privacy_page(real, real_nn.split("---\n", 2)[2])
    warnings = _deploy_warnings({"portal.W001"})
    assert len(warnings) == 6
    assert any("personvernombudet" in w.msg and "body_nb" in w.msg for w in warnings)
    assert all(w.level == checks.WARNING for w in warnings)

    page.body_nb = re.sub(r"\[FYLLES UT AV DEPARTEMENTET:[^\]]*\]", "fylt ut", page.body_nb)
    page.body_nn = re.sub(r"\[FYLLAST UT AV DEPARTEMENTET:[^\]]*\]", "fylt ut", page.body_nn)
    page.save()
    assert _deploy_warnings({"portal.W001"}) == []


def test_a_placeholder_in_a_draft_page_is_not_reported():
    _privacy_page("[FYLLES UT AV DEPARTEMENTET: noe]", status=PageStatus.DRAFT)
    assert _deploy_warnings({"portal.W001"}) == []


def test_the_placeholder_check_is_a_deploy_check_only():
    _privacy_page("[FYLLES UT AV DEPARTEMENTET: noe]")
    assert [m for m in checks.run_checks() if m.id == "portal.W001"] == []


def test_check_deploy_says_when_the_page_and_the_retention_setting_differ(settings):
    _privacy_page("Spam slettes etter 90 dager.", "Spam blir sletta etter 90 dagar.")
    assert _deploy_warnings({"portal.W003"}) == []
    settings.FEEDBACK_RETENTION_DAYS = 30
    assert len(_deploy_warnings({"portal.W003"})) == 2


def test_check_deploy_says_when_receipts_would_go_out_from_an_example_address(settings):
    settings.DEFAULT_FROM_EMAIL = "ikke-svar@smartspesialisering.example"
    assert len(_deploy_warnings({"portal.W004"})) == 1
    settings.DEFAULT_FROM_EMAIL = "Veilederen <veileder@departement.no>"
    assert _deploy_warnings({"portal.W004"}) == []


# --- 4. The access log ---------------------------------------------------------------------


def test_reading_an_input_is_logged_with_who_and_what(client, caseworker):
    feedback = add_feedback(make_consultation())
    client.force_login(caseworker)
    response = client.get(f"/admin/portal/feedback/{feedback.pk}/change/")
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.username, entry.action) == (caseworker, "saksbehandler", "lest")
    assert entry.references == feedback.reference and entry.count == 1
    assert abs(entry.at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    # The log holds references, never the respondent's name or address.
    assert "Ola Nordmann" not in str(entry.__dict__) and "ola@example.no" not in str(entry.__dict__)


def test_exporting_a_filtered_set_logs_the_filter_and_the_inputs(client, caseworker):
    consultation = make_consultation()
    new = add_feedback(consultation)
    done = add_feedback(consultation, status=Feedback.Status.DONE)
    caseworker.user_permissions.add(
        *caseworker.user_permissions.model.objects.filter(codename="export_feedback")
    )
    client.force_login(caseworker)
    response = client.get("/admin/portal/feedback/eksport/csv/?status__exact=ny")
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get()
    assert entry.action == "eksportert" and entry.file_format == "csv"
    assert entry.selection == "status__exact=ny"
    assert entry.references == new.reference and done.reference not in entry.references

    client.post(
        "/admin/portal/feedback/",
        {"action": "export_selected_xlsx", "_selected_action": [new.pk, done.pk]},
    )
    selected = AccessLogEntry.objects.latest("at")
    assert selected.count == 2 and selected.selection == "valgte innspill i listen"
    assert selected.references == ", ".join(sorted([new.reference, done.reference]))


def test_the_export_command_is_logged(tmp_path):
    feedback = add_feedback(make_consultation())
    call_command("export_feedback", "--output", str(tmp_path / "ut.csv"), stderr=io.StringIO())
    entry = AccessLogEntry.objects.get()
    assert entry.username.startswith("manage.py") and entry.user is None
    assert entry.references == feedback.reference and entry.selection == "alle runder"


def test_only_the_superuser_sees_the_access_log_and_no_one_changes_it(client, caseworker):
    feedback = add_feedback(make_consultation())
    client.force_login(caseworker)
    client.get(f"/admin/portal/feedback/{feedback.pk}/change/")
    entry = AccessLogEntry.objects.get()
    log_url = "/admin/portal/accesslogentry/"
    assert client.get(log_url).status_code == 403
    assert client.get(f"{log_url}{entry.pk}/change/").status_code == 403
    assert "Innsynslogg" not in client.get("/admin/").text

    superuser = User.objects.create_superuser("admin", password="et-langt-passord-1")
    client.force_login(superuser)
    listing = client.get(log_url)
    assert listing.status_code == 200 and feedback.reference in listing.text
    assert "Innsynslogg for innspill" in client.get("/admin/").text
    assert client.get(f"{log_url}add/").status_code == 403
    detail = client.get(f"{log_url}{entry.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.text
    assert client.post(f"{log_url}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


# --- 5. One rate limit for every worker ----------------------------------------------------


def test_the_counter_table_is_the_one_the_sql_names():
    assert RateCounter._meta.db_table == "portal_ratecounter"


@pytest.mark.django_db(transaction=True)
def test_parallel_hits_from_separate_connections_count_once_each():
    key = f"test:{uuid.uuid4().hex}"
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    counts, barrier = [], threading.Barrier(8)

    def hit():
        try:
            barrier.wait()
            counts.append(ratelimit.count_hit(key, expires_at=expires))
        finally:
            connection.close()  # each thread has its own database connection

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == list(range(1, 9))
    assert RateCounter.objects.get(key=key).count == 8


def test_windows_past_their_time_are_swept():
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    RateCounter.objects.create(key="old", count=3, expires_at=past)
    ratelimit.count_hit("new", expires_at=past + dt.timedelta(hours=1))
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["new"]


def test_the_limit_holds_without_redis_and_survives_a_cleared_cache(client, settings):
    from django.core.cache import cache

    assert "redis" not in settings.CACHES["default"]["BACKEND"].lower()
    settings.FEEDBACK_RATE_LIMIT = "1/h"
    consultation = make_consultation()
    assert client.post(form_of(consultation), feedback_form_data(consultation)).status_code == 302
    cache.clear()  # as a worker restart, or another worker's memory
    response = client.post(form_of(consultation), feedback_form_data(consultation))
    assert response.status_code == 429
    # Only a keyed hash of the address is stored.
    assert "127.0.0.1" not in RateCounter.objects.get().key


def form_of(consultation):
    return f"/innspill/{consultation.slug}/"


# --- 6. The tense of the deadline ------------------------------------------------------------


def test_the_change_page_says_the_deadline_is_ahead_until_it_has_passed(client):
    consultation = make_consultation(closes_at="2027-03-01T12:00:00+01:00")
    with time_machine.travel(dt.datetime(2027, 2, 1, tzinfo=dt.UTC)):
        before = client.get(f"/innspill/{consultation.slug}/endringer/").text
        responses = client.get(f"/innspill/{consultation.slug}/svar/").text
    assert "Fristen er 1. mars 2027 kl. 12.00." in before
    assert "Fristen var" not in before and "Fristen var" not in responses
    with time_machine.travel(dt.datetime(2027, 3, 1, 11, 0, tzinfo=dt.UTC)):
        after = client.get(f"/innspill/{consultation.slug}/endringer/").text
    assert "Innspillsrunde: Innspill til veilederen. Fristen var 1. mars 2027 kl. 12.00." in after


# --- 7. The endringslogg picker ---------------------------------------------------------------


def test_the_picker_shows_sender_organisation_and_the_start_of_the_text(client):
    consultation = make_consultation()
    feedback = add_feedback(
        consultation,
        name="Kari Nordmann",
        organisation="Agder fylkeskommune",
        publication=Feedback.Publication.ANONYMOUS,
        answers=["Kapitlet om analyse trenger flere eksempler fra små fylker. " * 4],
    )
    superuser = User.objects.create_superuser("admin", password="et-langt-passord-1")
    client.force_login(superuser)
    found = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "portal",
            "model_name": "guidechange",
            "field_name": "feedback",
            "term": "Kari",
        },
    ).json()["results"]
    assert len(found) == 1
    label = found[0]["text"]
    assert label.startswith(feedback.reference)
    assert "Kari Nordmann, Agder fylkeskommune (navnet publiseres ikke)" in label
    assert "«Kapitlet om analyse trenger flere eksempler" in label and label.endswith("…»")

    change = GuideChange.objects.create(consultation=consultation, title="Ny", note="Fordi.")
    change.feedback.set([feedback])
    page = client.get(f"/admin/portal/guidechange/{change.pk}/change/").text
    assert "Kari Nordmann, Agder fylkeskommune" in page


# --- 8. What is required, from the form's own fields ----------------------------------------


def _required_list(page: str) -> list[str]:
    block = re.search(r'<div class="feedback-required">.*?</div>', page, re.S).group(0)
    return re.findall(r'<a class="ds-link" href="#[^"]+">([^<]+)</a>', block)


def test_the_form_lists_exactly_the_fields_that_are_required(client):
    consultation = make_consultation()
    consultation.questions.filter(order=3).update(required=True)
    page = form_page(client, consultation)
    assert _required_list(page) == [
        "Navn",
        "Hvem svarer du for?",
        "Fylke",
        "Svar på spørsmål 1",
        "Svar på spørsmål 3",
        "Kan vi publisere innspillet ditt?",
    ]
    # Each item links to its field.
    assert 'href="#id_respondent_type_0"' in page and 'href="#id_name"' in page


def test_the_required_list_follows_the_questions(client):
    consultation = make_consultation()
    consultation.questions.update(required=False)
    assert "Svar på spørsmål" not in " ".join(_required_list(form_page(client, consultation)))


def test_the_round_texts_leave_what_the_form_says_to_the_form():
    for name in ("innspill-veileder.md", "innspill-veileder.nn.md"):
        text = (CONTENT / "consultations" / name).read_text(encoding="utf-8")
        assert "obligatorisk" not in text and "må fyllast ut" not in text
        assert "Fristen er" not in text
        assert "ikke publiseres i det hele tatt" not in text


# --- 10. The error summary names the question ---------------------------------------------


def test_the_error_summary_names_the_question(client):
    consultation = make_consultation()
    key = f"svar_{consultation.questions.get(order=1).pk}"
    long = f"svar_{consultation.questions.get(order=2).pk}"
    response = client.post(
        form_of(consultation), feedback_form_data(consultation, **{key: "", long: "x" * 10_001})
    )
    summary = re.search(r'<div class="ds-error-summary".*?</div>', response.text, re.S).group(0)
    assert "Svar på spørsmål 1: Vil veilederen være nyttig?" in summary
    assert "Spørsmål 2: Svaret kan være på høyst 10\u00a0000 tegn." in summary
    # Beside the field the question is right above, so the message stays short.
    assert "<p>Svar på dette spørsmålet.</p>" in response.text


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_parallel_posts_through_several_gunicorn_workers_share_one_limit_without_redis():
    from tests.servers import gunicorn
    from tests.test_feedback_server import Respondent, all_at_once, fetch_all

    consultation = make_consultation()
    path = form_of(consultation)
    with gunicorn(workers=3, REDIS_URL="", FEEDBACK_RATE_LIMIT="5/h") as base:
        respondents = [Respondent(base, path) for _ in range(12)]
        fetch_all(respondents)
        results = all_at_once(respondents, lambda r: feedback_form_data(consultation))

    statuses = sorted(status for _, (status, _, _) in results)
    assert statuses == [200] * 5 + [429] * 7, "one limit of 5, not 5 per worker"
    assert Feedback.objects.count() == 5


def test_the_kind_cannot_change_once_input_has_come_in():
    from portal.publishing.checks import publication_problems

    consultation = make_consultation()
    consultation.kind = Consultation.Kind.HOERING
    assert publication_problems(consultation) == []  # no input yet: staff may still choose
    add_feedback(consultation)
    problems = publication_problems(consultation)
    assert len(problems) == 1
    assert "fra «Innspillsrunde» til «Høring»" in problems[0]

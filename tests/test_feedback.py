"""The public feedback flow: form, deadline, section, receipt, abuse and bad input."""

import datetime as dt
import re
import smtplib
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client

from portal.feedback import sections, services
from portal.models import Chapter, Consultation, Feedback, FeedbackAnswer, ProcessStep, Status
from portal.models.choices import COUNTIES
from tests.conftest import feedback_form_data, make_consultation

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
FORM = "/innspill/innspill-test/"
# The feedback form itself (the site's header has a search form of its own).
FEEDBACK_FORM = 'name="token"'
REFERENCE = re.compile(r"VS-20\d\d-[2-9A-HJKMNP-Z]{4}")


def oslo(text: str) -> dt.datetime:
    """A wall-clock time in Oslo, with the offset that applies then (and fold for the autumn)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=OSLO)


def post(client, consultation, **overrides):
    return client.post(
        f"/innspill/{consultation.slug}/", feedback_form_data(consultation, **overrides)
    )


def first_question_key(consultation):
    return f"svar_{consultation.questions.get(order=1).pk}"


# --- The form --------------------------------------------------------------------------------


def test_the_open_round_shows_its_form_with_every_part(client, consultation):
    page = client.get("/innspill/").text
    assert "Innspill til veilederen" in page
    assert 'action="/innspill/innspill-test/"' in page
    for label in ("Navn", "Organisasjon", "Hvem svarer du for?", "Fylke", "E-post"):
        assert label in page
    for question in consultation.questions.all():
        assert question.text in page
    assert 'href="/personvern/"' in page
    assert 'name="token"' in page
    assert "Frist: <strong>1. mars 2036 kl. 12.00</strong>" in page


def test_the_county_list_comes_from_data_with_every_current_county(client, consultation):
    page = client.get("/innspill/").text
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]+)</option>', page)
    assert [(code, name) for code, name in options if code] == [
        (county.code, county.name) for county in COUNTIES
    ]
    names = {name for _, name in options}
    assert len([c for c in COUNTIES if c.is_county]) == 15
    assert {"Østfold", "Akershus", "Buskerud", "Vestfold", "Telemark", "Innlandet"} <= names
    assert "Ikke relevant" in names
    assert "Viken" not in names and "Vestfold og Telemark" not in names


def test_the_honeypot_is_hidden_from_people(client, consultation):
    page = client.get("/innspill/").text
    assert re.search(r'<div hidden>\s*<label for="id_nettsted">', page)


def test_the_form_page_is_never_cached(client, consultation):
    for _ in range(2):
        response = client.get("/innspill/")
        assert "no-store" in response["Cache-Control"]
        assert "X-Page-Cache" not in response


def test_several_open_rounds_are_listed(client, consultation):
    make_consultation(slug="andre-runde", title="Innspill om eksemplene")
    page = client.get("/innspill/").text
    assert 'href="/innspill/innspill-test/"' in page
    assert 'href="/innspill/andre-runde/"' in page
    assert FEEDBACK_FORM not in page


def test_when_no_round_is_open_the_notice_names_the_last_deadline(client, db):
    make_consultation(closes_at="2026-03-01T12:00:00+01:00", opens_at="2026-01-01T00:00:00+01:00")
    with time_machine.travel(oslo("2026-06-01T10:00"), tick=False):
        page = client.get("/innspill/").text
    assert "Det er ingen åpen innspillsrunde nå" in page
    assert "hadde frist 1. mars 2026 kl. 12.00" in page
    assert FEEDBACK_FORM not in page


def test_a_draft_round_is_not_shown_to_the_public(client, db):
    make_consultation(status=Status.DRAFT)
    assert "Det er ingen åpen innspillsrunde nå" in client.get("/innspill/").text
    assert client.get(FORM).status_code == 404


def test_staff_preview_a_draft_round_at_its_address_but_cannot_send_to_it(client, staff_user):
    consultation = make_consultation(status=Status.DRAFT)
    client.force_login(staff_user)
    page = client.get(FORM)
    assert page.status_code == 200 and FEEDBACK_FORM not in page.text
    assert post(client, consultation).status_code == 200
    assert Feedback.objects.count() == 0


# --- Submitting and the receipt --------------------------------------------------------------


def test_a_valid_submission_is_stored_and_gets_a_receipt(client, consultation):
    response = post(client, consultation, **{first_question_key(consultation): "Svar 😀 æøå"})
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert response["Location"] == f"/innspill/kvittering/{feedback.idempotency_key}/"
    assert REFERENCE.fullmatch(feedback.reference)
    assert feedback.status == Feedback.Status.NEW
    assert feedback.answers.get().text == "Svar 😀 æøå"

    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    assert feedback.reference in receipt.text
    assert "Svar 😀 æøå" in receipt.text
    assert "Kari Nordmann" in receipt.text
    assert "Vestland" in receipt.text
    local = feedback.submitted_at.astimezone(OSLO)
    assert f"kl. {local:%H.%M}" in receipt.text
    assert "no-store" in receipt["Cache-Control"] or "no-cache" in receipt["Cache-Control"]


def test_references_use_an_unambiguous_alphabet():
    moment = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    references = {services.new_reference(moment) for _ in range(2000)}
    assert all(REFERENCE.fullmatch(reference) for reference in references)
    assert not any(set(ref[8:]) & set("01OIL") for ref in references)
    assert all(ref.startswith("VS-2026-") for ref in references)


def test_a_reference_clash_is_drawn_again(client, consultation, monkeypatch):
    post(client, consultation)
    taken = Feedback.objects.get().reference
    draws = iter([taken, taken, "VS-2026-ABCD"])
    monkeypatch.setattr(services, "new_reference", lambda moment: next(draws))
    response = post(client, consultation)
    assert response.status_code == 302
    assert Feedback.objects.filter(reference="VS-2026-ABCD").exists()


def test_the_receipt_is_e_mailed_after_the_commit(
    client, consultation, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, consultation, email="kari@example.no")
    run_tasks("default")  # the e-mail worker
    feedback = Feedback.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kari@example.no"]
    assert feedback.reference in message.subject and feedback.reference in message.body
    # Anyone may type any address: the e-mail relays nothing typed (tests/test_drafts.py).
    assert "Ja, særlig kapitlet om økonomi." not in message.body
    assert "Kari Nordmann" not in message.body
    feedback.refresh_from_db()
    assert feedback.receipt_sent_at is not None


def test_no_e_mail_without_an_address(
    client, consultation, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, consultation)
    run_tasks("default")
    assert mail.outbox == []


def test_a_failed_e_mail_never_loses_the_input(
    client, consultation, django_capture_on_commit_callbacks, monkeypatch, caplog, run_tasks
):
    def fail(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("borte")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", fail)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, consultation, email="kari@example.no")
    run_tasks("default")
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.receipt_sent_at is None
    assert client.get(response["Location"]).status_code == 200
    assert f"Kvitteringen for innspill {feedback.reference} kunne ikke sendes" in caplog.text
    assert "kari@example.no" not in caplog.text


def test_the_receipt_page_expires_after_a_week(client, consultation):
    response = post(client, consultation)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=8)):
        gone = client.get(response["Location"])
    assert gone.status_code == 404
    assert "Innspillet er fortsatt lagret" in gone.text
    assert client.get(f"/innspill/kvittering/{uuid.uuid4()}/").status_code == 404


# --- Validation ------------------------------------------------------------------------------


def test_errors_are_summarised_linked_shown_beside_each_field_and_the_input_kept(
    client, consultation
):
    key = first_question_key(consultation)
    response = post(
        client,
        consultation,
        name="",
        county="",
        publication="",
        organisation="Agder fylkeskommune",
        **{key: ""},
    )
    assert response.status_code == 200
    assert Feedback.objects.count() == 0
    page = response.text
    assert "<title>Feil i skjemaet" in page
    summary = re.search(r'<div class="ds-error-summary".*?</div>', page, re.S).group(0)
    for target, message in [
        ("id_name", "Skriv navnet ditt."),
        ("id_county", "Velg fylke, eller «Ikke relevant»."),
        (f"id_{key}", "Svar på spørsmål 1: Vil veilederen være nyttig?"),
        ("id_publication_0", "Velg om vi kan publisere innspillet ditt."),
    ]:
        assert f'<a class="ds-link" href="#{target}">{message}</a>' in summary
        assert f'id="{target.removesuffix("_0")}_error"' in page
    assert 'aria-invalid="true"' in page
    assert 'value="Agder fylkeskommune"' in page
    # The same token again, so the corrected form is still one submission.
    token = feedback_form_data(consultation)["token"]
    again = post(client, consultation, name="", token=token)
    assert f'name="token" value="{token}"' in again.text


def test_an_answer_of_10000_characters_is_accepted_and_10001_refused(client, consultation):
    key = first_question_key(consultation)
    refused = post(client, consultation, **{key: "å" * 10_001})
    assert refused.status_code == 200
    assert "Svaret kan være på høyst 10\u00a0000 tegn. Nå er det 10001 tegn." in refused.text
    assert Feedback.objects.count() == 0
    accepted = post(client, consultation, **{key: "å" * 10_000})
    assert accepted.status_code == 302
    assert len(FeedbackAnswer.objects.get().text) == 10_000


def test_line_breaks_count_once_as_the_browser_counts_them(client, consultation):
    key = first_question_key(consultation)
    text = ("linje\r\n" * 1428) + "ab"  # 10,000 characters with \n, 11,428 with \r\n
    assert post(client, consultation, **{key: text}).status_code == 302
    assert FeedbackAnswer.objects.get().text == text.replace("\r\n", "\n")


@pytest.mark.parametrize("bad", ["null\x00byte", "bjelle\x07", "escape\x1b[31m", "del\x7f"])
def test_control_characters_get_a_validation_message(client, consultation, bad):
    key = first_question_key(consultation)
    for field in ("name", "organisation", key):
        response = post(client, consultation, **{field: bad})
        assert response.status_code == 200
        assert "usynlige kontrolltegn" in response.text
    assert Feedback.objects.count() == 0


def test_tabs_and_line_breaks_are_fine_in_an_answer(client, consultation):
    key = first_question_key(consultation)
    assert post(client, consultation, **{key: "a\tb\nc"}).status_code == 302


def test_nul_bytes_in_the_query_or_the_token_are_not_a_500(client, consultation):
    assert client.get("/innspill/?kapittel=%00&del=%00").status_code == 200
    assert client.get(f"{FORM}?steg=a%00b").status_code == 200
    response = post(client, consultation, token="\x00")
    assert response.status_code == 200
    assert "Skjemaet var ufullstendig" in response.text


def test_unknown_choices_are_validation_messages(client, consultation):
    response = post(client, consultation, county="99", respondent_type="konge")
    assert response.status_code == 200
    assert "Velg et fylke fra listen" in response.text
    assert "Velg et av alternativene for hvem du svarer for." in response.text


def test_a_thousand_and_more_fields_get_a_400_page(client, consultation):
    data = feedback_form_data(consultation)
    data.update({f"ekstra{i}": "x" for i in range(1001)})
    response = client.post(FORM, data)
    assert response.status_code == 400
    assert "Forespørselen kunne ikke leses" in response.text
    assert Feedback.objects.count() == 0


@pytest.mark.parametrize("content_type", ["multipart", "urlencoded"])
def test_an_oversized_body_gets_a_400_page(client, consultation, settings, content_type):
    key = first_question_key(consultation)
    data = feedback_form_data(
        consultation, **{key: "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    )
    if content_type == "multipart":
        response = client.post(FORM, data)
    else:
        from urllib.parse import urlencode

        response = client.post(
            FORM, urlencode(data), content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 400
    assert "Forespørselen kunne ikke leses" in response.text
    assert Feedback.objects.count() == 0


def test_text_that_is_not_utf_8_is_not_a_500(client, consultation):
    body = (
        "&".join(f"{k}={v}" for k, v in feedback_form_data(consultation).items()).encode()
        + b"&organisation=%FF%FE"
    )
    response = client.post(FORM, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 302, 400)


# --- Deadline --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closes_at", "last_open_moment", "first_closed_moment"),
    [
        # An ordinary day: closed from 12:00 sharp, Oslo time (CET, UTC+1).
        ("2027-03-01T12:00:00+01:00", "2027-03-01T11:59:59.999999+01:00", "2027-03-01T12:00+01:00"),
        # Spring forward, 29 March 2026: 02:00 CET becomes 03:00 CEST. Closing at 03:00 local,
        # the last open minute is 01:59 local, one real minute earlier.
        ("2026-03-29T03:00:00+02:00", "2026-03-29T01:59:59+01:00", "2026-03-29T03:00:00+02:00"),
        # Fall back, 25 October 2026: 02:30 happens twice. Closing at the second 02:30 (CET),
        # the first 02:30 (CEST) an hour earlier is still open.
        ("2026-10-25T02:30:00+01:00", "2026-10-25T02:29:59+01:00", "2026-10-25T02:30:00+01:00"),
        ("2026-10-25T02:30:00+01:00", "2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00"),
    ],
)
def test_the_deadline_is_the_stated_minute_in_oslo(
    client, db, closes_at, last_open_moment, first_closed_moment
):
    consultation = make_consultation(opens_at="2026-01-01T00:00:00+01:00", closes_at=closes_at)
    with time_machine.travel(dt.datetime.fromisoformat(last_open_moment), tick=False):
        assert post(client, consultation).status_code == 302
        assert FEEDBACK_FORM in client.get(FORM).text
    with time_machine.travel(dt.datetime.fromisoformat(first_closed_moment), tick=False):
        page = client.get(FORM).text
        assert "Innspillsrunden er avsluttet" in page and FEEDBACK_FORM not in page
        response = post(client, consultation)
        assert response.status_code == 200
        assert "Innspillsrunden er avsluttet" in response.text
    assert Feedback.objects.count() == 1, "the post after the deadline stored nothing"


def test_the_deadline_shows_in_oslo_time_on_a_dst_day(client, db):
    make_consultation(opens_at="2026-01-01T00:00:00+01:00", closes_at="2026-10-25T02:30:00+01:00")
    with time_machine.travel(dt.datetime.fromisoformat("2026-10-25T02:00:00+01:00"), tick=False):
        assert "Frist: <strong>25. oktober 2026 kl. 02.30</strong>" in client.get(FORM).text


def test_before_it_opens_the_form_is_replaced_by_a_notice_and_a_post_stores_nothing(client, db):
    consultation = make_consultation(
        opens_at="2026-11-01T00:00:00+01:00", closes_at="2027-03-01T12:00:00+01:00"
    )
    with time_machine.travel(dt.datetime.fromisoformat("2026-10-31T23:59:59+01:00"), tick=False):
        page = client.get(FORM).text
        assert "Innspillsrunden er ikke åpnet ennå" in page and FEEDBACK_FORM not in page
        assert "1. november 2026 kl. 00.00" in page
        assert "Innspillsrunden er ikke åpnet ennå" in post(client, consultation).text
    assert Feedback.objects.count() == 0
    with time_machine.travel(dt.datetime.fromisoformat("2026-11-01T00:00:00+01:00"), tick=False):
        assert post(client, consultation).status_code == 302


# --- Input on one section --------------------------------------------------------------------


@pytest.fixture
def imported_round(imported):
    """The minimal content's own consultation, the only open one."""
    return Consultation.objects.get(slug="innspill-veileder")


def test_input_on_a_chapter_section_names_it_and_stores_it(client, imported_round):
    consultation = imported_round
    url = "/innspill/?kapittel=om-veilederen&del=økonomi-og-æøå"
    page = client.get(url).text
    assert "delen «Økonomi og æøå» i kapittelet «Om veilederen»" in page
    assert 'name="kapittel" value="om-veilederen"' in page
    assert 'name="del" value="økonomi-og-æøå"' in page
    response = post(client, consultation, kapittel="om-veilederen", **{"del": "økonomi-og-æøå"})
    feedback = Feedback.objects.get()
    assert feedback.chapter.slug == "om-veilederen"
    assert feedback.section_anchor == "økonomi-og-æøå"
    assert feedback.section_title == "Økonomi og æøå"
    assert "Økonomi og æøå" in client.get(response["Location"]).text


def test_input_on_a_step_section(client, imported_round):
    consultation = imported_round
    assert (
        "delen «Hva steget handler om» i steget «Analyse»"
        in client.get("/innspill/innspill-veileder/?steg=analyse&del=hva-steget-handler-om").text
    )
    post(client, consultation, steg="analyse", **{"del": "hva-steget-handler-om"})
    feedback = Feedback.objects.get()
    assert (feedback.step.slug, feedback.section_title) == ("analyse", "Hva steget handler om")


def test_a_step_list_section_is_named_by_the_link_the_page_builds(imported_round):
    step = ProcessStep.objects.get(slug="analyse")
    shown = sections.step_list_sections(step)
    assert [section.anchor for section, _ in shown] == [
        section.anchor for section in sections.STEP_LIST_SECTIONS
    ]
    for section, entries in shown:
        assert entries
        resolved = sections.resolve_section(sections.section_params(step, section.anchor))
        assert (resolved.step, resolved.anchor, resolved.title) == (
            step,
            section.anchor,
            section.title,
        )


def test_an_empty_step_list_is_neither_shown_nor_a_section(imported_round):
    step = ProcessStep.objects.get(slug="analyse")
    ProcessStep.objects.filter(pk=step.pk).update(roles="")
    step.refresh_from_db()
    assert "fylkeskommunens-roller" not in [s.anchor for s, _ in sections.step_list_sections(step)]
    resolved = sections.resolve_section(sections.section_params(step, "fylkeskommunens-roller"))
    assert (resolved.step, resolved.anchor, resolved.title) == (step, "", "")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kapittel": "om-veilederen", "del": "finnes-ikke"}, ("om-veilederen", "", "")),
        ({"kapittel": "finnes-ikke", "del": "økonomi-og-æøå"}, (None, "", "")),
        ({"kapittel": "../../etc", "del": "x"}, (None, "", "")),
        ({"kapittel": "om-veilederen", "del": "<script>"}, ("om-veilederen", "", "")),
    ],
)
def test_unknown_sections_are_ignored_safely(client, imported_round, params, expected):
    consultation = imported_round
    assert client.get("/innspill/", params).status_code == 200
    assert post(client, consultation, **params).status_code == 302
    feedback = Feedback.objects.get()
    assert (
        feedback.chapter.slug if feedback.chapter else None,
        feedback.section_anchor,
        feedback.section_title,
    ) == expected


def test_a_draft_chapter_is_not_a_section_the_public_can_name(client, imported_round):
    consultation = imported_round
    Chapter.objects.filter(slug="om-veilederen").update(status=Status.DRAFT)
    post(client, consultation, kapittel="om-veilederen", **{"del": "økonomi-og-æøå"})
    assert Feedback.objects.get().chapter is None


def test_the_section_title_comes_from_the_guide_not_the_request(client, imported_round):
    consultation = imported_round
    post(
        client,
        consultation,
        kapittel="om-veilederen",
        section_title="Falsk tittel",
        **{"del": "neste-del"},
    )
    assert Feedback.objects.get().section_title == "Neste del"


# --- Abuse -----------------------------------------------------------------------------------


def test_a_filled_honeypot_gets_the_normal_receipt_and_is_stored_as_spam(
    client, consultation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, consultation, nettsted="https://spam.example", email="x@example.no")
    assert response.status_code == 302
    assert "Takk for innspillet" in client.get(response["Location"]).text
    assert Feedback.objects.get().status == Feedback.Status.SPAM
    assert mail.outbox == [], "no receipt: the form must not mail strangers for a robot"


def test_a_csrf_failure_gets_a_friendly_norwegian_page(consultation):
    client = Client(enforce_csrf_checks=True)
    response = client.post(FORM, feedback_form_data(consultation))
    assert response.status_code == 403
    assert "Skjemaet ble ikke sendt" in response.text
    assert "Slik prøver du igjen" in response.text
    assert Feedback.objects.count() == 0


def test_a_form_fetched_first_passes_the_csrf_check(consultation):
    client = Client(enforce_csrf_checks=True)
    page = client.get(FORM).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(FORM, feedback_form_data(consultation, csrfmiddlewaretoken=token))
    assert response.status_code == 302


def test_the_rate_limit_answers_429_in_norwegian(client, consultation, settings):
    settings.FEEDBACK_RATE_LIMIT = "2/h"
    assert post(client, consultation).status_code == 302
    assert post(client, consultation).status_code == 302
    response = post(client, consultation)
    assert response.status_code == 429
    assert "For mange innspill på kort tid" in response.text
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Feedback.objects.count() == 2
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert post(other, consultation).status_code == 302


def test_correcting_errors_does_not_use_up_the_allowance(client, consultation, settings):
    settings.FEEDBACK_RATE_LIMIT = "1/h"
    for _ in range(3):
        assert post(client, consultation, name="").status_code == 200
    assert post(client, consultation).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(consultation, settings):
    settings.FEEDBACK_RATE_LIMIT = "1/h"
    settings.PROXY_COUNT = 0
    client = Client()
    first = client.post(FORM, feedback_form_data(consultation), HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert first.status_code == 302
    response = client.post(
        FORM, feedback_form_data(consultation), HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(consultation, settings):
    settings.FEEDBACK_RATE_LIMIT = "1/h"
    settings.PROXY_COUNT = 1
    client = Client()
    first = client.post(FORM, feedback_form_data(consultation), HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = client.post(
        FORM, feedback_form_data(consultation), HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    third = client.post(FORM, feedback_form_data(consultation), HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert (first.status_code, second.status_code, third.status_code) == (302, 302, 429)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10/h", (10, 3600)), ("30/15m", (30, 900)), ("5/d", (5, 86400)), ("", None), ("0/h", None)],
)
def test_rate_settings_are_parsed(text, expected):
    assert services.parse_rate(text) == expected


def test_a_resubmitted_form_stores_one_row_and_shows_the_same_receipt(client, consultation):
    data = feedback_form_data(consultation)
    first = client.post(FORM, data)
    second = client.post(FORM, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Feedback.objects.count() == 1


def test_the_idempotency_key_is_unique_in_the_database(consultation):
    from django.db import IntegrityError, transaction

    key = uuid.uuid4()
    common = {
        "consultation": consultation,
        "idempotency_key": key,
        "name": "A",
        "respondent_type": "annet",
        "county": "03",
        "publication": "ikke",
    }
    Feedback.objects.create(reference="VS-2026-AAAA", **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(reference="VS-2026-BBBB", **common)


# --- Nothing typed is rendered unescaped -----------------------------------------------------

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_a_script_in_any_field_is_escaped_on_the_form_and_the_receipt(client, consultation):
    key = first_question_key(consultation)
    invalid = post(client, consultation, name=XSS, organisation=XSS, county="", **{key: XSS})
    assert XSS not in invalid.text
    assert "&lt;script&gt;" in invalid.text
    response = post(client, consultation, name=XSS, organisation=XSS, **{key: XSS})
    receipt = client.get(response["Location"]).text
    assert XSS not in receipt and "<img src=x" not in receipt
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in receipt


def test_the_e_mail_receipt_is_plain_text(
    client, consultation, django_capture_on_commit_callbacks, run_tasks
):
    key = first_question_key(consultation)
    Consultation.objects.filter(pk=consultation.pk).update(title="Smått & <godt>")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, consultation, email="kari@example.no", **{key: "Ærlig talt & <b>bra</b>"})
    run_tasks("default")
    message = mail.outbox[0]
    assert message.content_subtype == "plain"
    assert "«Smått & <godt>»" in message.body, "plain text, not escaped as HTML"
    assert "Ærlig talt" not in message.body


@pytest.mark.parametrize("page", ["/veileder/om-veilederen/", "/steg/analyse/"])
def test_every_section_offered_on_a_page_opens_the_form_with_that_section(
    client, imported_round, page
):
    html = client.get(page).text
    name, slug = re.search(
        r'<input type="hidden" name="(kapittel|steg)" value="([^"]+)">', html
    ).groups()
    anchors = re.findall(r'<option value="([^"]+)">', html)
    assert anchors, "the page's block offers its sections"
    for anchor in anchors:
        link = f"/innspill/?{name}={slug}&del={anchor}"
        form = client.get(link).text
        assert re.search(r"Innspillet ditt gjelder <strong>delen «[^»]+» i", form), link

"""Save and return: a draft under a secret link, shared, saved again, sent; the receipt e-mail
that relays nothing; receipt and draft addresses kept out of the logs."""

import datetime as dt
import hashlib
import json
import logging
import re
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from portal.feedback import drafts
from portal.json_logging import JsonFormatter
from portal.models import Consultation, Feedback, FeedbackDraft, Status
from tests.conftest import add_feedback, feedback_form_data

pytestmark = pytest.mark.django_db

FORM = "/innspill/innspill-test/"
DRAFT_LINK = re.compile(r"http://[^\s/]+(/(?:nn/)?innspill/utkast/([A-Za-z0-9_-]{40,})/)")
NAME, ORGANISATION, ANSWER = (
    "Kari Nordmann",
    "Vestland fylkeskommune",
    "Ja, særlig kapitlet om økonomi.",
)
AFTER_DEADLINE = dt.datetime(2036, 3, 2, 12, tzinfo=dt.UTC)


def save(client, consultation, url=FORM, **overrides):
    data = feedback_form_data(
        consultation, **{"email": "kari@example.no", "lagre": "1", **overrides}
    )
    return client.post(url, data)


def link_from_mail(message) -> tuple[str, str]:
    match = DRAFT_LINK.search(message.body)
    assert match, message.body
    return match.group(1), match.group(2)


def answer_key(consultation, order=1):
    return f"svar_{consultation.questions.get(order=order).pk}"


def version_on(page: str) -> str:
    return re.search(r'name="utkast_versjon" value="(\d+)"', page).group(1)


def saved_draft(client, consultation, **overrides):
    """Save a draft from the round's form; returns (link path, token) from the e-mail."""
    response = save(client, consultation, **overrides)
    assert response.status_code == 302, response.content.decode()[:2000]
    return link_from_mail(mail.outbox[-1])


def post_on_draft(client, consultation, path, page, *, saving, **overrides):
    """Post the draft's page as a browser would: its hidden fields, and the typed overrides."""
    data = feedback_form_data(consultation, **{"email": "kari@example.no", **overrides})
    data["token"] = re.search(r'name="token" value="([^"]+)"', page).group(1)
    data["utkast_versjon"] = version_on(page)
    if saving:
        data["lagre"] = "1"
    return client.post(path, data)


# --- Saving ----------------------------------------------------------------------------------


def test_the_form_has_a_second_button_that_saves_without_javascript(client, consultation):
    page = client.get(FORM).text
    send = page.index('id="send-innspill"')
    keep = page.index('name="lagre"')
    assert send < keep, "Enter in a field still sends: the send button comes first"
    assert re.search(r'<button type="submit"[^>]*name="lagre" value="1"', page)
    assert "Lagre og fortsett senere" in page
    assert "kollegene dine" in page


def test_saving_stores_a_draft_not_input_and_mails_a_link_with_nothing_typed(client, consultation):
    response = save(client, consultation, **{answer_key(consultation): ANSWER})
    assert response.status_code == 302
    assert Feedback.objects.count() == 0, "a draft is not input"
    draft = FeedbackDraft.objects.get()
    (message,) = mail.outbox
    assert message.to == ["kari@example.no"]
    path, token = link_from_mail(message)
    assert response["Location"] == f"{path}?lagret=sent"
    assert len(token) >= 43, "token_urlsafe(32)"
    # The database keeps a hash: a copy of it opens nothing.
    assert draft.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps(draft.data) and token not in draft.token_hash
    # Nothing the saver typed is in the e-mail: it could go to any address.
    for typed in (NAME, ORGANISATION, ANSWER, "Vestland"):
        assert typed not in message.body and typed not in message.subject
    assert "1. mars 2036" in message.body
    assert "Alle som har lenken" in message.body


def test_the_link_opens_the_form_filled_in_and_says_it_is_a_shared_draft(client, consultation):
    path, _ = saved_draft(client, consultation, **{answer_key(consultation, 2): "Linje én\nto"})
    response = Client().get(path)  # another browser: a colleague with the link
    page = response.text
    assert response.status_code == 200
    assert f'value="{NAME}"' in page and f'value="{ORGANISATION}"' in page
    assert "Linje én\nto</textarea>" in page
    assert re.search(r'value="fylkeskommune"[^>]*checked', page)
    assert re.search(r'<option value="46" selected>', page)
    assert f'action="{path}"' in page
    assert version_on(page) == "1"
    assert "Dette er et utkast." in page and "kolleger i organisasjonen" in page
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "strict-origin"
    assert 'rel="canonical"' not in page and '<meta name="robots" content="noindex">' in page
    assert "Utkastet er lagret" not in page, "the notice comes only right after a save"
    assert "Utkastet er lagret, og vi har sendt en lenke" in client.get(f"{path}?lagret=sent").text


def test_a_draft_needs_only_the_address_and_keeps_what_was_typed(client, consultation):
    response = save(client, consultation, name="", respondent_type="", email="", county="")
    assert response.status_code == 200
    assert "Skriv e-postadressen vi skal sende lenken til utkastet til." in response.text
    assert "Rett opp dette før du lagrer utkastet" in response.text
    assert f'value="{ORGANISATION}"' in response.text
    assert FeedbackDraft.objects.count() == 0 and mail.outbox == []
    assert save(client, consultation, name="", respondent_type="", county="").status_code == 302
    assert FeedbackDraft.objects.get().data["name"] == ""


def test_lengths_and_control_characters_are_checked_on_a_draft_too(client, consultation):
    response = save(client, consultation, **{answer_key(consultation): "x" * 10_001})
    assert response.status_code == 200
    assert "Svaret kan være på høyst 10\u00a0000 tegn" in response.text
    assert FeedbackDraft.objects.count() == 0


def test_saving_again_updates_the_draft_and_mails_only_a_new_address(client, consultation):
    path, token = saved_draft(client, consultation)
    page = client.get(path).text
    response = post_on_draft(
        client, consultation, path, page, saving=True, **{answer_key(consultation): "Endret."}
    )
    assert response.status_code == 302 and response["Location"] == f"{path}?lagret=ja"
    draft = FeedbackDraft.objects.get()
    assert draft.version == 2 and draft.data[answer_key(consultation)] == "Endret."
    assert len(mail.outbox) == 1, "same address: no new e-mail"
    assert "Utkastet er lagret." in client.get(response["Location"]).text

    page = client.get(path).text
    post_on_draft(client, consultation, path, page, saving=True, email="kollega@example.no")
    assert [m.to for m in mail.outbox] == [["kari@example.no"], ["kollega@example.no"]]
    assert link_from_mail(mail.outbox[-1]) == (path, token), "the same draft, the same link"


def test_a_stale_save_is_refused_and_keeps_what_was_typed(client, consultation):
    path, _ = saved_draft(client, consultation)
    kari, ola = Client(), Client()
    karis_page, olas_page = kari.get(path).text, ola.get(path).text
    key = answer_key(consultation)
    assert post_on_draft(ola, consultation, path, olas_page, saving=True, **{key: "Olas tekst"})[
        "Location"
    ].endswith("lagret=ja")

    refused = post_on_draft(kari, consultation, path, karis_page, saving=True, **{key: "Karis"})
    assert refused.status_code == 409
    assert "Noen andre lagret utkastet" in refused.text
    assert "Karis</textarea>" in refused.text, "nothing typed is lost"
    assert FeedbackDraft.objects.get().data[key] == "Olas tekst", "nothing is overwritten"
    # Told, Kari may save over it on purpose: the page now carries the newer version.
    assert version_on(refused.text) == "2"
    again = post_on_draft(kari, consultation, path, refused.text, saving=True, **{key: "Karis"})
    assert again.status_code == 302
    assert FeedbackDraft.objects.get().data[key] == "Karis"


def test_a_stale_send_is_refused_too(client, consultation):
    path, _ = saved_draft(client, consultation)
    old_page = client.get(path).text
    post_on_draft(Client(), consultation, path, old_page, saving=True, organisation="Ny")
    refused = post_on_draft(client, consultation, path, old_page, saving=False)
    assert refused.status_code == 409
    assert Feedback.objects.count() == 0 and FeedbackDraft.objects.count() == 1


# --- Sending ---------------------------------------------------------------------------------


def test_sending_a_draft_makes_normal_input_with_a_receipt_and_the_link_stops(
    client, consultation, run_tasks
):
    path, _ = saved_draft(client, consultation)
    page = client.get(path).text
    response = post_on_draft(
        client, consultation, path, page, saving=False, **{answer_key(consultation): ANSWER}
    )
    feedback = Feedback.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/innspill/kvittering/{feedback.idempotency_key}/"
    assert feedback.answers.get().text == ANSWER and feedback.name == NAME
    assert FeedbackDraft.objects.count() == 0
    assert "Takk for innspillet" in client.get(response["Location"]).text

    run_tasks("default")
    receipt = mail.outbox[-1]
    assert feedback.reference in receipt.subject

    gone = client.get(path)
    assert gone.status_code == 404
    assert "Lenken til utkastet virker ikke" in gone.text
    assert "Utkastet er sendt" in gone.text
    # A second press of the button (or a colleague's) finds the input that was stored.
    twice = post_on_draft(client, consultation, path, page, saving=False)
    assert twice["Location"] == response["Location"]
    assert Feedback.objects.count() == 1
    assert post_on_draft(client, consultation, path, page, saving=True).status_code == 404


def test_sending_a_draft_is_checked_like_any_input(client, consultation):
    path, _ = saved_draft(client, consultation, name="")
    page = client.get(path).text
    response = post_on_draft(client, consultation, path, page, saving=False, name="")
    assert response.status_code == 200
    assert "Skriv navnet ditt." in response.text
    assert f'action="{path}"' in response.text, "still the draft's form"
    assert Feedback.objects.count() == 0 and FeedbackDraft.objects.count() == 1


# --- Never seen by staff ---------------------------------------------------------------------


def test_a_draft_is_in_no_list_count_export_or_search_of_staff(client, caseworker, consultation):
    saved_draft(client, consultation, name="Utkastskriver Unik")
    staff = Client()
    staff.force_login(caseworker)
    add_feedback(consultation, name="Innsender Ekte")
    listing = staff.get("/admin/portal/feedback/", {"q": "Unik"}).text
    assert "Utkastskriver Unik" not in listing
    assert "Innsender Ekte" in staff.get("/admin/portal/feedback/").text, "the list works"
    overview = staff.get(f"/admin/portal/feedback/oversikt/{consultation.pk}/").text
    assert re.search(r"<strong>1</strong> innspill", overview), "the real one only"
    export = staff.get("/admin/portal/feedback/eksport/csv/")
    assert "Utkastskriver" not in export.content.decode("utf-8-sig")
    assert staff.get("/admin/portal/feedbackdraft/").status_code == 404
    with time_machine.travel(AFTER_DEADLINE):
        public = client.get(f"{FORM}svar/").text
    assert "Utkastskriver" not in public


# --- After the deadline ----------------------------------------------------------------------


def test_after_the_deadline_the_link_gives_a_clear_page_and_the_purge_deletes_drafts(
    client, consultation
):
    path, _ = saved_draft(client, consultation)
    with time_machine.travel(AFTER_DEADLINE):
        gone = client.get(path)
        assert gone.status_code == 404
        assert "Fristen for innspillsrunden er ute" in gone.text
        sent = client.post(path, feedback_form_data(consultation, utkast_versjon="1"))
        assert sent.status_code == 404 and Feedback.objects.count() == 0
        call_command("purge_feedback", "--dry-run")
        assert FeedbackDraft.objects.count() == 1
        call_command("purge_feedback")
    assert FeedbackDraft.objects.count() == 0


def test_the_purge_keeps_drafts_of_open_rounds(client, consultation):
    saved_draft(client, consultation)
    call_command("purge_feedback")
    assert FeedbackDraft.objects.count() == 1


def test_a_task_on_the_default_queue_deletes_the_drafts_at_the_deadline(
    client, consultation, run_tasks
):
    saved_draft(client, consultation)
    assert run_tasks("default") == 0, "it waits for the deadline"
    assert FeedbackDraft.objects.count() == 1
    with time_machine.travel(AFTER_DEADLINE):
        assert run_tasks("default") == 1
    assert FeedbackDraft.objects.count() == 0


def test_a_later_deadline_moves_the_deletion(client, consultation, run_tasks):
    saved_draft(client, consultation)
    consultation.closes_at = dt.datetime(2036, 6, 1, 12, tzinfo=dt.UTC)
    consultation.save()
    with time_machine.travel(AFTER_DEADLINE):
        run_tasks("default")
        assert FeedbackDraft.objects.count() == 1, "the round is still open"
    with time_machine.travel(dt.datetime(2036, 6, 2, tzinfo=dt.UTC)):
        run_tasks("default")
    assert FeedbackDraft.objects.count() == 0


# --- Abuse and bad links ---------------------------------------------------------------------


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 500, "%00", "..", "a.b", "<script>", "ÆØÅ"])
def test_a_wrong_link_gives_the_norwegian_page_never_a_500(client, consultation, token):
    saved_draft(client, consultation)
    for response in (
        client.get(f"/innspill/utkast/{token}/"),
        client.post(f"/innspill/utkast/{token}/", {"lagre": "1", "token": "nei"}),
    ):
        assert response.status_code == 404
        assert "Lenken til utkastet virker ikke" in response.text


def test_a_robot_filling_the_hidden_field_saves_nothing_and_mails_nobody(client, consultation):
    response = save(client, consultation, nettsted="https://spam.example")
    assert response.status_code == 200
    assert FeedbackDraft.objects.count() == 0 and mail.outbox == []


def test_link_mails_share_the_receipts_limit_per_client(client, consultation, settings):
    settings.FEEDBACK_RATE_LIMIT = "1/h"
    assert save(client, consultation).status_code == 302
    refused = save(client, consultation, email="annen@example.no", organisation="Min org")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "Det er sendt mange lenker til utkast på kort tid" in refused.text
    assert 'value="Min org"' in refused.text, "nothing typed is lost"
    assert FeedbackDraft.objects.count() == 1 and len(mail.outbox) == 1


def test_link_mails_are_limited_per_recipient_from_any_client(consultation, settings):
    settings.FEEDBACK_RATE_LIMIT = "2/h"
    for number in range(2):
        assert save(Client(REMOTE_ADDR=f"192.0.2.{number + 1}"), consultation).status_code == 302
    refused = save(Client(REMOTE_ADDR="192.0.2.9"), consultation)
    assert refused.status_code == 429
    assert len(mail.outbox) == 2
    assert (
        save(Client(REMOTE_ADDR="192.0.2.9"), consultation, email="ny@example.no").status_code
        == 302
    )


def test_a_failed_link_mail_keeps_the_draft_and_says_so(client, consultation, monkeypatch):
    def fail(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("borte")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", fail)
    response = save(client, consultation)
    assert response.status_code == 302 and response["Location"].endswith("?lagret=failed")
    assert FeedbackDraft.objects.count() == 1
    page = client.get(response["Location"]).text
    assert "vi fikk ikke sendt e-posten med lenken" in page


def test_a_closed_round_takes_no_draft(client, consultation):
    with time_machine.travel(AFTER_DEADLINE):
        response = save(client, consultation)
    assert response.status_code == 200
    assert FeedbackDraft.objects.count() == 0 and mail.outbox == []


def test_a_nynorsk_draft_gets_a_nynorsk_link_and_page(client, consultation):
    response = save(client, consultation, url=f"/nn{FORM}")
    assert response.status_code == 302
    (message,) = mail.outbox
    path, _ = link_from_mail(message)
    assert path.startswith("/nn/innspill/utkast/")
    assert "Lenkje til utkastet ditt" in message.subject and "Lenkja verkar" in message.body
    page = client.get(path).text
    assert "Lagre og hald fram seinare" in page and "Dette er eit utkast." in page


def test_service_find_draft_refuses_an_unknown_or_empty_token(consultation):
    assert drafts.find_draft("", dt.datetime.now(dt.UTC)) is None
    assert drafts.find_draft("ukjent", dt.datetime.now(dt.UTC)) is None


# --- The receipt e-mail relays nothing -------------------------------------------------------


def test_the_receipt_e_mail_carries_the_reference_and_time_and_nothing_typed(
    client, consultation, run_tasks
):
    key = answer_key(consultation)
    typed = {key: "Kjøp billige klokker på https://spam.example", "organisation": "Spamfirma AS"}
    client.post(FORM, feedback_form_data(consultation, email="offer@example.no", **typed))
    run_tasks("default")
    feedback = Feedback.objects.get()
    (message,) = mail.outbox
    assert feedback.reference in message.body
    assert feedback.submitted_at.astimezone(drafts.services.OSLO).strftime("kl. %H.%M") in (
        message.body
    )
    for text in (NAME, "Spamfirma AS", "spam.example", "Kjøp billige klokker", "Vestland"):
        assert text not in message.body and text not in message.subject
    links = re.findall(r"https?://\S+", message.body)
    assert links == ["http://testserver/personvern/"] or all(
        link.endswith("/personvern/") for link in links
    ), "no link to a page that shows the text"


# --- The receipt page ------------------------------------------------------------------------


def test_the_receipt_is_a_confirmation_panel_without_the_e_mail_address(client, consultation):
    response = client.post(FORM, feedback_form_data(consultation, email="kari@example.no"))
    receipt = client.get(response["Location"])
    page = receipt.text
    feedback = Feedback.objects.get()
    assert "kari@example.no" not in page
    assert "Vi sender også en kvittering til e-postadressen du oppga." in page
    assert re.search(
        rf'class="confirmation-panel".*?<strong class="confirmation-panel__reference">'
        rf"{feedback.reference}</strong>",
        page,
        re.S,
    )
    assert page.count('<dl class="summary-list">') == 2
    assert "Hva skjer nå?" in page
    assert 'href="/veileder/"' in page and "Tilbake til veilederen" in page
    assert f'href="/innspill/{consultation.slug}/endringer/"' in page
    assert receipt["Referrer-Policy"] == "strict-origin"
    assert 'rel="canonical"' not in page


# --- The logs --------------------------------------------------------------------------------


def _access_record(path: str, referer: str = "-") -> logging.LogRecord:
    atoms = {"m": "GET", "U": path, "q": "", "s": 200, "r": f"GET {path} HTTP/1.1", "f": referer}
    atoms.update({"h": "192.0.2.1", "a": "test", "B": 10, "M": 1})
    return logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(s)s "%(f)s"', atoms, None
    )


@pytest.mark.parametrize(
    "path",
    [
        "/innspill/kvittering/3f2b1c9e-0000-4000-8000-000000000001/",
        "/nn/innspill/kvittering/3f2b1c9e-0000-4000-8000-000000000001/",
        "/innspill/utkast/Zm9vYmFyYmF6cXV4LXNlY3JldC10b2tlbi0xMjM0NTY3/",
        "/nn/innspill/utkast/Zm9vYmFyYmF6cXV4LXNlY3JldC10b2tlbi0xMjM0NTY3/",
        "/arbeidsrom/logg-inn/AAAAAQbbzD5vYWt0ZXN0LXNlc2FtZS10b2tlbg/",
    ],
)
def test_receipt_and_draft_addresses_never_reach_the_log(path):
    secret = path.rstrip("/").rsplit("/", 1)[1]
    access = JsonFormatter().format(_access_record(path, referer=f"https://x.example{path}"))
    assert secret not in access
    assert "[skjult]" in json.loads(access)["path"]
    django = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (path,), None
    )
    assert secret not in JsonFormatter().format(django)


@pytest.mark.parametrize("path", ["/innspill/innspill-test/", "/arbeidsrom/logg-inn/"])
def test_other_addresses_are_logged_as_they_are(path):
    assert json.loads(JsonFormatter().format(_access_record(path)))["path"] == path


def test_a_round_taken_down_takes_its_draft_links_with_it(client, consultation):
    path, _ = saved_draft(client, consultation)
    Consultation.objects.filter(pk=consultation.pk).update(status=Status.DRAFT)
    assert client.get(path).status_code == 404
    Consultation.objects.filter(pk=consultation.pk).update(status=Status.PUBLISHED)
    assert client.get(path).status_code == 200


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_a_real_gunicorn_writes_neither_key_to_its_log(tmp_path):
    """End to end: gunicorn's access log and Django's request log, as configured for production,
    with the keys in the path and in the Referer."""
    import subprocess
    import time
    import urllib.error
    import urllib.request

    from tests.servers import GUNICORN, ROOT, free_port, server_environment

    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = server_environment(WEB_CONCURRENCY="1", GUNICORN_BIND=f"127.0.0.1:{port}")
    env["LOG_LEVEL"] = "INFO"
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    receipt_key = "5b0d9a51-7c1e-4a55-9d7e-2f4b8a6c1d3e"
    draft_key = "S3cr3t-Dr4ft-T0ken_abcdefghijklmnopqrstuvwxyz012"

    def fetch(path, referer=None):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
        if referer:
            request.add_header("Referer", referer)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                fetch("/health/live")
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert fetch(f"/innspill/kvittering/{receipt_key}/") == 404
        assert fetch(f"/nn/innspill/utkast/{draft_key}/?lagret=ja") == 404
        assert fetch("/", referer=f"http://127.0.0.1:{port}/innspill/utkast/{draft_key}/") == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    text = log.read_text()
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    access = [r for r in records if r["name"] == "gunicorn.access"]
    assert len([r for r in access if "/innspill/" in r.get("path", "")]) == 2
    assert receipt_key not in text and draft_key not in text
    assert "/innspill/kvittering/[skjult]/" in text and "/nn/innspill/utkast/[skjult]/" in text

"""Save and return in real Chromium, served by gunicorn with e-mail written to files: fill in
the form without JavaScript and save a draft; open the link from the e-mail in another browser
(a colleague), write more and save; the first browser's stale save is refused with its text
kept; the colleague sends and sees the receipt; the link then says it no longer works. axe
(WCAG 2.1 A and AA) finds nothing on the form, the draft page, the conflict, the receipt and the
page of a link that no longer works, at 1280 and 375 px."""

import os
import re
from email import message_from_string
from pathlib import Path

import pytest

from portal.models import Feedback, FeedbackDraft
from tests.browser.test_reading import CHROMIUM_ARGS, WCAG_21_AA
from tests.conftest import make_consultation
from tests.servers import gunicorn

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 375)
LINK = re.compile(r"http://[^\s/]+(/innspill/utkast/[A-Za-z0-9_-]{40,}/)")


@pytest.fixture
def mailbox(tmp_path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
def server(transactional_db, mailbox):
    mailbox.mkdir()
    with gunicorn(
        workers=2,
        PAGE_CACHE_ENABLED="0",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mailbox),
    ) as base:
        yield base


@pytest.fixture
def chromium():
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def new_page(browser, *, javascript=True):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="nb-NO", java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def axe_at_both_widths(page, label: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    failures = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            failures.append(f"{label} at {width}px: {violation['id']} at {targets}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            failures.append(f"{label} at {width}px: scrolls {overflow}px sideways")
    page.set_viewport_size({"width": 1280, "height": 900})
    return failures


def the_link(mailbox: Path) -> str:
    texts = [
        message_from_string(chunk).get_payload(decode=True).decode()
        for path in sorted(mailbox.iterdir())
        for chunk in path.read_text(encoding="utf-8").split("-" * 79)
        if chunk.strip()
    ]
    assert texts, "an e-mail was written"
    match = LINK.search(texts[-1])
    assert match, texts[-1]
    assert "Kari Nordmann" not in texts[-1], "nothing typed in the e-mail"
    return match.group(1)


def test_save_share_refuse_a_stale_save_send_and_see_the_receipt(server, chromium, mailbox):
    consultation = make_consultation()
    first_question = f"#id_svar_{consultation.questions.get(order=1).pk}"
    second_question = f"#id_svar_{consultation.questions.get(order=2).pk}"
    failures = []

    # Kari starts and saves.
    kari = new_page(chromium)
    kari.goto(f"{server}/innspill/")
    kari.fill("#id_name", "Kari Nordmann")
    kari.fill("#id_organisation", "Vestland fylkeskommune")
    kari.check("#id_respondent_type_0")
    kari.select_option("#id_county", "46")
    kari.fill("#id_email", "kari@example.no")
    kari.check("#id_publication_0")
    kari.fill(first_question, "Ja, særlig kapitlet om økonomi.")
    failures += axe_at_both_widths(kari, "the form")
    kari.click("#lagre-utkast")
    kari.wait_for_url("**/innspill/utkast/**")
    assert "Utkastet er lagret, og vi har sendt en lenke" in kari.content()
    failures += axe_at_both_widths(kari, "the saved draft")
    assert FeedbackDraft.objects.count() == 1 and Feedback.objects.count() == 0

    # Ola, a colleague without JavaScript, opens the link from the e-mail, writes and saves.
    link = the_link(mailbox)
    ola = new_page(chromium, javascript=False)
    ola.goto(server + link)
    assert ola.input_value("#id_name") == "Kari Nordmann"
    assert ola.input_value(first_question) == "Ja, særlig kapitlet om økonomi."
    assert "kolleger i organisasjonen" in ola.content()
    ola.fill(second_question, "Mer om samarbeid.")
    ola.click("#lagre-utkast")
    ola.wait_for_url(re.compile(r"lagret=ja$"))
    assert "Utkastet er lagret." in ola.content()

    reader = new_page(chromium)
    reader.goto(server + link)
    assert reader.input_value(second_question) == "Mer om samarbeid."
    failures += axe_at_both_widths(reader, "the draft from the link")

    # Kari, on the page she had open, saves: refused, her text kept.
    kari.fill(first_question, "Karis nye tekst.")
    kari.click("#lagre-utkast")
    kari.wait_for_load_state()
    assert "Noen andre lagret utkastet" in kari.content()
    assert kari.input_value(first_question) == "Karis nye tekst."
    failures += axe_at_both_widths(kari, "the refused save")

    # Told, she sends it anyway (the page now carries Ola's version): the receipt.
    kari.click("#send-innspill")
    kari.wait_for_url("**/innspill/kvittering/**")
    feedback = Feedback.objects.get()
    assert kari.locator(".confirmation-panel__reference").inner_text() == feedback.reference
    assert "kari@example.no" not in kari.content()
    assert feedback.answers.get(question__order=1).text == "Karis nye tekst."
    failures += axe_at_both_widths(kari, "the receipt")

    # The link no longer works.
    response = kari.goto(server + link)
    assert response.status == 404
    assert kari.locator("h1").inner_text() == "Lenken til utkastet virker ikke"
    failures += axe_at_both_widths(kari, "the link after sending")
    assert failures == []

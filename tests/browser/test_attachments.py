"""Letters as PDF in real Chromium: the form with attachments and its error state meet WCAG 2.1
AA (axe-core) at desktop and phone width, and input sent with a PDF attached and no answers gets
a receipt that lists the file. Served by gunicorn in production mode."""

import re

import pytest
from django.conf import settings
from django.db import connection

from portal.content import import_content
from portal.models import Feedback
from tests import pdf_samples
from tests.browser.test_nynorsk import _violations, browser  # noqa: F401 (fixture)
from tests.browser.test_reading import WIDTHS, open_page
from tests.servers import gunicorn

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.django_db(transaction=True)]

FORM = "/innspill/"
LETTER = {"name": "Høringssvar.pdf", "mimeType": "application/pdf", "buffer": pdf_samples.letter()}
NOT_A_PDF = {"name": "notat.pdf", "mimeType": "application/pdf", "buffer": b"bare tekst"}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return tmp_path_factory.mktemp("attachments")


@pytest.fixture(scope="module")
def server(django_db_setup, store):
    assert connection.settings_dict["NAME"].startswith("test_"), "only ever the test database"
    with gunicorn(
        workers=1, PAGE_CACHE_ENABLED="0", FEEDBACK_RATE_LIMIT="", ATTACHMENT_ROOT=str(store)
    ) as base:
        yield base


@pytest.fixture(autouse=True)
def guide(transactional_db, browser):  # noqa: F811
    import_content(settings.CONTENT_DIR)  # with its open round of input


def fill_in(page, name="Kari Nordmann"):
    page.fill("#id_name", name)
    page.check("#id_respondent_type_0")
    page.select_option("#id_county", "46")
    page.check("#id_publication_2")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_form_with_attachments_and_its_error_state_meet_wcag_21_aa(
    server,
    browser,  # noqa: F811
    width,
):
    context, page, problems = open_page(browser, width)
    page.goto(server + FORM, wait_until="load")
    assert page.locator("form[enctype='multipart/form-data'] #id_vedlegg").count() == 1
    page.set_input_files("#id_vedlegg", files=[LETTER, NOT_A_PDF])
    assert _violations(page) == []

    fill_in(page, name="")
    page.click("#send-innspill")
    page.wait_for_selector("#feilsammendrag")
    summary = page.locator("#feilsammendrag").inner_text()
    assert "Skriv navnet ditt." in summary
    assert "«notat.pdf» er ikke en PDF-fil" in summary
    # The accepted letter is kept, ticked, beside the message about the other.
    kept = page.locator("input[name='behold_vedlegg']")
    assert kept.count() == 1 and kept.is_checked()
    assert "Høringssvar.pdf" in page.locator(".feedback-attachments").inner_text()
    assert "notat.pdf" in page.locator("#id_vedlegg_error").inner_text()
    assert _violations(page) == []
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"scrolls {overflow}px sideways at {width}px"
    assert problems == []
    context.close()


def test_input_with_a_letter_and_no_answers_gets_a_receipt_that_lists_it(
    server,
    browser,  # noqa: F811
    store,
):
    # The form needs no script (tests/test_attachments.py posts it as a plain browser would);
    # here Chromium runs with script, since its no-script navigation after a multipart post
    # never reported back to Playwright in this harness.
    context, page, problems = open_page(browser, WIDTHS["phone"])
    page.goto(server + FORM)
    fill_in(page)
    page.set_input_files("#id_vedlegg", files=[LETTER])
    page.click("#send-innspill")
    page.wait_for_url("**/innspill/kvittering/**")
    assert page.locator("h1").inner_text() == "Takk for innspillet"
    listed = page.locator(".feedback-receipt-attachments li").all_inner_texts()
    assert len(listed) == 1 and re.match(r"Høringssvar\.pdf \([\d,]+\s(byte|KB)\)", listed[0])
    assert _violations(page) == []

    feedback = Feedback.objects.get()
    [attachment] = feedback.attachments.all()
    assert (store / attachment.original_path).read_bytes() == LETTER["buffer"]
    assert problems == []
    context.close()

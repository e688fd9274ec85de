"""The input flow in nynorsk in real Chromium: the form and its error state meet WCAG 2.1 AA
(axe-core) at desktop and phone width, and input sent at /nn/innspill/ is stored as nynorsk and
gets a nynorsk receipt. Served by gunicorn in production mode, as in test_reading.py."""

import pytest
from django.conf import settings
from django.db import connection

from portal.content import import_content
from portal.models import Feedback
from tests.browser.test_reading import CHROMIUM_ARGS, WCAG_21_AA, WIDTHS, open_page
from tests.servers import gunicorn

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.django_db(transaction=True)]

FORM = "/nn/innspill/"


@pytest.fixture(scope="module")
def server(django_db_setup):
    assert connection.settings_dict["NAME"].startswith("test_"), "only ever the test database"
    with gunicorn(workers=1, PAGE_CACHE_ENABLED="0", FEEDBACK_RATE_LIMIT="") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    import os

    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(autouse=True)
def guide(transactional_db, browser):
    import_content(settings.CONTENT_DIR)  # with its open round of input


def _violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return [
        f"{v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_nynorsk_form_and_its_error_state_meet_wcag_21_aa(server, browser, width):
    context, page, problems = open_page(browser, width)
    page.goto(server + FORM, wait_until="load")
    assert page.locator("html").get_attribute("lang") == "nn"
    assert page.locator("#send-innspill").inner_text() == "Send innspel"
    assert _violations(page) == []

    page.click("#send-innspill")
    page.wait_for_selector("#feilsammendrag")
    summary = page.locator("#feilsammendrag").inner_text()
    assert "Rett opp dette før du sender innspelet" in summary
    assert "Skriv namnet ditt." in summary
    assert _violations(page) == []
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"scrolls {overflow}px sideways at {width}px"
    assert problems == []
    context.close()


def test_input_sent_in_nynorsk_is_stored_as_nynorsk_with_a_nynorsk_receipt(server, browser):
    context, page, problems = open_page(browser, WIDTHS["phone"])
    page.goto(server + FORM)
    page.fill("#id_name", "Kari Nordmann")
    page.check("#id_respondent_type_0")
    page.select_option("#id_county", "46")
    page.locator("textarea").first.fill("Ja, rettleiaren er nyttig for oss.")
    page.check("#id_publication_2")
    page.click("#send-innspill")
    page.wait_for_url("**/nn/innspill/kvittering/**")
    assert page.locator("h1").inner_text() == "Takk for innspelet"
    assert page.locator("html").get_attribute("lang") == "nn"
    assert _violations(page) == []

    feedback = Feedback.objects.get()
    assert feedback.language == "nn"
    assert feedback.reference in page.locator("main").inner_text()

    menu = page.locator("summary.site-menu__button")
    if menu.is_visible():  # on a phone the language switch is in the menu
        menu.click()
    page.click("nav.language-switch >> text=Bokmål")  # the same receipt, in bokmål
    assert page.locator("h1").inner_text() == "Takk for innspillet"
    assert problems == []
    context.close()

"""The input form as a reader meets it, in real Chromium at desktop and phone width, in bokmål
and nynorsk: WCAG 2.1 AA (axe-core) on the form and on its error state, text at a readable
measure, headings that do not look like links, one column of fields, room before the send
button, and an error summary that names the question. Served by gunicorn, as in
test_nynorsk.py (whose server and browser fixtures this file shares)."""

import pytest

from tests.browser.test_nynorsk import _violations, browser, guide, server  # noqa: F401
from tests.browser.test_reading import WIDTHS, open_page

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.django_db(transaction=True)]

FORMS = {"nb": "/innspill/", "nn": "/nn/innspill/"}
QUESTION_ERROR = {
    "nb": "Svar på spørsmål 1: Vil veilederen være nyttig",
    "nn": "Svar på spørsmål 1: Vil rettleiaren vere nyttig",
}
INNSYN = {"nb": "offentleglova (innsyn)", "nn": "offentleglova (innsyn)"}


def _layout(page) -> dict:
    return page.evaluate(
        """() => {
        const form = document.querySelector('form[action*="/innspill/"]');
        const px = (el, prop) => parseFloat(getComputedStyle(el)[prop]);
        const fields = 'input.ds-input:not([type=radio]), select, textarea';
        const widths = [...form.querySelectorAll(fields)]
            .filter(el => el.offsetParent !== null)
            .map(el => Math.round(el.getBoundingClientRect().width));
        const paragraph = [...document.querySelectorAll('.feedback p')]
            .reduce((a, b) => (a.offsetWidth > b.offsetWidth ? a : b));
        const fontSize = px(paragraph, 'fontSize');
        const heading = document.querySelector('.feedback-introduction h2');
        const headingLink = heading && heading.querySelector('a');
        const button = document.getElementById('send-innspill');
        const last = document.querySelector('.feedback-publication');
        return {
            widths,
            measure: paragraph.getBoundingClientRect().width / (fontSize * 0.5),
            headingLinkColour: headingLink && getComputedStyle(headingLink).color,
            headingColour: heading && getComputedStyle(heading).color,
            headingUnderline: headingLink && getComputedStyle(headingLink).textDecorationLine,
            gap: button.getBoundingClientRect().top - last.getBoundingClientRect().bottom,
            deadlines: (document.querySelector('.feedback').innerText.match(/Frist/g) || []).length,
        };
    }"""
    )


@pytest.mark.parametrize("language", FORMS)
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_form_reads_well_and_its_error_state_meets_wcag_21_aa(server, browser, width, language):  # noqa: F811
    context, page, problems = open_page(browser, width)
    page.goto(server + FORMS[language], wait_until="load")
    assert _violations(page) == []
    layout = _layout(page)
    # One column: every text field, select and text area is as wide as the others.
    assert len(set(layout["widths"])) == 1, layout["widths"]
    # About 70 characters a line at most (a character is about half the font size wide).
    assert layout["measure"] <= 80, layout["measure"]
    assert layout["headingLinkColour"] == layout["headingColour"]
    assert layout["headingUnderline"] == "none"
    assert layout["gap"] >= 32, layout["gap"]
    assert layout["deadlines"] == 1, "the deadline is stated once"
    assert INNSYN[language] in page.locator(".feedback-publication").inner_text()

    page.click("#send-innspill")
    page.wait_for_selector("#feilsammendrag")
    summary = page.locator("#feilsammendrag").inner_text()
    assert QUESTION_ERROR[language] in summary
    assert _violations(page) == []
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"scrolls {overflow}px sideways at {width}px"
    assert problems == []
    context.close()

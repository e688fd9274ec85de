"""The blank assessment sheet in real Chromium: WCAG 2.1 A/AA by axe-core at desktop and phone
width, in bokmål and nynorsk, without sideways scrolling; and the print layout. Served by
gunicorn in production mode, as in test_reading.py."""

# ruff: noqa: F811  (the fixtures are test_reading's, imported by name)
import pytest

from tests.browser.test_reading import (  # noqa: F401 (fixtures)
    WCAG_21_AA,
    WIDTHS,
    browser,
    guide,
    open_page,
    server,
)

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.django_db(transaction=True)]

PAGES = ["/steg/prioriteringer/vurderingsskjema/", "/nn/steg/monitorering/vurderingsskjema/"]


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_sheet_meets_wcag_21_aa_without_sideways_scrolling(server, browser, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context, page, problems = open_page(browser, width)
    failures = []
    for path in PAGES:
        problems.clear()
        response = page.goto(server + path, wait_until="load")
        if response.status != 200:
            failures.append(f"{path}: HTTP {response.status}")
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            failures.append(f"{path}: {violation['id']} ({violation['help']}) at {targets}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            failures.append(f"{path}: scrolls {overflow}px sideways at {width}px")
        failures += [f"{path}: {problem}" for problem in problems]
        if page.locator("table.assessment-grid").count() != 3:
            failures.append(f"{path}: not three grids")
    context.close()
    assert failures == []


def test_on_paper_each_factor_starts_a_page_and_the_screen_controls_are_gone(server, browser):
    context, page, problems = open_page(browser, WIDTHS["desktop"])
    page.goto(server + PAGES[0])
    page.emulate_media(media="print")
    assert not page.locator(".actions").is_visible()
    assert not page.locator(".assessment-factor__guide").first.is_visible()
    assert page.locator(".print-only.assessment-sheet__fields").is_visible()
    breaks = page.eval_on_selector_all(
        ".assessment-factor, .assessment-next",
        "els => els.map(e => getComputedStyle(e).breakBefore)",
    )
    assert breaks == ["auto", "page", "page", "page"]
    page.emulate_media(media="screen")
    assert not page.locator(".print-only.assessment-sheet__fields").is_visible()
    assert problems == []
    context.close()

"""Reading the guide in real Chromium: every page type at desktop and phone width, checked by
axe-core for WCAG 2.1 A and AA, for sideways scrolling and for console errors; the skip link;
and reading, filtering and searching with JavaScript switched off.

The guide's real content is imported for each test and served by one gunicorn for the module, in
production mode (DEBUG off, static files through whitenoise, the strict Content Security Policy)."""

import os
import re

import pytest
from django.conf import settings
from django.db import connection

from portal.content import import_content
from tests.servers import gunicorn

# Committed data, so that gunicorn sees it: pytest-django empties the tables after each test.
pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"desktop": 1280, "phone": 375}

# One of each page type.
PAGES = [
    "/",
    "/veileder/",
    "/veileder/slik-arbeider-fylkeskommunen/",
    "/steg/",
    "/steg/prioriteringer/",
    "/steg/prioriteringer/arbeidsark/",
    "/eksempler/",
    "/eksempler/?steg=analyse&tema=gronn-omstilling",
    "/eksempler/industriell-symbiose/",
    "/begreper/",
    "/kilder/",
    "/tilgjengelighet/",
    "/kortversjon/",
    "/prosessen/",
    "/kom-i-gang/",
    "/sok/?q=strategier",
    "/sok/?q=ingenting+her+xyzzy",
    "/finnes-ikke/",
]


@pytest.fixture(scope="module")
def server(django_db_setup):
    assert connection.settings_dict["NAME"].startswith("test_"), "only ever the test database"
    # Each test imports the content anew; a page cached from the test before must not be served.
    with gunicorn(workers=2, PAGE_CACHE_ENABLED="0") as base:
        yield base


@pytest.fixture(autouse=True)
def guide(transactional_db, browser):
    import_content(settings.CONTENT_DIR)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; no ORM call happens meanwhile.
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


def open_page(browser, width: int, javascript: bool = True):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="nb-NO", java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and response.request.resource_type != "document"
            else None
        ),
    )
    return context, page, problems


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_page_type_meets_wcag_21_aa_without_sideways_scrolling_or_errors(
    server, browser, width
):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context, page, problems = open_page(browser, width)
    failures = []
    for path in PAGES:
        problems.clear()
        response = page.goto(server + path, wait_until="load")
        expected = 404 if path == "/finnes-ikke/" else 200
        if response.status != expected:
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
        # The main document of the not-found page is a 404 by design; nothing else may fail.
        failures += [f"{path}: {problem}" for problem in problems if "404" not in problem]
        if path != "/finnes-ikke/":
            failures += [f"{path}: {problem}" for problem in problems if "404" in problem]
    context.close()
    assert failures == []


def test_the_first_tab_reaches_the_skip_link_which_moves_to_the_main_content(server, browser):
    context, page, problems = open_page(browser, WIDTHS["desktop"])
    page.goto(server + "/veileder/slik-arbeider-fylkeskommunen/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "({text: document.activeElement.textContent.trim(),"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"text": "Gå til hovedinnhold", "href": "#hovedinnhold"}
    assert page.locator(".ds-skip-link").is_visible(), "visible when it has focus"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "hovedinnhold"
    page.keyboard.press("Tab")
    in_main = page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert in_main, "the next Tab continues inside the main content"
    assert problems == []
    context.close()


def test_reading_filtering_and_searching_work_without_javascript(server, browser):
    context, page, problems = open_page(browser, WIDTHS["phone"], javascript=False)

    page.goto(server + "/veileder/slik-arbeider-fylkeskommunen/")
    heading = page.locator("h1").inner_text()
    assert heading == "Slik arbeider fylkeskommunen med smart spesialisering"
    first_entry = page.locator("nav.contents a").first
    anchor = first_entry.get_attribute("href")
    first_entry.click()
    assert page.url.endswith(anchor)
    assert page.locator(f"[id='{anchor[1:]}']").is_visible()
    assert page.locator(".page-feedback").count() == 1

    page.goto(server + "/eksempler/")
    all_examples = page.locator(".card-grid > li").count()
    page.select_option("#steg", "analyse")
    page.click("text=Vis eksempler")
    assert re.search(r"/eksempler/\?steg=analyse&tema=$", page.url)
    assert 0 < page.locator(".card-grid > li").count() < all_examples

    page.get_by_text("Meny", exact=True).click()  # on a phone the search is in the menu
    page.fill("#sok-topp", "strategier")
    page.press("#sok-topp", "Enter")
    page.wait_for_url("**/sok/?q=strategier")
    assert re.match(r"\d+ treff for «strategier»", page.locator("#treff").inner_text())
    assert page.locator(".search-results mark").count() > 0

    # Printing from a button needs script: without it the button stays hidden.
    page.goto(server + "/steg/analyse/arbeidsark/")
    assert not page.locator("button[data-print]").is_visible()
    assert problems == []
    context.close()


def test_the_print_button_is_there_with_javascript(server, browser):
    context, page, problems = open_page(browser, WIDTHS["desktop"])
    page.goto(server + "/steg/analyse/arbeidsark/")
    assert page.locator("button[data-print]").is_visible()
    assert problems == []
    context.close()

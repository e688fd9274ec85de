# ruff: noqa: F811  (the fixtures are test_reading's, imported by name)
"""The guide as a ministry publication, in real Chromium at 1280 and 375 px (issue 15): the
header and its menu button, the ways in on the home page, tags inside their cards, and the one
feedback block per page, with and without JavaScript, checked by axe-core where state changes."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from portal.models import Consultation, PageRating
from portal.publishing import version
from tests.browser.test_reading import (  # noqa: F401 (fixtures)
    WCAG_21_AA,
    WIDTHS,
    browser,
    guide,
    open_page,
    server,
)

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.django_db(transaction=True)]

BOX = "el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


ROOT = Path(__file__).resolve().parents[2]


def close_the_round():
    Consultation.objects.update(
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    # As a publisher's change does: a new content version, written where the test server reads
    # it (the settings' own file; each test's settings point to a file of its own).
    server_file = os.environ.get("CONTENT_VERSION_FILE", str(ROOT / ".local" / "content-version"))
    with override_settings(CONTENT_VERSION_FILE=Path(server_file)):
        version.write_new()


def test_on_a_phone_the_header_is_short_and_the_menu_opens_without_javascript(server, browser):
    context, page, problems = open_page(browser, WIDTHS["phone"], javascript=False)
    page.goto(server + "/steg/analyse/")
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] < 140, "was about 270 px before the menu button"
    assert "Kommunal- og distriktsdepartementet" in header.inner_text()
    nav = page.get_by_role("navigation", name="Hovedmeny")
    assert not nav.is_visible()
    page.get_by_text("Meny", exact=True).click()
    assert nav.is_visible()
    assert page.locator("#sok-topp").is_visible()
    nav.get_by_role("link", name="Begreper").click()
    page.wait_for_url("**/begreper/")
    assert problems == []
    context.close()
    # axe-core runs as script: the open menu is checked in a page with JavaScript.
    context, page, problems = open_page(browser, WIDTHS["phone"])
    page.goto(server + "/steg/analyse/")
    page.get_by_text("Meny", exact=True).click()
    assert axe_violations(page) == []
    context.close()


def test_on_a_wide_screen_the_navigation_shows_with_no_menu_button(server, browser):
    context, page, problems = open_page(browser, WIDTHS["desktop"], javascript=False)
    page.goto(server + "/")
    assert page.get_by_role("navigation", name="Hovedmeny").is_visible()
    assert not page.get_by_text("Meny", exact=True).is_visible()
    assert page.locator("#sok-topp").is_visible()
    assert page.locator(".site-header").bounding_box()["height"] < 200
    assert problems == []
    context.close()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_three_ways_in_are_above_the_fold(server, browser, width):
    context, page, problems = open_page(browser, width)  # viewport 900 px high
    page.goto(server + "/")
    entries = page.locator(".entry-point")
    assert entries.count() == 3
    texts = entries.all_inner_texts()
    assert "Start med steg 1: Analyse" in texts[0]
    assert "Les kortversjonen" in texts[1]
    assert "Gi innspill til veilederen" in texts[2] and "Fristen er" in texts[2]
    for box in (entries.nth(i).evaluate(BOX) for i in range(3)):
        assert box[3] <= 900, f"ends at {box[3]} px"
    assert problems == []
    context.close()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_tag_lies_within_its_card_and_steps_look_unlike_themes(server, browser, width):
    context, page, problems = open_page(browser, width)
    page.goto(server + "/eksempler/")
    outside = page.evaluate(
        """() => [...document.querySelectorAll('.card-grid .ds-card')].flatMap(card => {
            const c = card.getBoundingClientRect();
            return [...card.querySelectorAll('.tags .ds-tag')].filter(tag => {
                const t = tag.getBoundingClientRect();
                return t.left < c.left || t.right > c.right + 0.5
                    || tag.scrollWidth > tag.clientWidth + 1;
            }).map(tag => tag.textContent.trim());
        })"""
    )
    assert outside == []
    long_theme = page.locator(".tag-theme", has_text="Samarbeid mellom næringsliv og forskning")
    assert long_theme.count() > 0
    step, theme = page.locator(".tag-step").first, page.locator(".tag-theme").first
    assert step.locator(".tag-step__number").count() == 1, "a step carries its number in a disc"
    assert theme.inner_text().startswith("Tema:"), "a theme says so in words"
    radius = "el => parseFloat(getComputedStyle(el).borderTopLeftRadius)"
    assert theme.evaluate(radius) > step.evaluate(radius) * 2, "and has another shape"
    assert problems == []
    context.close()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_while_a_round_is_open_the_page_block_leads_to_the_form_for_a_chosen_section(
    server, browser, width
):
    context, page, problems = open_page(browser, width, javascript=False)
    page.goto(server + "/steg/organisering/")
    assert page.locator(".page-feedback").count() == 1
    page.select_option("#side-innspill-del", label="Spørsmål å diskutere")
    page.get_by_role("button", name="Gi innspill").click()
    page.wait_for_url("**/innspill/?steg=organisering&del=*")
    assert "delen «Spørsmål å diskutere» i steget «Organisering»" in page.content()
    assert problems == []
    context.close()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_with_no_round_open_a_reader_answers_useful_or_not_without_javascript(
    server, browser, width
):
    close_the_round()
    context, page, problems = open_page(browser, width, javascript=False)
    page.goto(server + "/veileder/om-veilederen/")
    block = page.locator(".page-feedback")
    assert "Var denne siden nyttig?" in block.inner_text()
    block.get_by_text("Skriv en kommentar (valgfritt)").click()
    page.fill("#side-kommentar", "Savner et eksempel fra en innlandsregion.")
    block.get_by_role("button", name="Nei, siden var ikke nyttig").click()
    page.wait_for_url("**/nyttig/takk/**")
    assert "Takk for svaret" in page.content()
    page.get_by_role("link", name="Tilbake til siden du kom fra").click()
    page.wait_for_url("**/veileder/om-veilederen/")
    rating = PageRating.objects.get()
    assert (rating.path, rating.useful) == ("/veileder/om-veilederen/", False)
    assert rating.comment == "Savner et eksempel fra en innlandsregion."
    assert problems == []
    context.close()
    # The block as it stands, and with the comment open, checked by axe (which needs script).
    context, page, problems = open_page(browser, width)
    page.goto(server + "/veileder/om-veilederen/")
    page.get_by_text("Skriv en kommentar (valgfritt)").click()
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_new_reading_pages_meet_wcag_21_aa(server, browser, width):
    context, page, problems = open_page(browser, width)
    failures = []
    for path in (
        "/veileder/hele/",
        "/steg/monitorering/",
        "/begreper/",
        "/kilder/",
        "/nyttig/takk/?side=/steg/analyse/&svar=ja",
    ):
        assert page.goto(server + path).status == 200, path
        failures += [f"{path}: {v}" for v in axe_violations(page)]
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            failures.append(f"{path}: scrolls {overflow}px sideways")
    assert failures == []
    assert problems == []
    context.close()

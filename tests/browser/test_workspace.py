"""The county workspace in real Chromium, as a county uses it: ministry staff invite the
coordinator in the admin (password and one-time code); the coordinator opens the link in the
invitation e-mail, presses "Logg inn", starts the year's assessment, scores all eighteen factors
step by step, marks it finished and sees the chart and the table; a year on, starts the next
year's from last year's answers and sees both years. axe-core (WCAG 2.1 A and AA) finds nothing
on any workspace page at 1280 and 375 px, and no page scrolls sideways.

The server is gunicorn in production mode with the e-mail written to files (the test reads the
links from there) and tasks run at once (no worker process)."""

import re

import pytest
from django.conf import global_settings, settings
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.content import import_content
from portal.models import Assessment, Workspace
from tests.browser import test_admin_editor_csp as csp
from tests.browser.test_editions import log_in
from tests.browser.test_reading import WCAG_21_AA
from tests.servers import gunicorn

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 375)
COORDINATOR = "kari.koordinator@agder.example"
# The mail's links start with SITE_URL; the path is what counts here.
LINK = re.compile(r"https?://[^/\s]+(/arbeidsrom/logg-inn/[^/\s]+/)")


@pytest.fixture
def mail_dir(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def server(transactional_db, mail_dir):
    import_content(settings.CONTENT_DIR)
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    with gunicorn(
        workers=2,
        STAFF_REQUIRE_2FA="1",
        PAGE_CACHE_ENABLED="0",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        TASKS_BACKEND="django.tasks.backends.immediate.ImmediateBackend",
    ) as base:
        yield base


@pytest.fixture
def ministry_staff(transactional_db):
    user = User.objects.create_superuser("departement", password=csp.PASSWORD)
    return TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)


@pytest.fixture
def chromium(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=csp.CHROMIUM_ARGS
        )
        problems: list[str] = []

        def new_page():
            context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.set_default_timeout(20_000)
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console: {m.text}")
                    if m.type == "error" and "favicon" not in m.location.get("url", "")
                    else None
                ),
            )
            page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
            return page

        yield new_page, problems
        browser.close()


def latest_link(mail_dir) -> str:
    texts = [path.read_text(encoding="utf-8") for path in sorted(mail_dir.iterdir())]
    links = LINK.findall("\n".join(texts))
    assert links, "no login link in the e-mail"
    return links[-1]


def check(page, found: list[str]) -> None:
    """axe and sideways scrolling on the page as it is, at both widths."""
    from axe_playwright_python.sync_playwright import Axe

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        found += [
            f"{width}px {page.url}: {v['id']} ({v['help']}) {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
        ]
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            found.append(f"{width}px {page.url}: scrolls {overflow}px sideways")
    page.set_viewport_size({"width": 1280, "height": 900})


def visit(page, url: str, found: list[str]) -> None:
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    check(page, found)


def score_step(page, level: int) -> None:
    for fieldset in page.locator("fieldset.workspace-factor").all():
        fieldset.locator(f"input[type=radio][value='{level}']").check()
        fieldset.locator("textarea").fill(f"Vi setter nivå {level} etter samlingen med partnerne.")


def test_a_county_is_invited_scores_all_factors_and_follows_two_years(
    server, chromium, ministry_staff, mail_dir
):
    new_page, problems = chromium
    found: list[str] = []

    # Ministry staff invite Agder's coordinator in the admin.
    staff = new_page()
    log_in(staff, server, ministry_staff)
    staff.goto(f"{server}/admin/portal/workspace/inviter/")
    staff.select_option("#id_county", "42")
    staff.fill("#id_name", "Kari Koordinator")
    staff.fill("#id_email", COORDINATOR)
    staff.locator("input[type=submit]").click()
    staff.get_by_text(f"Invitasjonen er sendt til {COORDINATOR}.").wait_for()

    # The coordinator opens the link in the e-mail: a page with a button, not a login.
    county = new_page()
    link = server + latest_link(mail_dir)
    county.goto(link)
    assert county.get_by_role("button", name="Logg inn").is_visible()
    check(county, found)
    with county.expect_navigation():
        county.get_by_role("button", name="Logg inn").click()
    workspace = Workspace.objects.get(county="42")
    assert county.url == f"{server}/arbeidsrom/{workspace.key}/"
    check(county, found)

    # The year's assessment, all eighteen factors, step by step.
    with county.expect_navigation():
        county.get_by_role("button", name=re.compile("Start årets vurdering")).click()
    year = Assessment.objects.get().year
    assert county.url == f"{server}/arbeidsrom/{workspace.key}/{year}/"
    county.get_by_role("link", name=re.compile("Vurder steget")).first.click()
    visited_step = False
    for number in range(6):
        county.wait_for_url(re.compile(r"/steg/[\w-]+/$"))
        if not visited_step:
            check(county, found)
            visited_step = True
        score_step(county, 2 + number % 3)
        if number < 5:
            county.get_by_role("button", name=re.compile("Lagre og gå til")).click()
        else:
            county.get_by_role("button", name="Lagre", exact=True).click()
    county.wait_for_url(re.compile(rf"/{year}/#steg-monitorering$"))
    assert "0 av 18 faktorer mangler nivå" in county.locator("main").inner_text()
    with county.expect_navigation():
        county.get_by_role("button", name="Marker som ferdig").click()
    assert county.get_by_text("Vurderingen er markert som ferdig.").is_visible()
    assert county.locator("svg.spider-chart[role=img]").count() == 1
    table = county.locator(".workspace-chart__table table")
    assert table.locator("tbody tr").count() == 6
    assert table.locator("tbody tr").first.locator("td").inner_text() == "2,0"
    check(county, found)
    for path in ("sammenligning/", "endringer/"):
        visit(county, f"{server}/arbeidsrom/{workspace.key}/{year}/{path}", found)
    for path in ("medlemmer/", "deling/"):
        visit(county, f"{server}/arbeidsrom/{workspace.key}/{path}", found)

    # A year on (the finished assessment is moved back a year): the next one starts from it.
    Assessment.objects.update(year=year - 1)
    county.goto(f"{server}/arbeidsrom/{workspace.key}/")
    with county.expect_navigation():
        county.get_by_role("button", name=re.compile("Start årets vurdering")).click()
    assert county.get_by_text("Svarene fra forrige vurdering er fylt inn").is_visible()
    headers = county.locator(".workspace-chart__table thead th").all_inner_texts()
    assert [h.split()[0] for h in headers[1:]] == [str(year), str(year - 1)]
    assert county.locator("svg.spider-chart .spider-chart__series").count() == 2
    county.get_by_role("link", name=re.compile("Vurder steget")).first.click()
    assert county.locator("input[type=radio][value='2']:checked").count() == 3
    check(county, found)

    # The nynorsk form, the way in, and the ministry's national picture.
    visit(county, f"{server}/nn/arbeidsrom/{workspace.key}/{year}/", found)
    assert "Eigenvurdering" in county.locator("h1").inner_text()
    anonymous = new_page()
    visit(anonymous, f"{server}/arbeidsrom/logg-inn/", found)
    anonymous.fill("#id_email", "ukjent@agder.example")
    anonymous.get_by_role("button", name="Send meg en innloggingslenke").click()
    anonymous.get_by_role("heading", name="Sjekk e-posten din").wait_for()
    check(anonymous, found)
    before = len(problems)
    assert anonymous.goto(link).status == 400  # used up: said so, with a way to a new one
    assert [p for p in problems[before:] if "400" not in p] == []
    del problems[before:]
    check(anonymous, found)
    assert anonymous.get_by_role("heading", name="Lenken virker ikke lenger").is_visible()
    Workspace.objects.update(shares_with_ministry=True)
    visit(staff, f"{server}/arbeidsrom/nasjonalt/?ar={year - 1}", found)
    assert "1: Agder" in staff.locator("main").inner_text()

    assert found == []
    assert problems == []

"""In real Chromium: log in with password and one-time code, edit a chapter in the Markdown editor
and see its live preview, all under the production Content Security Policy with no violation."""

import pytest
from django.conf import global_settings
from django.contrib.auth.models import User
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.content import import_content
from portal.models import Chapter
from tests.servers import gunicorn

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-langt-passord-for-nettleseren"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Collects what the browser reports as a policy violation, before any page script runs.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def server(content_dir, settings):
    import_content(content_dir)
    # The server checks passwords with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    with gunicorn(workers=2, STAFF_REQUIRE_2FA="1") as base:
        yield base


@pytest.fixture
def editor_with_device(db):
    user = User.objects.create_superuser("redaktor", password=PASSWORD)
    return TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="nb-NO")
        context.add_init_script(WATCH_VIOLATIONS)
        page = context.new_page()
        page.set_default_timeout(15_000)
        problems: list[str] = []

        def on_console(message):
            # The browser's own request for /favicon.ico is not the admin's doing.
            if message.location.get("url", "").endswith("/favicon.ico"):
                return
            if message.type == "error" or "Content Security Policy" in message.text:
                problems.append(f"console {message.type}: {message.text} {message.location}")

        page.on("console", on_console)

        def on_response(response):
            if response.status >= 400:
                problems.append(f"{response.status} {response.url}")

        page.on("response", on_response)
        page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
        yield page, problems
        browser.close()


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def test_the_markdown_editor_previews_live_under_the_strict_policy(
    server, editor_with_device, browser_page
):
    page, problems = browser_page

    login = page.goto(f"{server}/admin/login/?next=/admin/")
    assert "script-src 'self' 'nonce-" in login.headers["content-security-policy"]
    page.fill("#id_username", "redaktor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/engangskode/**")
    assert violations(page) == []
    page.fill("#id_otp_token", current_code(editor_with_device))
    page.click("#otp-form input[type=submit]")
    page.wait_for_url(f"{server}/admin/")
    assert violations(page) == []

    chapter = Chapter.objects.get(slug="om-veilederen")
    page.goto(f"{server}/admin/portal/chapter/{chapter.pk}/change/")
    editor = page.locator("textarea.markdownx-editor[name=body_nb]")
    preview = page.locator(".markdownx-preview").first
    editor.wait_for()
    assert violations(page) == []

    with page.expect_response("**/admin/markdownx/markdownify/") as preview_call:
        editor.click()
        page.keyboard.press("Control+End")
        editor.press_sequentially("\n\n## Ny del fra nettleseren\n\nMed **fet** tekst.", delay=5)
    assert preview_call.value.status == 200
    heading = preview.locator("h2", has_text="Ny del fra nettleseren")
    heading.wait_for()
    assert preview.locator("strong", has_text="fet").count() == 1

    assert violations(page) == []
    assert problems == []

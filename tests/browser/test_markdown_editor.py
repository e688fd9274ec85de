"""In real Chromium, under the production Content Security Policy: the Markdown editor shows text
and preview side by side at 1280 px and stacked at 375 px, meets WCAG 2.1 AA (axe), and its image
button uploads and inserts an image with alt text (or as decorative) at the cursor on lines of
its own; an upload error is shown as the server's Norwegian message and never lands in the text,
also for a file pasted into the text. The login's code is typed as the app shows it, "123 456"."""

import io

import pytest
from django.conf import global_settings
from PIL import Image

from portal.content import import_content
from portal.models import Chapter
from tests.browser import test_admin_editor_csp as csp
from tests.browser.test_reading import WCAG_21_AA
from tests.servers import gunicorn

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.django_db(transaction=True)]

UPLOAD = "/admin/markdownx/upload/"
# The logged-in Chromium of the editor's CSP test, with its watch on policy violations.
browser_page = csp.browser_page
editor_with_device = csp.editor_with_device


@pytest.fixture
def server(content_dir, settings, tmp_path):
    import_content(content_dir)
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    with gunicorn(
        workers=2, STAFF_REQUIRE_2FA="1", DJANGO_MEDIA_ROOT=str(tmp_path / "media")
    ) as base:
        yield base


@pytest.fixture
def png(tmp_path):
    path = tmp_path / "kart.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 90, 160)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    # Django's own many-to-many selector (the chapter's steps) puts aria-label on a plain span
    # (aria-prohibited-attr), written by its SelectFilter2.js: left out here, see the report.
    results = Axe().run(
        page,
        context={"exclude": [[".selector"]]},
        options={"runOnly": {"type": "tag", "values": WCAG_21_AA}},
    )
    return [
        f"{v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def log_in(page, server, device):
    page.goto(f"{server}/admin/login/?next=/admin/")
    page.fill("#id_username", "redaktor")
    page.fill("#id_password", csp.PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/engangskode/**")
    code = csp.current_code(device)
    page.fill("#id_otp_token", f"{code[:3]} {code[3:]}")  # as authenticator apps show it
    page.click("#otp-form input[type=submit]")
    page.wait_for_url(f"{server}/admin/")


def box(locator) -> dict:
    return locator.bounding_box()


def test_the_editor_side_by_side_stacked_and_its_image_button(
    server, editor_with_device, browser_page, png, tmp_path
):
    page, problems = browser_page
    log_in(page, server, editor_with_device)
    chapter = Chapter.objects.get(slug="om-veilederen")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server}/admin/portal/chapter/{chapter.pk}/change/")
    field = page.locator(".field-body_nb")
    text = field.locator("textarea.markdownx-editor")
    preview = field.locator(".markdownx-preview")
    preview.locator("h2", has_text="Neste del").wait_for()  # markdownx rendered it

    # Side by side on a wide screen.
    text_box, preview_box = box(text), box(preview)
    assert preview_box["x"] >= text_box["x"] + text_box["width"]
    assert abs(preview_box["y"] - text_box["y"]) < 60
    assert axe_violations(page) == []

    # The image button: file and alt text are required, then it lands at the cursor.
    cursor = chapter.body_nb.index("Tekst om") + len("Tekst om")
    text.evaluate("(t, at) => t.setSelectionRange(at, at)", cursor)
    field.get_by_role("button", name="Sett inn bilde").click()
    dialog = page.get_by_role("dialog", name="Sett inn bilde")
    dialog.wait_for()
    assert axe_violations(page) == []
    dialog.get_by_role("button", name="Last opp og sett inn").click()
    assert dialog.get_by_role("alert").inner_text() == "Velg en bildefil."
    dialog.get_by_label("Bildefil").set_input_files(png)
    dialog.get_by_role("button", name="Last opp og sett inn").click()
    assert "Skriv en alternativ tekst" in dialog.get_by_role("alert").inner_text()
    dialog.get_by_label("Alternativ tekst").fill("Kart over [Vestland]")
    with page.expect_response(f"**{UPLOAD}"):
        dialog.get_by_role("button", name="Last opp og sett inn").click()
    dialog.wait_for(state="hidden")
    value = text.input_value()
    start = value.index("Tekst om\n\n![Kart over \\[Vestland\\]](/media/opplastinger/")
    lines = value[start:].split("\n")
    assert lines[1] == lines[3] == "", "the image is a paragraph of its own"
    assert lines[2].startswith("![Kart over") and lines[4] == "økonomi."
    preview.locator('img[alt="Kart over [Vestland]"]').wait_for()
    assert field.get_by_role("status").inner_text() == "Bildet er satt inn i teksten."

    # Decorative: an explicit choice, written with its mark.
    text.evaluate("t => t.setSelectionRange(t.value.length, t.value.length)")
    field.get_by_role("button", name="Sett inn bilde").click()
    dialog.get_by_label("Bildefil").set_input_files(png)
    dialog.get_by_label("Dekorativt bilde").check()
    assert dialog.get_by_label("Alternativ tekst").is_disabled()
    with page.expect_response(f"**{UPLOAD}"):
        dialog.get_by_role("button", name="Last opp og sett inn").click()
    dialog.wait_for(state="hidden")
    assert text.input_value().rstrip().endswith(".png) <!-- dekorativt -->")

    # An upload error is the server's message, in the dialog, never in the text.
    before = text.input_value()
    not_an_image = tmp_path / "notat.png"
    not_an_image.write_text("ikke et bilde")
    field.get_by_role("button", name="Sett inn bilde").click()
    dialog.get_by_label("Bildefil").set_input_files(not_an_image)
    dialog.get_by_label("Alternativ tekst").fill("Notat")
    with page.expect_response(f"**{UPLOAD}") as refused:
        dialog.get_by_role("button", name="Last opp og sett inn").click()
    assert refused.value.status == 400
    error = dialog.get_by_role("alert")
    error.get_by_text("Filen er ikke et gyldig PNG- eller JPEG-bilde.").wait_for()
    dialog.get_by_role("button", name="Avbryt").click()
    assert text.input_value() == before

    # A file pasted into the text goes through the same dialog (markdownx would have uploaded
    # it without alt text, and written "Invalid response" on an error).
    text.evaluate(
        """t => {
          const data = new DataTransfer();
          data.items.add(new File(["ikke et bilde"], "limt.png", {type: "image/png"}));
          t.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true}));
        }"""
    )
    dialog.wait_for()
    assert dialog.get_by_label("Alternativ tekst").evaluate("e => e === document.activeElement")
    dialog.get_by_role("button", name="Avbryt").click()
    assert text.input_value() == before
    assert "Invalid response" not in text.input_value()

    # Stacked on a narrow one.
    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_timeout(100)
    text_box, preview_box = box(text), box(preview)
    assert preview_box["y"] >= text_box["y"] + text_box["height"]
    assert preview_box["width"] > 250
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"scrolls {overflow}px sideways"
    assert axe_violations(page) == []

    assert csp.violations(page) == []
    expected = ("400 " + server + UPLOAD, "status of 400")
    assert [p for p in problems if not any(e in p for e in expected)] == []

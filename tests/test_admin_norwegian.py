"""The whole admin in Norwegian: every page type, for every registered model, is walked and must
not show an English word from the list; the admin's JavaScript catalogue has bokmål for every
message its widgets write; permission denied and not found inside /admin/ are Norwegian pages
in the admin's look."""

import ast
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import Chapter, Edition, Status
from tests.conftest import add_feedback, make_consultation
from tests.test_admin import _change_form_data

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(
    r"\b(Choose|Select|Add|Delete|Save|History|Change|Remove|Filter|Search|Run|Logout|Log out"
    r"|Yes|No|Home|Access attempts?|AXES|Axes|OTP|Are you sure)\b"
)


class _Visible(HTMLParser):
    """The text a reader sees or hears: text, and the attributes that are read out."""

    ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "value"}

    def __init__(self):
        super().__init__()
        self.texts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "textarea"):
            self.hidden += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value and not (tag == "input" and name == "value"):
                self.texts.append(value)
            if tag == "input" and name == "value" and ("type", "submit") in attrs:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.texts.append(data)


def english_words(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    return sorted({m.group(0) for text in parser.texts for m in ENGLISH.finditer(text)})


def test_the_check_finds_english():
    assert english_words('<h2>Access attempts</h2><input type="submit" value="Save">') == [
        "Access attempts",
        "Save",
    ]
    assert english_words("<script>gettext('Choose')</script><p>Velg</p>") == []


@pytest.fixture
def everything(imported, staff_user):
    """At least one row of every model the admin shows."""
    consultation = make_consultation(slug="runde")
    add_feedback(consultation)
    TOTPDevice.objects.create(user=staff_user, name="Telefon", confirmed=True)
    AccessAttempt.objects.create(
        username="ukjent", ip_address="10.0.0.1", user_agent="test", failures_since_start=1
    )
    AccessLog.objects.create(username="ukjent", ip_address="10.0.0.1", user_agent="test")
    AccessFailureLog.objects.create(username="ukjent", ip_address="10.0.0.1", user_agent="test")
    chapter = Chapter.objects.get(slug="om-veilederen")
    chapter.lead_nb = "Endret ingress."
    chapter.save()  # a second history entry


def admin_pages():
    """Every page type of every registered model: list, add, change, delete, history."""
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        yield reverse(f"{name}_changelist")
        yield reverse("admin:app_list", args=[opts.app_label])
        obj = model._default_manager.order_by("pk").first()
        if model_admin.has_add_permission(_Superuser()):
            yield reverse(f"{name}_add")
        if obj is not None:
            yield reverse(f"{name}_change", args=[obj.pk])
            yield reverse(f"{name}_history", args=[obj.pk])
            yield reverse(f"{name}_delete", args=[obj.pk])


class _Superuser:
    """Enough of a request for has_add_permission."""

    user = type("U", (), {"has_perm": staticmethod(lambda *a: True), "is_active": True})()


def test_every_admin_page_is_in_norwegian(client, everything):
    superuser = User.objects.create_superuser("admin", password="et-langt-passord-1")
    client.force_login(superuser)
    chapter = Chapter.objects.get(slug="om-veilederen")
    version = chapter.history.order_by("history_id").first()
    pages = [
        "/admin/",
        *admin_pages(),
        f"/admin/portal/chapter/{chapter.pk}/history/{version.history_id}/",  # revert form
        "/admin/password_change/",
        f"/admin/auth/user/{superuser.pk}/password/",
        "/admin/finnes-ikke/",
    ]
    found = {}
    for page in dict.fromkeys(pages):
        response = client.get(page)
        # 302: the failed-task admin sends a task that has not failed back to its list; 403:
        # what nobody may do (delete a task's record), itself a page that must be Norwegian.
        assert response.status_code in (200, 302, 403, 404), (page, response.status_code)
        if words := english_words(response.text):
            found[page] = words
    confirmation = client.post(
        "/admin/portal/chapter/",
        {"action": "delete_selected", "_selected_action": [chapter.pk]},
    )
    assert "Er du sikker" in confirmation.text
    if words := english_words(confirmation.text):
        found["delete_selected"] = words
    logged_out = client.post("/admin/logout/")
    if words := english_words(logged_out.text):
        found["logout"] = words
    login = client.get("/admin/login/")
    if words := english_words(login.text):
        found["login"] = words
    assert found == {}


def test_app_and_model_names_are_norwegian(client, everything):
    client.force_login(User.objects.create_superuser("admin", password="et-langt-passord-1"))
    index = client.get("/admin/").text
    for name in ("Innloggingsforsøk", "Autentiseringsapper", "Mislykkede innlogginger"):
        assert name in index
    for english in ("AXES", "Axes", "OTP_TOTP", "Otp_Totp", "Access attempts", "TOTP devices"):
        assert english not in index


def test_an_empty_choice_says_velg(client, everything):
    client.force_login(User.objects.create_superuser("admin", password="et-langt-passord-1"))
    page = client.get("/admin/portal/chapter/add/").text
    assert "– Velg –" in page
    assert "Select an option" not in page


ADMIN_JS = Path(django.__file__).parent / "contrib" / "admin" / "static" / "admin" / "js"
_STRING = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
_JOINED = rf"{_STRING}(?:\s*\+\s*{_STRING})*"  # "a " + "b"
_CALL = re.compile(
    rf"\b(?P<function>gettext|ngettext|pgettext)\(\s*(?P<first>{_JOINED})"
    rf"(?:\s*,\s*(?P<second>{_JOINED}))?"
)


def _literal(joined: str) -> str:
    return "".join(ast.literal_eval(part) for part in re.findall(_STRING, joined))


def widget_messages() -> set[str]:
    """The catalogue keys the admin's own scripts ask for (pgettext's: context, \\x04, text)."""
    keys = set()
    for path in ADMIN_JS.rglob("*.js"):
        if "vendor" in path.parts:
            continue
        for call in _CALL.finditer(path.read_text(encoding="utf-8")):
            first = _literal(call["first"])
            if call["function"] == "pgettext":
                keys.add(f"{first}\x04{_literal(call['second'])}")
            else:
                keys.add(first)
    return keys


def test_the_admins_javascript_catalogue_has_bokmal_for_every_widget_message(client, staff_user):
    client.force_login(User.objects.create_superuser("admin", password="et-langt-passord-1"))
    response = client.get("/admin/jsi18n/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});", response.text, re.S)[1])
    messages = widget_messages()
    assert {"Choose all %s", "abbrev. day Friday\x04Fri"} <= messages
    assert sorted(messages - catalogue.keys()) == []
    assert catalogue["Choose all %s"] == "Velg alle %s"
    assert catalogue["Remove all %s"] == "Fjern alle %s"


def test_a_redaktor_who_reverts_makes_an_edition(client, editor, imported):
    """A revert is an edition like any save (portal/editions): the live row stays as it is."""
    chapter = Chapter.objects.get(slug="om-veilederen")
    chapter.status = Status.DRAFT
    chapter.save()
    version = chapter.history.order_by("-history_id").first()
    chapter.status = Status.PUBLISHED
    chapter.lead_nb = "Endret."
    chapter.save()
    client.force_login(editor)
    url = f"/admin/portal/chapter/{chapter.pk}/history/{version.history_id}/"
    response = client.post(url, _change_form_data(version.instance))
    assert response.status_code == 302
    chapter.refresh_from_db()
    assert chapter.lead_nb == "Endret." and chapter.status == Status.PUBLISHED
    assert Edition.objects.pending().get().note.startswith("Gjenopprettet versjon fra")


def test_a_redaktor_refused_gets_a_norwegian_admin_page(client, editor, imported):
    client.force_login(editor)
    response = client.get("/admin/portal/removal/")  # publishers' only
    assert response.status_code == 403
    assert "<h1>Du har ikke tilgang</h1>" in response.text
    assert 'id="site-name"' in response.text, "the admin's header"
    assert "403 Forbidden" not in response.text
    assert english_words(response.text) == []


def test_not_found_inside_the_admin_is_an_admin_page_and_outside_the_public_one(client, editor):
    client.force_login(editor)
    inside = client.get("/admin/finnes/ikke/")
    assert inside.status_code == 404
    assert "<h1>Fant ikke siden</h1>" in inside.text
    assert 'id="site-name"' in inside.text
    outside = client.get("/finnes/ikke/")
    assert outside.status_code == 404
    assert 'id="site-name"' not in outside.text


def test_status_is_shown_not_chosen_and_required_choices_have_no_empty_one(
    client, publisher, imported
):
    """Publishing is the edition's buttons (portal/editions), so status is read-only; the empty
    choice is only for optional fields."""
    client.force_login(publisher)
    chapter = Chapter.objects.get(slug="om-veilederen")
    page = client.get(f"/admin/portal/chapter/{chapter.pk}/change/").text
    assert 'name="status"' not in page and ">Publisert<" in page
    assert '<option value="innledning"' in page and '<option value="" selected' not in page


@pytest.mark.django_db
def test_permissions_are_named_in_norwegian_in_the_group_form():
    from django.contrib.auth.models import Permission

    assert not Permission.objects.filter(name__startswith="Can ").exists()
    assert Permission.objects.filter(name="Kan endre kapittel").exists()

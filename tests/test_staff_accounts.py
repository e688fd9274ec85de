"""Staff accounts: lockout by client address, the second factor, session expiry, enrolment."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import RequestFactory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.http import client_ip
from portal.models import Chapter, Status

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "et-langt-passord-1"


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(current_code(device)) + 500_000) % 1_000_000:06d}"


def log_in(client, username="redaktor", password=PASSWORD, **headers):
    return client.post(
        f"{LOGIN}?next=/admin/", {"username": username, "password": password}, **headers
    )


# --- The client's address -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "", "10.0.0.9"),
        (0, "203.0.113.7", "10.0.0.9"),  # no proxy of ours: the header is the client's claim
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the left entry is forged
        (2, "198.51.100.1, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.9"),  # fewer hops than proxies: not trustworthy
    ],
)
def test_client_ip_trusts_forwarded_for_only_from_our_proxies(
    settings, proxies, forwarded_for, expected
):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected


# --- Lockout (django-axes) --------------------------------------------------------------------


def fail_logins(client, times, **headers):
    for _ in range(times):
        response = log_in(client, password="feil-passord", **headers)
        assert response.status_code in (200, 429)
    return response


def test_repeated_failed_logins_lock_the_account_for_that_address(client, staff_user, settings):
    response = fail_logins(client, settings.AXES_FAILURE_LIMIT)
    assert response.status_code == 429
    locked = log_in(client)  # even the right password is refused now
    assert locked.status_code == 429
    assert "For mange mislykkede innlogginger" in locked.text
    assert "15 minutter" in locked.text
    assert "_auth_user_id" not in client.session


def test_the_lockout_ends_after_the_cool_off(client, staff_user, settings):
    fail_logins(client, settings.AXES_FAILURE_LIMIT)
    assert log_in(client).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    response = log_in(client)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)


def test_behind_the_proxy_the_real_client_address_is_locked_out(client, staff_user, settings):
    settings.PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    fail_logins(client, settings.AXES_FAILURE_LIMIT, **attacker)
    assert log_in(client, **attacker).status_code == 429
    # A forged left-hand entry does not get the attacker out of the lockout...
    forged = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.7"}
    assert log_in(client, **forged).status_code == 429
    # ...and the editor, at another address behind the same proxy, is not locked out.
    editor = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.44"}
    assert log_in(client, **editor).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_without_a_proxy_a_forged_header_does_not_escape_the_lockout(client, staff_user, settings):
    assert settings.PROXY_COUNT == 0
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, password="feil", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    assert log_in(client, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429


# --- The second factor --------------------------------------------------------------------------


@pytest.fixture
def two_factor(settings):
    settings.STAFF_REQUIRE_2FA = True


@pytest.fixture
def device(staff_user):
    return TOTPDevice.objects.create(user=staff_user, name="Telefon", confirmed=True)


def test_a_password_alone_leads_to_the_code_step_not_the_admin(
    client, two_factor, staff_user, device
):
    response = log_in(client, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/engangskode/?next=%2Fadmin%2F"
    assert 'name="otp_token"' in response.text
    assert 'autocomplete="one-time-code"' in response.text
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/portal/chapter/").status_code == 302


def test_unverified_staff_are_refused_everywhere_staff_are_trusted(
    client, two_factor, staff_user, imported
):
    client.force_login(staff_user)
    response = client.get("/admin/portal/chapter/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    follow = client.get(response["Location"])
    assert follow["Location"].startswith("/admin/engangskode/")
    preview = client.post("/admin/markdownx/markdownify/", {"content": "*hei*"})
    assert preview.status_code == 403
    draft = Chapter.objects.get(slug="om-veilederen")
    draft.status = Status.DRAFT
    draft.save()
    assert client.get(draft.get_absolute_url()).status_code == 404, "no draft preview"


def test_the_right_code_lets_staff_in(client, two_factor, staff_user, device):
    log_in(client)
    session_before = client.session.session_key
    response = client.post(
        "/admin/engangskode/", {"otp_token": current_code(device), "next": "/admin/portal/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/portal/"
    assert client.session.session_key != session_before, "a new session key once verified"
    assert client.get("/admin/").status_code == 200
    preview = client.post("/admin/markdownx/markdownify/", {"content": "*hei*"})
    assert preview.status_code == 200


def test_a_wrong_code_is_refused(client, two_factor, staff_user, device):
    log_in(client)
    response = client.post("/admin/engangskode/", {"otp_token": wrong_code(device)})
    assert response.status_code == 200
    assert "Feil engangskode" in response.text
    assert client.get("/admin/").status_code == 302


def test_repeated_wrong_codes_make_even_the_right_one_wait(client, two_factor, staff_user, device):
    log_in(client)
    for _ in range(4):
        client.post("/admin/engangskode/", {"otp_token": wrong_code(device)})
    response = client.post("/admin/engangskode/", {"otp_token": current_code(device)})
    assert response.status_code == 200
    assert "For mange feil koder" in response.text
    assert client.get("/admin/").status_code == 302


def test_the_code_step_never_redirects_off_site(client, two_factor, staff_user, device):
    log_in(client)
    response = client.post(
        "/admin/engangskode/",
        {"otp_token": current_code(device), "next": "https://angriper.example/"},
    )
    assert response["Location"] == "/admin/"


def test_staff_without_a_device_are_told_how_to_get_one(client, two_factor, staff_user):
    log_in(client)
    page = client.get("/admin/engangskode/")
    assert "Du har ingen autentiseringsapp registrert" in page.text
    assert "add_totp_device redaktor" in page.text
    response = client.post("/admin/engangskode/", {"otp_token": "123456"})
    assert client.get("/admin/").status_code == 302
    assert response.status_code == 200


def test_the_code_step_needs_a_password_first(client, two_factor):
    response = client.get("/admin/engangskode/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_another_users_device_does_not_count(client, two_factor, staff_user):
    other = User.objects.create_user("annen", password=PASSWORD, is_staff=True)
    other_device = TOTPDevice.objects.create(user=other, name="Annen", confirmed=True)
    log_in(client)
    client.post("/admin/engangskode/", {"otp_token": current_code(other_device)})
    assert client.get("/admin/").status_code == 302


# --- Sessions -----------------------------------------------------------------------------------


def test_staff_sessions_end_with_the_browser_and_after_idle_time(client, staff_user, settings):
    assert settings.SESSION_COOKIE_AGE <= 4 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    log_in(client)
    response = client.get("/admin/")
    assert response.status_code == 200
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"], "a browser-session cookie"
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    # Idle past the limit: the server has forgotten the session.
    Session.objects.update(
        expire_date=F("expire_date") - timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    )
    assert client.get("/admin/").status_code == 302


# --- Enrolment ----------------------------------------------------------------------------------


def test_add_totp_device_enrols_staff_and_prints_the_uri(staff_user, capsys):
    call_command("add_totp_device", "redaktor")
    out = capsys.readouterr().out
    device = TOTPDevice.objects.get(user=staff_user)
    assert device.confirmed
    assert "otpauth://totp/Smart%20spesialisering%3Aredaktor?secret=" in out
    assert "█" in out or "▀" in out, "a QR code for the terminal"
    with pytest.raises(CommandError, match="--replace"):
        call_command("add_totp_device", "redaktor")
    call_command("add_totp_device", "redaktor", "--replace")
    assert TOTPDevice.objects.filter(user=staff_user).count() == 1
    assert TOTPDevice.objects.get(user=staff_user).key != device.key


def test_add_totp_device_refuses_unknown_and_non_staff_users(db):
    User.objects.create_user("leser", password=PASSWORD)
    with pytest.raises(CommandError, match="Fant ingen"):
        call_command("add_totp_device", "finnes-ikke")
    with pytest.raises(CommandError, match="ikke ansatt"):
        call_command("add_totp_device", "leser")


# --- Every admin view needs the second factor --------------------------------------------------

# Views that must answer before the second factor (or lead to it), and Django's public shortcut.
OPEN_BEFORE_SECOND_FACTOR = {"login", "logout", "verify_otp", "view_on_site"}
SAMPLE_ARGUMENTS = {"file_format": "csv", "app_label": "portal", "url": "x"}


def admin_urls():
    from django.contrib import admin
    from django.urls import URLPattern, URLResolver

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name not in OPEN_BEFORE_SECOND_FACTOR:
                route = prefix + str(pattern.pattern)
                for name, value in {**SAMPLE_ARGUMENTS}.items():
                    route = route.replace(f"<str:{name}>", value).replace(f"<{name}>", value)
                for converter in ("<int:", "<path:", "<str:", "<slug:"):
                    while converter in route:
                        start = route.index(converter)
                        route = route[:start] + "1" + route[route.index(">", start) + 1 :]
                yield pattern.name or route, "/admin/" + route.lstrip("^").rstrip("$")

    return list(walk(admin.site.get_urls(), ""))


def test_every_admin_view_refuses_a_superuser_without_the_second_factor(
    client, two_factor, imported
):
    boss = User.objects.create_superuser("sjef", password=PASSWORD)
    client.force_login(boss)
    urls = admin_urls()
    assert any("eksport" in url for _, url in urls), "the input exports are among them"
    for name, url in urls:
        response = client.get(url)
        assert response.status_code == 302, (name, url, response.status_code)
        assert response["Location"].startswith("/admin/login/"), (name, url)

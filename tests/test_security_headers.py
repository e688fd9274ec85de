"""Production settings, HTTPS, cookies, the Content Security Policy and uploaded media."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "veileder.example.no",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    """Runs code in a fresh process with production's environment plus env."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "STAFF_", "DATABASE_", "SECURE_"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="veileder.settings", **PRODUCTION, **env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(**env: str) -> dict:
    names = [
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "STAFF_REQUIRE_2FA",
        "PROXY_COUNT",
    ]
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    result = run_django(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_deployment_check_passes_with_production_settings(settings):
    # Against the migrated test database (no pages, so no placeholders to report: portal.W001 has
    # its own tests in test_hoering.py) and with a sender on a real domain (portal.W004).
    database = settings.DATABASES["default"]
    result = run_django(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        DEFAULT_FROM_EMAIL="ikke-svar@veileder.example.no",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_fails_on_plain_http():
    # Proves the check above is not vacuous: the local-HTTP switch must never reach production.
    result = run_django(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DJANGO_LOCAL_HTTP="1",
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT


def test_production_is_https_only_with_two_years_of_hsts():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 2 * 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None, "no proxy header trusted unless configured"
    assert values["STAFF_REQUIRE_2FA"] is True
    assert values["PROXY_COUNT"] == 0


def test_preload_and_the_proxy_are_switched_on_by_name():
    values = production_settings(DJANGO_HSTS_PRELOAD="1", DJANGO_BEHIND_PROXY="1")
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["PROXY_COUNT"] == 1


def test_plain_http_only_through_the_local_switch():
    values = production_settings(DJANGO_LOCAL_HTTP="1")
    assert values["SECURE_SSL_REDIRECT"] is None or values["SECURE_SSL_REDIRECT"] is False
    assert not values["SESSION_COOKIE_SECURE"]
    assert values["STAFF_REQUIRE_2FA"] is True, "local HTTP does not switch off the second factor"


def test_http_is_redirected_to_https(client, settings, imported):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/veileder/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/veileder/"
    secure = client.get("/veileder/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_the_proxy_header_is_trusted_only_when_configured(client, settings, imported):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None
    forged = client.get("/veileder/", headers={"x-forwarded-proto": "https"})
    assert forged.status_code == 301, "without a proxy anyone could send the header"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    behind_proxy = client.get("/veileder/", headers={"x-forwarded-proto": "https"})
    assert behind_proxy.status_code == 200


def test_cookies_are_secure_httponly_and_lax(client, staff_user):
    login_page = client.get("/admin/login/", secure=True)
    csrf = login_page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        "/admin/login/",
        {"username": "redaktor", "password": "et-langt-passord-1"},
        secure=True,
    )
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


# --- Content Security Policy -------------------------------------------------------------------


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(directives: dict[str, list[str]]) -> None:
    assert directives["default-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    for name, values in directives.items():
        assert "'unsafe-inline'" not in values, name
        assert "'unsafe-eval'" not in values, name
        assert "*" not in values and "https:" not in values, name
    assert [v for v in directives["script-src"] if not v.startswith("'nonce-")] == ["'self'"]


def test_public_pages_have_a_strict_policy_cached_or_not(client, imported):
    first = client.get("/veileder/om-veilederen/")
    second = client.get("/veileder/om-veilederen/")
    assert second["X-Page-Cache"] == "hit"
    for response in (first, second):
        assert_strict(policy(response))
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_a_changed_policy_is_sent_at_once(client, imported, settings):
    # The policy of a page without a nonce is built once (portal/csp.py), but never kept past
    # a change of the setting.
    assert "report-uri" not in client.get("/veileder/om-veilederen/")["Content-Security-Policy"]
    settings.SECURE_CSP = {**settings.SECURE_CSP, "report-uri": "/csp-rapport/"}
    header = client.get("/veileder/om-veilederen/")["Content-Security-Policy"]
    assert "report-uri /csp-rapport/" in header
    assert_strict(policy(client.get("/veileder/om-veilederen/")))


def test_the_admin_and_its_editor_run_under_the_policy_with_nonces(client, editor, imported):
    from portal.models import Chapter

    client.force_login(editor)
    chapter = Chapter.objects.get(slug="om-veilederen")
    response = client.get(f"/admin/portal/chapter/{chapter.pk}/change/")
    directives = policy(response)
    assert_strict(directives)
    nonce = next(v for v in directives["script-src"] if v.startswith("'nonce-"))[7:-1]
    assert f'nonce="{nonce}"' in response.text
    assert "markdownx/js/markdownx" in response.text
    assert "<script>" not in response.text, "no inline script without the nonce"


def test_every_response_gets_a_fresh_nonce(client, editor):
    client.force_login(editor)
    first = policy(client.get("/admin/"))["script-src"]
    second = policy(client.get("/admin/"))["script-src"]
    assert first != second


# --- Uploaded media ----------------------------------------------------------------------------


@pytest.fixture
def uploaded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = settings.MEDIA_ROOT / "opplastinger"
    folder.mkdir(parents=True)
    (folder / "bilde.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    (tmp_path / "hemmelig.txt").write_text("ikke for deg")
    return folder


def test_uploads_are_served_sandboxed_and_unsniffable(client, uploaded):
    response = client.get("/media/opplastinger/bilde.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_media_cannot_reach_outside_its_folder(client, uploaded):
    for path in ("/media/../hemmelig.txt", "/media/%2e%2e/hemmelig.txt"):
        response = client.get(path)
        assert response.status_code in (400, 404), path
        assert "ikke for deg" not in response.text
    assert client.get("/media/opplastinger/finnes-ikke.png").status_code == 404
    assert client.post("/media/opplastinger/bilde.png").status_code == 405

"""Which request headers may say the request came over HTTPS: exactly one, X-Forwarded-Proto,
and only with DJANGO_BEHIND_PROXY on (gunicorn.conf.py and Django's SECURE_PROXY_SSL_HEADER).

The servers run HTTPS-only (DJANGO_LOCAL_HTTP off), so a plain-HTTP request that is not believed
to be HTTPS is redirected to https://, and one that is believed gets the page."""

import http.client
import runpy

import pytest

from tests.servers import ROOT, gunicorn

CLAIMS = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Ssl": "on",
    "X-Forwarded-Protocol": "ssl",
}


def status(base: str, headers: dict[str, str]) -> int:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", "/health/live", headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_without_the_proxy_setting_no_scheme_header_is_believed():
    with gunicorn(workers=1, DJANGO_LOCAL_HTTP="0", DJANGO_BEHIND_PROXY="0") as base:
        assert status(base, {}) == 301
        for name, value in CLAIMS.items():
            assert status(base, {name: value}) == 301, f"{name}: {value} was believed"
        assert status(base, CLAIMS) == 301


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_behind_the_proxy_only_x_forwarded_proto_is_believed():
    with gunicorn(workers=1, DJANGO_LOCAL_HTTP="0", DJANGO_BEHIND_PROXY="1") as base:
        assert status(base, {"X-Forwarded-Proto": "https"}) == 200
        assert status(base, {"X-Forwarded-Ssl": "on"}) == 301
        assert status(base, {"X-Forwarded-Protocol": "ssl"}) == 301


def test_gunicorn_trusts_one_scheme_header_and_only_behind_the_proxy(monkeypatch):
    monkeypatch.delenv("DJANGO_BEHIND_PROXY", raising=False)
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["secure_scheme_headers"] == {} and config["forwarded_allow_ips"] == ""
    monkeypatch.setenv("DJANGO_BEHIND_PROXY", "1")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["secure_scheme_headers"] == {"X-FORWARDED-PROTO": "https"}
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"

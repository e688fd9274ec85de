"""The one-time code as people type it ("123 456", "123-456"), and the wait after wrong codes
said in seconds from django-otp's throttle state."""

import re

import pytest
import time_machine
from django.utils import timezone

from tests.test_staff_accounts import current_code, log_in, wrong_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_factor(settings):
    settings.STAFF_REQUIRE_2FA = True


@pytest.fixture
def device(staff_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=staff_user, name="Telefon", confirmed=True)


@pytest.mark.parametrize("shown", ["{0} {1}", "{0}-{1}", " {0}  {1} ", "{0}\u2009{1}", "{0}–{1}"])
def test_a_code_typed_with_a_space_or_hyphen_is_accepted(
    client, two_factor, staff_user, device, shown
):
    log_in(client)
    code = current_code(device)
    response = client.post("/admin/engangskode/", {"otp_token": shown.format(code[:3], code[3:])})
    assert response.status_code == 302, response.text
    assert client.get("/admin/").status_code == 200


def _seconds_said(text: str) -> int:
    match = re.search(r"Prøv igjen om (\d+) sekund|prøve igjen om (\d+) sekund", text)
    assert match, text
    return int(match.group(1) or match.group(2))


def test_after_wrong_codes_the_wait_is_said_in_seconds(client, two_factor, staff_user, device):
    log_in(client)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = client.post("/admin/engangskode/", {"otp_token": wrong_code(device)})
        assert "Feil engangskode" in first.text
        assert _seconds_said(first.text) == 1  # django-otp: 1 s after the first failure
        clock.shift(1.5)
        for _ in range(3):
            client.post("/admin/engangskode/", {"otp_token": wrong_code(device)})
            clock.shift(60)
        # Four failures: 8 s to wait from the last one; 60 s have passed, so one more wrong
        # code makes it five, and 16 s.
        client.post("/admin/engangskode/", {"otp_token": wrong_code(device)})
        clock.shift(3)
        refused = client.post("/admin/engangskode/", {"otp_token": current_code(device)})
        assert "For mange feil koder på rad" in refused.text
        assert _seconds_said(refused.text) == 13
        assert client.get("/admin/").status_code == 302
        clock.shift(14)
        accepted = client.post("/admin/engangskode/", {"otp_token": current_code(device)})
    assert accepted.status_code == 302

"""Logging in to a workspace with a link by e-mail: the link works once and for 15 minutes,
only through the page's button; asking for one is limited per address and per client and
answers the same whether or not the address is known; a staff account is never logged in by a
link, and the admin never accepts a link's session."""

import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail

from portal.models import LoginRecord, Membership
from portal.workspace import login
from tests.workspace_helpers import county_member

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://[^/]+(/(?:nn/)?arbeidsrom/logg-inn/[^/\s]+/)")


def ask(client, email, path="/arbeidsrom/logg-inn/", **extra):
    return client.post(path, {"email": email}, **extra)


def link_in_mail(run_tasks) -> str:
    run_tasks("default")
    assert len(mail.outbox) >= 1
    return LINK.search(mail.outbox[-1].body).group(1)


@pytest.fixture
def member(agder, run_tasks):
    """A member, their invitation mailed and out of the way."""
    user = county_member(agder, "medlem@agder.example", Membership.Role.MEMBER, "Mia Medlem")
    run_tasks("default")
    mail.outbox.clear()
    return user


@pytest.fixture
def sent(client, member, run_tasks):
    assert ask(client, "Medlem@Agder.example ").status_code == 200
    return link_in_mail(run_tasks)


def _same_page(text: str, email: str) -> str:
    text = text.replace(email, "ADDRESS")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def test_a_known_and_an_unknown_address_get_the_same_answer(client, member, run_tasks):
    known = ask(client, "medlem@agder.example")
    unknown = ask(client, "ukjent@agder.example")
    assert known.status_code == unknown.status_code == 200
    assert _same_page(known.text, "medlem@agder.example") == _same_page(
        unknown.text, "ukjent@agder.example"
    )
    run_tasks("default")
    assert [m.to for m in mail.outbox] == [["medlem@agder.example"]]
    assert "Logg inn" in mail.outbox[0].body or "logg inn" in mail.outbox[0].body.lower()


def test_opening_the_link_logs_nobody_in_the_button_does_once(client, sent, member):
    for _ in range(2):  # a mail scanner opens it first
        page = client.get(sent)
        assert page.status_code == 200 and "Logg inn" in page.text
        assert "_auth_user_id" not in client.session
    assert "no-store" in page["Cache-Control"]
    token = sent.rstrip("/").rsplit("/", 1)[1]
    response = client.post(sent, {"token": token})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
    assert LoginRecord.objects.filter(user=member).count() == 1
    # The same link again, from another browser: used up.
    other = client.__class__()
    assert other.post(sent, {"token": token}).status_code == 400
    assert other.get(sent).status_code == 400
    assert "_auth_user_id" not in other.session


def test_a_link_expires_after_15_minutes(client, member, run_tasks):
    with time_machine.travel("2027-03-01 12:00 +0100", tick=False) as traveller:
        ask(client, "medlem@agder.example")
        path = link_in_mail(run_tasks)
        token = path.rstrip("/").rsplit("/", 1)[1]
        traveller.shift(14 * 60)
        assert client.get(path).status_code == 200
        traveller.shift(2 * 60)
        assert client.get(path).status_code == 400
        assert client.post(path, {"token": token}).status_code == 400
        assert "_auth_user_id" not in client.session


def test_an_altered_link_is_refused(client, sent):
    token = sent.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(sent, {"token": forged}).status_code == 400
    assert client.post(sent, {"token": "x" * 500}).status_code == 400


def test_asking_is_limited_per_address_whether_known_or_not(client, member, settings, run_tasks):
    settings.WORKSPACE_LINK_RATE_PER_ADDRESS = "3/15m"
    for address in ("medlem@agder.example", "ukjent@agder.example"):
        codes = [ask(client, address).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429], address
    limited = ask(client, "medlem@agder.example")
    assert int(limited["Retry-After"]) > 0 and "Vent" in limited.text
    run_tasks("default")
    assert len(mail.outbox) == 3  # the three allowed, for the known address only


def test_asking_is_limited_per_client(client, settings):
    settings.WORKSPACE_LINK_RATE_PER_CLIENT = "5/h"
    codes = [ask(client, f"person{n}@agder.example").status_code for n in range(6)]
    assert codes == [200] * 5 + [429]
    # Another client address is not held up.
    assert ask(client, "person9@agder.example", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_no_staff_account_is_ever_logged_in_by_a_link(client, member, run_tasks):
    staff = User.objects.create_user("ansatt", email="ansatt@kdd.example", is_staff=True)
    ask(client, "ansatt@kdd.example")
    run_tasks("default")
    assert mail.outbox == []
    token = login.make_link_token(staff)  # a link made for it anyway
    path = f"/arbeidsrom/logg-inn/{token}/"
    assert client.post(path, {"token": token}).status_code == 400
    assert "_auth_user_id" not in client.session
    # A member made staff later: their link no longer works either.
    token = login.make_link_token(member)
    User.objects.filter(pk=member.pk).update(is_superuser=True)
    assert client.post(f"/arbeidsrom/logg-inn/{token}/", {"token": token}).status_code == 400


def test_a_link_of_another_purpose_is_refused(client, member):
    from sesame import tokens

    token = tokens.create_token(member, "noe-annet")
    assert client.post(f"/arbeidsrom/logg-inn/{token}/", {"token": token}).status_code == 400


def test_the_nynorsk_form_sends_a_nynorsk_mail(client, member, run_tasks):
    response = ask(client, "medlem@agder.example", path="/nn/arbeidsrom/logg-inn/")
    assert response.status_code == 200 and 'lang="nn"' in response.text
    link = link_in_mail(run_tasks)
    assert link.startswith("/nn/") and "ikkje" in mail.outbox[0].body.lower()


def test_logging_out(client, sent):
    token = sent.rstrip("/").rsplit("/", 1)[1]
    client.post(sent, {"token": token})
    assert client.post("/arbeidsrom/logg-ut/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_records_are_deleted_after_the_promised_time(member, settings):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    LoginRecord.objects.create(user=member, at=now - dt.timedelta(days=400))
    LoginRecord.objects.create(user=member, at=now - dt.timedelta(days=10))
    assert login.purge_login_records(moment=now) == 1
    assert LoginRecord.objects.count() == 1

import pytest, time_machine
from tests.workspace_helpers import agder, member, coordinator, ministry  # noqa
from portal.workspace import assessments


@pytest.fixture(autouse=True)
def year2027():
    with time_machine.travel("2027-03-01 12:00", tick=True):
        yield


def test_smoke(client, agder, member, coordinator, ministry, imported):
    client.force_login(member, backend="portal.workspace.login.CountyLinkBackend")
    r = client.get(f"/arbeidsrom/")
    assert r.status_code == 302, r
    r = client.get(r.url)
    assert r.status_code == 200, r.content[:3000]
    r = client.post(f"/arbeidsrom/{agder.key}/start/")
    assert r.status_code == 302
    r = client.get(r.url)
    assert r.status_code == 200, r.content.decode()[:3000]
    for slug in ["analyse"]:
        r = client.get(f"/arbeidsrom/{agder.key}/2027/steg/{slug}/")
        assert r.status_code == 200, r.content.decode()[:3000]
    for path in ["sammenligning/", "endringer/", "rapport.csv"]:
        r = client.get(f"/arbeidsrom/{agder.key}/2027/{path}")
        assert r.status_code == 200, (path, r.content.decode()[:3000])
    for path in ["medlemmer/", "deling/"]:
        r = client.get(f"/arbeidsrom/{agder.key}/{path}")
        assert r.status_code == 200, (path, r.content.decode()[:3000])
    client.force_login(ministry)
    r = client.get("/arbeidsrom/nasjonalt/")
    assert r.status_code == 200, r.content.decode()[:3000]
    r = client.get("/arbeidsrom/nasjonalt.xlsx")
    assert r.status_code == 200
    r = client.get("/nn/arbeidsrom/logg-inn/")
    assert r.status_code == 200

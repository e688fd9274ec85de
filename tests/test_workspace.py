"""The county workspace: who sees what. Every view and export, for each kind of visitor:
a member, a coordinator, another county's member, ministry staff with and without the
permission, and someone not logged in. Nothing of one county reaches another, by address, by
id, by search or by export; the ministry reads only what a county shares, and only finished."""

import pytest
import time_machine
from django.contrib.auth.models import User

from portal.models import Membership
from portal.workspace import assessments
from portal.workspace.login import BACKEND
from tests.workspace_helpers import score_everything

pytestmark = pytest.mark.django_db

SECRET = "Begrunnelse som bare Agder skal se"


@pytest.fixture(autouse=True)
def in_2027():
    with time_machine.travel("2027-03-01 12:00 +0100", tick=True):
        yield


@pytest.fixture
def finished(assessment, member):
    score_everything(member, assessment, text=SECRET)
    return assessments.finish(member, assessment)


@pytest.fixture
def visitors(client, member, coordinator, other_member, ministry, plain_staff):
    def log_in(who):
        client.logout()
        user = {
            "member": member,
            "coordinator": coordinator,
            "other": other_member,
            "ministry": ministry,
            "staff": plain_staff,
        }.get(who)
        if user is not None:
            backend = BACKEND if not user.is_staff else "django.contrib.auth.backends.ModelBackend"
            client.force_login(user, backend=backend)
        return client

    return log_in


def member_pages(key):
    return [
        f"/arbeidsrom/{key}/",
        f"/arbeidsrom/{key}/medlemmer/",
        f"/arbeidsrom/{key}/deling/",
        f"/arbeidsrom/{key}/2027/steg/analyse/",
        f"/arbeidsrom/{key}/2027/endringer/",
    ]


def shared_pages(key):
    return [
        f"/arbeidsrom/{key}/2027/",
        f"/arbeidsrom/{key}/2027/sammenligning/",
        f"/arbeidsrom/{key}/2027/rapport.csv",
        f"/arbeidsrom/{key}/2027/rapport.pdf",
        f"/nn/arbeidsrom/{key}/2027/",
    ]


MEMBER_PAGE = {"member": 200, "coordinator": 200, "other": 404, "ministry": 404, "staff": 404}


@pytest.mark.parametrize("who", [*MEMBER_PAGE, "anonymous"])
@pytest.mark.parametrize("shares", [True, False], ids=["shared", "not-shared"])
def test_the_permission_matrix_for_every_page_and_export(visitors, agder, finished, who, shares):
    agder.shares_with_ministry = shares
    agder.save()
    client = visitors(who)
    for path in member_pages(agder.key):
        response = client.get(path)
        if who == "anonymous":
            assert response.status_code == 302 and "/arbeidsrom/logg-inn/" in response.url, path
        else:
            assert response.status_code == MEMBER_PAGE[who], (path, who)
            if response.status_code == 200:
                assert "no-store" in response["Cache-Control"], path
                assert "private" in response["Cache-Control"], path
    readable = {**MEMBER_PAGE, "ministry": 200 if shares else 404}
    for path in shared_pages(agder.key):
        response = client.get(path)
        if who == "anonymous":
            assert response.status_code == 302, path
            continue
        expected = readable[who]
        if path.endswith(".pdf") and expected == 200:
            expected = 503  # built by the worker: "bygges" until then
        assert response.status_code == expected, (path, who)
        if expected == 404:
            assert SECRET not in response.text
        if expected in (200, 503):
            assert (
                "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
            )
    national = client.get("/arbeidsrom/nasjonalt/")
    xlsx = client.get("/arbeidsrom/nasjonalt.xlsx")
    expected = 200 if who == "ministry" else 404
    assert (national.status_code, xlsx.status_code) == (expected, expected)


def test_the_ministry_sees_no_draft_even_of_a_sharing_county(visitors, agder, assessment, member):
    agder.shares_with_ministry = True
    agder.save()
    score_everything(member, assessment, text=SECRET)  # scored, but not marked finished
    client = visitors("ministry")
    assert client.get(f"/arbeidsrom/{agder.key}/2027/").status_code == 404
    assert client.get(f"/arbeidsrom/{agder.key}/2027/rapport.csv").status_code == 404
    assert SECRET not in client.get("/arbeidsrom/nasjonalt/").text


def test_staff_need_the_second_factor_for_the_national_picture(visitors, settings):
    settings.STAFF_REQUIRE_2FA = True
    assert visitors("ministry").get("/arbeidsrom/nasjonalt/").status_code == 404


@pytest.mark.parametrize(
    ("who", "expected"), [("member", 302), ("other", 404), ("ministry", 404), ("staff", 404)]
)
def test_only_members_change_anything(visitors, agder, assessment, who, expected):
    client = visitors(who)
    assert client.post(f"/arbeidsrom/{agder.key}/start/").status_code == expected
    assert client.post(f"/arbeidsrom/{agder.key}/2027/status/", {"finish": "1"}).status_code == (
        expected
    )
    step = client.post(f"/arbeidsrom/{agder.key}/2027/steg/analyse/", {"version": "0"})
    assert step.status_code == (200 if expected == 302 else 404)  # a member sees the form again
    assessment.refresh_from_db()
    assert assessment.revision == 0, "nothing was saved"


@pytest.mark.parametrize(
    ("who", "expected"), [("coordinator", 302), ("member", 403), ("other", 404), ("ministry", 404)]
)
def test_only_the_coordinator_invites_removes_and_chooses_sharing(
    visitors, agder, member, who, expected
):
    client = visitors(who)
    invite = {"name": "Ny Kollega", "email": "ny@agder.example"}
    assert client.post(f"/arbeidsrom/{agder.key}/medlemmer/", invite).status_code == expected
    assert User.objects.filter(email="ny@agder.example").exists() == (expected == 302)
    sharing = client.post(f"/arbeidsrom/{agder.key}/deling/", {"shares": "1"})
    assert sharing.status_code == expected
    agder.refresh_from_db()
    assert agder.shares_with_ministry == (expected == 302)
    target = Membership.objects.get(workspace=agder, user=member)
    if who == "member":  # a member cannot remove a colleague (nor themselves here)
        target = Membership.objects.filter(workspace=agder).exclude(user=member).first()
    removed = client.post(f"/arbeidsrom/{agder.key}/medlemmer/{target.pk}/fjern/")
    assert removed.status_code == expected
    assert Membership.objects.filter(pk=target.pk).exists() == (expected != 302)


def test_a_coordinator_cannot_remove_another_county_s_member_by_id(
    visitors, agder, vestland, other_member
):
    client = visitors("coordinator")
    foreign = Membership.objects.get(workspace=vestland)
    assert client.post(f"/arbeidsrom/{agder.key}/medlemmer/{foreign.pk}/fjern/").status_code == 404
    assert client.post(f"/arbeidsrom/{vestland.key}/medlemmer/{foreign.pk}/fjern/").status_code == (
        404
    )
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_a_removed_member_is_logged_out_and_sees_nothing(visitors, agder, member, coordinator):
    client = visitors("member")
    assert client.get(f"/arbeidsrom/{agder.key}/").status_code == 200
    membership = Membership.objects.get(workspace=agder, user=member)
    from portal.workspace import members

    members.remove(coordinator, agder, membership.pk)
    response = client.get(f"/arbeidsrom/{agder.key}/")
    assert response.status_code == 302 and "logg-inn" in response.url
    member.refresh_from_db()
    assert not member.is_active


def test_workspace_text_is_never_found_by_search(visitors, imported, assessment, member):
    score_everything(member, assessment, text="Klyngesamarbeidet i Grimstadregionen")
    for who in ("other", "member", "ministry"):
        response = visitors(who).get("/sok/", {"q": "Grimstadregionen"})
        assert "Ingen treff for «Grimstadregionen»" in response.text, who


def test_the_csv_is_the_county_s_own_numbers(visitors, agder, finished):
    response = visitors("member").get(f"/arbeidsrom/{agder.key}/2027/rapport.csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].startswith(
        'attachment; filename="egenvurdering-agder-2027'
    )
    assert text.count(SECRET) == 18
    assert "Agder" in text and "Vestland" not in text


def test_a_formula_in_a_justification_is_never_run_by_a_spreadsheet(
    visitors, agder, assessment, member
):
    score_everything(member, assessment, text='=HYPERLINK("http://example.org")')
    text = visitors("member").get(f"/arbeidsrom/{agder.key}/2027/rapport.csv").content.decode()
    assert "'=HYPERLINK" in text
    assert ";=HYPERLINK" not in text and ';"=HYPERLINK' not in text


def test_the_step_pages_link_into_the_workspace(client, imported):
    html = client.get("/steg/analyse/").text
    assert 'href="/arbeidsrom/?steg=analyse"' in html and "Vurder dere selv" in html
    assert 'href="/nn/arbeidsrom/?steg=analyse"' in client.get("/nn/steg/analyse/").text


def test_vurder_dere_selv_leads_a_member_to_that_step_of_this_year_s(visitors, agder, member):
    client = visitors("member")
    assert client.get("/arbeidsrom/?steg=visjon").url == f"/arbeidsrom/{agder.key}/"
    assessments.start_assessment(member, agder)
    assert (
        client.get("/arbeidsrom/?steg=visjon").url == f"/arbeidsrom/{agder.key}/2027/steg/visjon/"
    )
    assert client.get("/arbeidsrom/?steg=<x>").url == f"/arbeidsrom/{agder.key}/"
    assert visitors("anonymous").get("/arbeidsrom/?steg=visjon").url == "/arbeidsrom/logg-inn/"


def test_a_county_member_never_reaches_the_admin(visitors, member):
    client = visitors("member")
    assert client.get("/admin/").status_code == 302
    # Even made staff afterwards, a link's session is no admin session (and is dropped).
    User.objects.filter(pk=member.pk).update(is_staff=True, is_superuser=True)
    assert client.get("/admin/").status_code == 302
    assert client.get("/arbeidsrom/").url.endswith("/arbeidsrom/logg-inn/")


def test_workspace_pages_are_in_nynorsk_at_nn(visitors, agder, finished):
    html = visitors("member").get(f"/nn/arbeidsrom/{agder.key}/2027/").text
    assert 'lang="nn"' in html
    from portal.workspace.factors import all_factors

    assert all_factors()[0].title_nn in html


@pytest.mark.parametrize(
    "path",
    [
        "/arbeidsrom/{key}/",
        "/arbeidsrom/{key}/2027/",
        "/arbeidsrom/{key}/2027/steg/analyse/",
        "/arbeidsrom/{key}/2027/sammenligning/",
        "/arbeidsrom/{key}/2027/endringer/",
        "/arbeidsrom/{key}/2027/rapport.csv",
    ],
)
def test_workspace_pages_make_no_query_per_factor_or_year(
    visitors, agder, member, finished, django_assert_max_num_queries, path
):
    client = visitors("member")
    url = path.format(key=agder.key)
    client.get(url)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    # Four more years of assessments change nothing in the count.
    for year in (2023, 2024, 2025, 2026):
        earlier = assessments.start_assessment(member, agder, year)
        score_everything(member, earlier)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_the_national_picture_makes_no_query_per_county(
    visitors, ministry, django_assert_max_num_queries
):
    from portal.workspace import members
    from tests.workspace_helpers import county_member

    for code in ("42", "46", "03", "11", "50"):
        workspace = members.workspace_for_county(code)
        workspace.shares_with_ministry = True
        workspace.save()
        someone = county_member(workspace, f"m{code}@fylke.example")
        one = assessments.start_assessment(someone, workspace, 2027)
        score_everything(someone, one)
        assessments.finish(someone, one)
    client = visitors("ministry")
    with django_assert_max_num_queries(12):
        assert client.get("/arbeidsrom/nasjonalt/").status_code == 200


def test_hostile_addresses_get_a_plain_404_never_a_500(visitors, agder, ministry):
    client = visitors("member")
    for path in [
        f"/arbeidsrom/{agder.key}/99999999999999999999/",
        f"/arbeidsrom/{agder.key}/2027/steg/finnes-ikke/",
        f"/arbeidsrom/{agder.key}/1/rapport.csv",
        "/arbeidsrom/00000000-0000-0000-0000-000000000000/",
        "/arbeidsrom/logg-inn/%3Cscript%3E/",
    ]:
        assert client.get(path).status_code in (400, 404), path
    client = visitors("ministry")
    assert client.get("/arbeidsrom/nasjonalt/?ar=%27%3B+drop").status_code == 200
    assert client.get("/arbeidsrom/nasjonalt/?ar=99999999999").status_code == 200

"""The self-assessment: starting the year from last year's answers, one per county and year,
finishing and reopening, every change kept with who and when; two members on the same step
never lose work; and the national picture, where a county that does not share is in no figure.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from portal.models import Assessment, Membership, StepAssessment
from portal.workspace import assessments, editing, members, national
from portal.workspace.factors import all_factors, factors_for_step
from portal.workspace.login import BACKEND
from tests.workspace_helpers import county_member, score_everything

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_2027():
    with time_machine.travel("2027-03-01 12:00 +0100", tick=True):
        yield


def step_post(step_slug, version, score, text, **extra):
    data = {
        "version": str(version),
        "tiltak-TOTAL_FORMS": "2",
        "tiltak-INITIAL_FORMS": "0",
        "tiltak-MIN_NUM_FORMS": "0",
        "tiltak-MAX_NUM_FORMS": "20",
    }
    for factor in factors_for_step(step_slug):
        data[f"{factor.key}-score"] = str(score)
        data[f"{factor.key}-justification"] = text
        data[f"{factor.key}-document_url"] = ""
    data.update(extra)
    return data


def logged_in(client, user):
    client.force_login(user, backend=BACKEND)
    return client


# --- Starting the year's ------------------------------------------------------------------------


def test_this_year_starts_from_last_year_s_answers(client, agder, member):
    last = assessments.start_assessment(member, agder, 2026)
    score_everything(member, last, score=2, text="Fra analysen i 2026.")
    first = factors_for_step("analyse")[0]
    row = StepAssessment.objects.get(assessment=last, step_slug="analyse")
    values = {
        f.key: {"score": 4 if f == first else 2, "justification": "Fra analysen i 2026.",
                "document_url": "https://agder.example/analyse.pdf"}
        for f in factors_for_step("analyse")
    }  # fmt: skip
    actions = [{"what": "Oppdatere analysen", "who": "Analyseteamet", "due": dt.date(2027, 6, 1)}]
    editing.save_step(member, last, "analyse", values, actions, base_version=row.version)
    assessments.finish(member, last)

    response = logged_in(client, member).post(f"/arbeidsrom/{agder.key}/start/")
    assert response.url == f"/arbeidsrom/{agder.key}/2027/"
    new = Assessment.objects.get(workspace=agder, year=2027)
    assert new.status == Assessment.Status.DRAFT and new.started_from == last
    view = assessments.view_of(
        assessments.with_everything(Assessment.objects.filter(pk=new.pk)).get()
    )
    assert view.scores() == assessments.view_of(last).scores()
    analyse = view.steps[0]
    assert analyse.factors[0].row.document_url == "https://agder.example/analyse.pdf"
    assert [(a.what, a.who, a.due) for a in analyse.actions] == [
        ("Oppdatere analysen", "Analyseteamet", dt.date(2027, 6, 1))
    ]
    # Updating this year's leaves last year's as it was.
    page = client.get(f"/arbeidsrom/{agder.key}/2027/steg/analyse/")
    assert "Fra analysen i 2026." in page.text
    client.post(f"/arbeidsrom/{agder.key}/2027/steg/analyse/", step_post("analyse", 0, 5, "Ny."))
    assert assessments.view_of(last).steps[0].factors[0].score == 4
    # Starting again starts nothing new.
    client.post(f"/arbeidsrom/{agder.key}/start/")
    assert Assessment.objects.filter(workspace=agder).count() == 2


def test_the_first_assessment_starts_empty(agder, member):
    first = assessments.start_assessment(member, agder)
    assert first.year == 2027
    view = assessments.view_of(first)
    assert len(view.missing) == 18 and view.means == (None,) * 6


def test_finishing_needs_every_factor_and_locks_the_steps(client, agder, assessment, member):
    with pytest.raises(ValidationError):
        assessments.finish(member, assessment)
    score_everything(member, assessment)
    assessments.finish(member, assessment)
    client = logged_in(client, member)
    refused = client.post(
        f"/arbeidsrom/{agder.key}/2027/steg/analyse/", step_post("analyse", 1, 0, "Endret?")
    )
    assert refused.status_code in (200, 302)
    assert assessments.view_of(assessment).steps[0].factors[0].score == 3
    client.post(f"/arbeidsrom/{agder.key}/2027/status/", {"reopen": "1"})
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT


def test_every_change_is_kept_with_who_and_when(client, agder, assessment, member):
    colleague = county_member(agder, "kollega@agder.example", name="Per Kollega")
    logged_in(client, member).post(
        f"/arbeidsrom/{agder.key}/2027/steg/analyse/", step_post("analyse", 0, 2, "Første.")
    )
    logged_in(client, colleague).post(
        f"/arbeidsrom/{agder.key}/2027/steg/analyse/", step_post("analyse", 1, 3, "Andre.")
    )
    log = client.get(f"/arbeidsrom/{agder.key}/2027/endringer/").text
    assert "Mia Medlem" in log and "Per Kollega" in log
    assert "Første." in log and "Andre." in log
    assert "1. mars 2027" in log


def test_only_web_links_are_kept(client, agder, assessment, member):
    factor = factors_for_step("analyse")[0]
    data = step_post("analyse", 0, 2, "Tekst som skal stå.")
    data[f"{factor.key}-document_url"] = "javascript:alert(1)"
    response = logged_in(client, member).post(f"/arbeidsrom/{agder.key}/2027/steg/analyse/", data)
    assert response.status_code == 200
    assert "Lenken må begynne med https:// eller http://." in response.text
    assert "Tekst som skal stå." in response.text  # nothing typed is lost
    assert assessments.view_of(assessment).steps[0].factors[0].score is None


# --- Two members on one step ----------------------------------------------------------------------


def test_a_stale_save_is_refused_and_loses_nothing(client, agder, assessment, member):
    colleague = county_member(agder, "kollega@agder.example", name="Per Kollega")
    url = f"/arbeidsrom/{agder.key}/2027/steg/analyse/"
    other = client.__class__()
    logged_in(client, member)
    logged_in(other, colleague)
    # Both open the step at version 0; the colleague saves first.
    assert 'name="version" value="0"' in client.get(url).text
    other.get(url)
    other.post(url, step_post("analyse", 0, 4, "Kollegaens begrunnelse."))
    # The member's save, from version 0, is refused; their text stays in the form, and what
    # the colleague saved is shown, by whom.
    refused = client.post(url, step_post("analyse", 0, 1, "Min egen begrunnelse."))
    assert refused.status_code == 409
    assert "Noen andre har lagret dette steget" in refused.text
    assert "Per Kollega" in refused.text and "Kollegaens begrunnelse." in refused.text
    assert "Min egen begrunnelse." in refused.text
    assert 'name="version" value="1"' in refused.text
    first = factors_for_step("analyse")[0]
    assert assessments.view_of(assessment).steps[0].factors[0].score == 4
    # Saving again, now from version 1, keeps what the member has in the form.
    again = client.post(url, step_post("analyse", 1, 1, "Min egen begrunnelse."))
    assert again.status_code == 302
    entry = assessments.view_of(assessment).steps[0].factors[0]
    assert (entry.factor.key, entry.score, entry.row.justification) == (
        first.key,
        1,
        "Min egen begrunnelse.",
    )


def test_a_stale_save_of_the_same_answers_is_no_conflict(agder, assessment, member):
    values = {
        f.key: {"score": 2, "justification": "Likt.", "document_url": ""}
        for f in factors_for_step("visjon")
    }
    editing.save_step(member, assessment, "visjon", values, [], base_version=0)
    assert editing.save_step(member, assessment, "visjon", values, [], base_version=0).changed == 0


def test_the_conflict_rule_holds_in_the_service(agder, assessment, member):
    values = {
        f.key: {"score": 2, "justification": "A", "document_url": ""}
        for f in factors_for_step("visjon")
    }
    editing.save_step(member, assessment, "visjon", values, [], base_version=0)
    changed = {k: {**v, "justification": "B"} for k, v in values.items()}
    with pytest.raises(editing.StepConflict) as raised:
        editing.save_step(member, assessment, "visjon", changed, [], base_version=0)
    assert raised.value.version == 1


# --- Chart and comparison -----------------------------------------------------------------------


def test_the_page_shows_the_chart_with_a_table_of_the_same_numbers(client, agder, member):
    last = assessments.start_assessment(member, agder, 2026)
    score_everything(member, last, score=2)
    now = assessments.start_assessment(member, agder, 2027)
    score_everything(member, now, score=4)
    html = logged_in(client, member).get(f"/arbeidsrom/{agder.key}/2027/").text
    assert html.count("<svg") == 1 and 'role="img"' in html
    assert "<caption>Snitt per steg (0–5)</caption>" in html
    assert html.count("<td>4,0</td>") == 6 and html.count("<td>2,0</td>") == 6
    compare = client.get(f"/arbeidsrom/{agder.key}/2027/sammenligning/").text
    assert compare.count("<td>+2</td>") == 18


# --- The national picture -----------------------------------------------------------------------


def _finished(workspace, email, score, year=2027, shares=True):
    workspace.shares_with_ministry = shares
    workspace.save()
    someone = county_member(workspace, email)
    one = assessments.start_assessment(someone, workspace, year)
    score_everything(someone, one, score=score)
    return assessments.finish(someone, one)


def test_a_county_that_does_not_share_is_in_no_national_figure(client, agder, vestland, ministry):
    _finished(agder, "a@agder.example", 2)
    _finished(vestland, "v@vestland.example", 5, shares=False)
    _finished(vestland, "v2@vestland.example", 4, year=2026, shares=False)
    picture = national.picture(2027)
    assert picture.sharing_count == 1
    for entry in picture.factors:
        assert entry.levels[2] == ["Agder"] and sum(map(len, entry.levels)) == 1
        assert entry.now_mean == 2 and entry.then_mean is None and entry.paired == 0
    assert dict(picture.counties)["Vestland"] is None
    assert dict(picture.counties)["Agder"] == agder.key
    client.force_login(ministry)
    html = client.get("/arbeidsrom/nasjonalt/").text
    assert "1: Agder" in html and "Vestland: ingen delt ferdig vurdering" in html
    assert "1: Vestland" not in html
    book = load_workbook(__import__("io").BytesIO(client.get("/arbeidsrom/nasjonalt.xlsx").content))
    cells = [
        str(c.value) for sheet in book.worksheets[1:] for row in sheet.iter_rows() for c in row
    ]
    assert not any("Vestland" in cell for cell in cells)
    assert any("Agder" in cell for cell in cells)


def test_the_national_picture_shows_change_since_last_year(agder, vestland):
    _finished(agder, "a@agder.example", 2, year=2026)
    _finished(agder, "a2@agder.example", 3)
    _finished(vestland, "v@vestland.example", 4)
    picture = national.picture(2027)
    entry = picture.factors[0]
    assert (entry.then_mean, entry.now_mean, entry.paired, entry.up) == (2, 3.5, 1, 1)
    assert entry.levels[3] == ["Agder"] and entry.levels[4] == ["Vestland"]
    assert len(picture.factors) == len(all_factors())


def test_staff_invite_a_coordinator_in_the_admin(client, ministry, run_tasks):
    from django.contrib.auth.models import Permission
    from django.core import mail

    ministry.user_permissions.add(Permission.objects.get(codename="invite_coordinator"))
    client.force_login(ministry)
    page = client.get("/admin/portal/workspace/inviter/")
    assert page.status_code == 200
    response = client.post(
        "/admin/portal/workspace/inviter/",
        {"county": "15", "name": "Kari Koordinator", "email": "kari@mr.example"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="kari@mr.example")
    assert membership.is_coordinator and membership.workspace.county == "15"
    assert not membership.user.is_staff and not membership.user.has_usable_password()
    run_tasks("default")
    assert mail.outbox[-1].to == ["kari@mr.example"]
    assert "/arbeidsrom/logg-inn/" in mail.outbox[-1].body
    listing = client.get("/admin/portal/workspace/")
    assert "kari@mr.example" in listing.text and "Inviter fylkets koordinator" in listing.text
    change = client.get(f"/admin/portal/workspace/{membership.workspace.pk}/change/")
    assert change.status_code == 200 and "kari@mr.example" in change.text


def test_staff_without_the_permission_cannot_invite(client, ministry):
    client.force_login(ministry)
    assert client.get("/admin/portal/workspace/inviter/").status_code == 403
    assert members.Workspace.objects.count() == 0

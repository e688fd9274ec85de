"""Shared set-up for the workspace tests: two counties, their members, ministry staff."""

import pytest
from django.contrib.auth.models import Permission, User

from portal.models import Membership
from portal.workspace import members
from portal.workspace.assessments import start_assessment
from portal.workspace.editing import save_step
from portal.workspace.factors import STEP_SLUGS, factors_for_step


def county_member(workspace, email, role=Membership.Role.MEMBER, name="Kari Nordmann"):
    return members.invite(workspace, email, name=name, role=role, invited_by=None).user


def staff(username, *perms):
    user = User.objects.create_user(username, password="et-langt-passord-1", is_staff=True)
    for perm in perms:
        _app, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return User.objects.get(pk=user.pk)  # without the cached permissions


def score_everything(user, assessment, score=3, text="Vi bygger på analysen fra 2026."):
    from portal.models import StepAssessment

    for slug in STEP_SLUGS:
        row = StepAssessment.objects.get(assessment=assessment, step_slug=slug)
        values = {
            f.key: {"score": score, "justification": text, "document_url": ""}
            for f in factors_for_step(slug)
        }
        save_step(user, assessment, slug, values, [], base_version=row.version)


@pytest.fixture
def agder(db):
    return members.workspace_for_county("42")


@pytest.fixture
def vestland(db):
    return members.workspace_for_county("46")


@pytest.fixture
def coordinator(agder):
    return county_member(
        agder, "koordinator@agder.example", Membership.Role.COORDINATOR, "Kim Koordinator"
    )


@pytest.fixture
def member(agder):
    return county_member(agder, "medlem@agder.example", name="Mia Medlem")


@pytest.fixture
def other_member(vestland):
    return county_member(vestland, "medlem@vestland.example", name="Ola Vestland")


@pytest.fixture
def ministry(db):
    return staff("departement", "portal.view_national_picture")


@pytest.fixture
def plain_staff(db):
    return staff("annen-ansatt")


@pytest.fixture
def assessment(agder, member):
    return start_assessment(member, agder, 2027)

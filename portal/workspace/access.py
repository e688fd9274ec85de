"""Who may see and change what in the county workspaces: the one place that decides.

Every view, export and figure gets its rows through these functions, never through a bare
`Workspace.objects` or `Assessment.objects`:

- a county member (an active account that is neither staff nor superuser, with a membership)
  reads and changes only the workspaces they are a member of;
- ministry staff past the second factor, with the permission `portal.view_national_picture`,
  read only the *finished* assessments of the counties that chose to share them, and change
  nothing;
- everyone else reads nothing.

A row that is not readable is answered as if it did not exist (404), so an address or an id
tells nobody whether another county has a workspace or an assessment.
"""

from django.db.models import QuerySet

from portal.models import Assessment, Membership, Workspace
from portal.staff import is_verified_staff

NATIONAL_PERMISSION = "portal.view_national_picture"
INVITE_PERMISSION = "portal.invite_coordinator"


def is_county_account(user) -> bool:
    """An account that may be a member: never staff, so a link never logs in a staff account."""
    return bool(
        user.is_authenticated and user.is_active and not user.is_staff and not user.is_superuser
    )


def sees_national_picture(user) -> bool:
    return is_verified_staff(user) and user.has_perm(NATIONAL_PERMISSION)


def memberships(user) -> QuerySet[Membership]:
    if not is_county_account(user):
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("workspace")


def member_workspaces(user) -> QuerySet[Workspace]:
    """The workspaces `user` is a member of: the only ones they may change."""
    if not is_county_account(user):
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user=user)


def shared_finished() -> QuerySet[Assessment]:
    """What the ministry may read: finished assessments of counties that share them."""
    return Assessment.objects.filter(
        status=Assessment.Status.FINISHED, workspace__shares_with_ministry=True
    )


def readable_assessments(user) -> QuerySet[Assessment]:
    if is_county_account(user):
        return Assessment.objects.filter(workspace__memberships__user=user)
    if sees_national_picture(user):
        return shared_finished()
    return Assessment.objects.none()


def writable_assessments(user) -> QuerySet[Assessment]:
    return Assessment.objects.filter(workspace__in=member_workspaces(user))


def membership_in(user, workspace: Workspace) -> Membership | None:
    return memberships(user).filter(workspace=workspace).first()

"""Members of a county workspace: invited by e-mail, removed by a coordinator.

Ministry staff with `portal.invite_coordinator` invite a county's coordinator (the admin);
a coordinator invites colleagues and removes them. Each member has a county account of their
own, separate from any staff account with the same address: it is never staff, has no usable
password, and logs in only with a link (portal/workspace/login.py). Removing the last
membership deactivates the account; the change history keeps its name.
"""

import uuid
from functools import partial

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import Membership, Workspace
from portal.staff import is_verified_staff
from portal.workspace.access import INVITE_PERMISSION, membership_in
from portal.workspace.login import normalise_address


def workspace_for_county(county: str) -> Workspace:
    workspace, _created = Workspace.objects.get_or_create(county=county)
    return workspace


def _account(address: str, name: str):
    User = get_user_model()
    user = (
        User.objects.filter(email__iexact=address, is_staff=False, is_superuser=False)
        .order_by("pk")
        .first()
    )
    if user is None:
        user = User(username=f"arbeidsrom-{uuid.uuid4().hex[:16]}", email=address)
        user.set_unusable_password()
    user.is_active = True
    if name and not user.get_full_name():
        first, _sep, last = name.strip().partition(" ")
        user.first_name, user.last_name = first[:150], last[:150]
    user.save()
    return user


def invite(
    workspace: Workspace,
    address: str,
    *,
    name: str = "",
    role: str = Membership.Role.MEMBER,
    invited_by,
    language: str = "nb",
) -> Membership:
    """Make `address` a member of `workspace` and e-mail them (after the commit). Inviting a
    member again sends the invitation again; a coordinator stays a coordinator."""
    address = normalise_address(address)
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(_("Skriv en gyldig e-postadresse.")) from None
    from portal.workspace import tasks  # the task module imports this package's services

    with transaction.atomic():
        user = _account(address, name)
        membership, created = Membership.objects.get_or_create(
            workspace=workspace, user=user, defaults={"role": role, "invited_by": invited_by}
        )
        if not created and role == Membership.Role.COORDINATOR and not membership.is_coordinator:
            membership.role = role
            membership.save(update_fields=["role"])
        transaction.on_commit(
            partial(tasks.mail_invitation.enqueue, membership.pk, language), robust=True
        )
    return membership


def staff_invite_coordinator(staff_user, county: str, address: str, *, name: str = ""):
    if not (is_verified_staff(staff_user) and staff_user.has_perm(INVITE_PERMISSION)):
        raise PermissionDenied
    workspace = workspace_for_county(county)
    return invite(
        workspace, address, name=name, role=Membership.Role.COORDINATOR, invited_by=staff_user
    )


def coordinator_invite(user, workspace: Workspace, address: str, *, name: str, language: str):
    own = membership_in(user, workspace)
    if own is None or not own.is_coordinator:
        raise PermissionDenied
    return invite(workspace, address, name=name, invited_by=user, language=language)


def remove(user, workspace: Workspace, membership_id: int) -> Membership:
    """A coordinator removes another member of their own workspace."""
    own = membership_in(user, workspace)
    if own is None or not own.is_coordinator:
        raise PermissionDenied
    with transaction.atomic():
        membership = (
            Membership.objects.select_related("user")
            .filter(workspace=workspace, pk=membership_id)
            .exclude(pk=own.pk)
            .first()
        )
        if membership is None:
            raise Membership.DoesNotExist
        member = membership.user
        membership.delete()
        if not Membership.objects.filter(user=member).exists():
            member.is_active = False
            member.save(update_fields=["is_active"])
    return membership


def display_name(user) -> str:
    return user.get_full_name() or user.email or user.get_username()

"""Getting in and managing who is in: the login link, logging out, members, sharing.

Every page here is for one person and never cached (`never_cache`: private, no-store).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from portal.models import Membership, Workspace
from portal.workspace import login, members
from portal.workspace.access import (
    is_county_account,
    member_workspaces,
    membership_in,
    memberships,
    sees_national_picture,
)
from portal.workspace.forms import InviteForm, LinkRequestForm, SharingForm


def _landing(workspace: Workspace, step_slug: str | None) -> str:
    """From a step page's "Vurder dere selv": that step of this year's assessment, if started."""
    from portal.workspace.assessments import current_year
    from portal.workspace.factors import STEP_SLUGS

    year = current_year()
    if step_slug in STEP_SLUGS and workspace.assessments.filter(year=year).exists():
        return reverse("portal:workspace_step", args=[workspace.key, year, step_slug])
    return reverse("portal:workspace_detail", args=[workspace.key])


def _minutes() -> int:
    return settings.SESAME_MAX_AGE // 60


@never_cache
def home(request):
    """/arbeidsrom/: a member's workspace, staff's national picture, or the way in."""
    if is_county_account(request.user):
        own = list(memberships(request.user))
        if len(own) == 1:
            return redirect(_landing(own[0].workspace, request.GET.get("steg")))
        if own:
            return render(request, "portal/workspace/choose.html", {"memberships": own})
    if sees_national_picture(request.user):
        return redirect("portal:workspace_national")
    return redirect("portal:workspace_login")


@never_cache
def login_request(request):
    if request.method == "POST":
        form = LinkRequestForm(request.POST)
        if form.is_valid():
            outcome = login.request_link(
                request, form.cleaned_data["email"], language=get_language()
            )
            if not outcome.allowed:
                minutes = max(1, round(outcome.retry_after / 60))
                response = render(
                    request,
                    "portal/workspace/link_rate_limited.html",
                    {"minutes": minutes},
                    status=429,
                )
                response["Retry-After"] = str(outcome.retry_after)
                return response
            return render(
                request,
                "portal/workspace/link_sent.html",
                {"email": form.cleaned_data["email"], "minutes": _minutes()},
            )
    else:
        form = LinkRequestForm()
    return render(request, "portal/workspace/login.html", {"form": form})


@never_cache
@sensitive_post_parameters("token")
def link(request, token):
    """The link in the e-mail. GET only shows the button (a mail scanner that opens the link
    uses nothing up); the POST logs in."""
    if request.method == "POST":
        user = login.log_in_with_link(request, request.POST.get("token", ""))
        if user is not None:
            return redirect("portal:workspace_home")
        return render(
            request, "portal/workspace/link_invalid.html", {"minutes": _minutes()}, status=400
        )
    if login.link_account(token) is None:
        return render(
            request, "portal/workspace/link_invalid.html", {"minutes": _minutes()}, status=400
        )
    return render(request, "portal/workspace/link.html", {"token": token})


@never_cache
@require_POST
def logout_view(request):
    if is_county_account(request.user):
        logout(request)
    return redirect("portal:workspace_login")


def own_workspace(request, key) -> tuple[Workspace, Membership]:
    """The workspace at `key` if the user is a member, else 404 (never 403: an address tells
    nobody whether another county's workspace exists)."""
    if not is_county_account(request.user):
        raise Http404
    workspace = get_object_or_404(member_workspaces(request.user), key=key)
    return workspace, membership_in(request.user, workspace)


def needs_login(view):
    """Anonymous visitors are sent to log in; what the others may see, the view decides."""

    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("portal:workspace_login")
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@never_cache
@needs_login
def member_list(request, key):
    workspace, own = own_workspace(request, key)
    form = InviteForm()
    if request.method == "POST":
        if not own.is_coordinator:
            raise PermissionDenied
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                members.coordinator_invite(
                    request.user,
                    workspace,
                    form.cleaned_data["email"],
                    name=form.cleaned_data["name"],
                    language=get_language(),
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(
                    request,
                    _("Invitasjonen er sendt til %(email)s.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("portal:workspace_members", workspace.key)
    rows = workspace.memberships.select_related("user", "invited_by").order_by(
        "role", "user__first_name", "user__email"
    )
    return render(
        request,
        "portal/workspace/members.html",
        {"workspace": workspace, "own": own, "rows": rows, "form": form},
    )


@never_cache
@needs_login
@require_POST
def member_remove(request, key, pk):
    workspace, _own = own_workspace(request, key)
    try:
        removed = members.remove(request.user, workspace, pk)
    except Membership.DoesNotExist:
        raise Http404 from None
    messages.success(
        request,
        _("%(name)s er fjernet fra arbeidsrommet.") % {"name": members.display_name(removed.user)},
    )
    return redirect("portal:workspace_members", workspace.key)


@never_cache
@needs_login
def sharing(request, key):
    workspace, own = own_workspace(request, key)
    initial = {"shares": "1" if workspace.shares_with_ministry else "0"}
    form = SharingForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not own.is_coordinator:
            raise PermissionDenied
        if form.is_valid():
            workspace.shares_with_ministry = form.cleaned_data["shares"]
            workspace.save(update_fields=["shares_with_ministry"])
            messages.success(request, _("Valget er lagret."))
            return redirect("portal:workspace_detail", workspace.key)
    return render(
        request, "portal/workspace/sharing.html", {"workspace": workspace, "own": own, "form": form}
    )

"""The county workspaces in the admin: which counties have one, their members, and the page
where staff with `portal.invite_coordinator` invite a county's coordinator by e-mail.

Staff see who is a member here, never the assessments: those are read in the workspace itself,
and only where a county shares its finished ones (portal/workspace/access.py).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from portal.models import Membership, Workspace
from portal.models.choices import REAL_COUNTIES
from portal.workspace import members
from portal.workspace.access import INVITE_PERMISSION, NATIONAL_PERMISSION


class InviteCoordinatorForm(forms.Form):
    county = forms.ChoiceField(label="Fylke", choices=[(c.code, c.name) for c in REAL_COUNTIES])
    name = forms.CharField(label="Navn", max_length=150)
    email = forms.EmailField(label="E-postadresse", max_length=254)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "workspace"
    extra = 0
    fields = ["user_email", "role", "created_at", "invited_by"]
    readonly_fields = ["user_email", "role", "created_at", "invited_by"]
    can_delete = True
    verbose_name = "medlem"
    verbose_name_plural = "medlemmer (koordinatoren inviterer og fjerner resten i arbeidsrommet)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(INVITE_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(INVITE_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(INVITE_PERMISSION)

    @admin.display(description="e-post")
    def user_email(self, obj):
        return obj.user.email


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["county_display", "coordinators", "member_count", "shares_with_ministry"]
    fields = ["county", "shares_with_ministry", "created_at"]
    readonly_fields = ["county", "shares_with_ministry", "created_at"]
    inlines = [MembershipInline]
    change_list_template = "admin/portal/workspace/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships__user")

    def has_module_permission(self, request):
        return request.user.has_perm(INVITE_PERMISSION) or request.user.has_perm(
            NATIONAL_PERMISSION
        )

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(INVITE_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(INVITE_PERMISSION)  # the inline: removing a member

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="fylke", ordering="county")
    def county_display(self, obj):
        return obj.county_name

    @admin.display(description="koordinator")
    def coordinators(self, obj):
        return ", ".join(m.user.email for m in obj.memberships.all() if m.is_coordinator) or "–"

    @admin.display(description="medlemmer")
    def member_count(self, obj):
        return len(obj.memberships.all())

    def changelist_view(self, request, extra_context=None):
        extra = {
            **(extra_context or {}),
            "can_invite": request.user.has_perm(INVITE_PERMISSION),
            "national_url": reverse("portal:workspace_national")
            if request.user.has_perm(NATIONAL_PERMISSION)
            else "",
        }
        return super().changelist_view(request, extra)

    def get_urls(self):
        return [
            path(
                "inviter/",
                self.admin_site.admin_view(self.invite_view),
                name="portal_workspace_invite",
            ),
            *super().get_urls(),
        ]

    def invite_view(self, request):
        if not request.user.has_perm(INVITE_PERMISSION):
            raise PermissionDenied
        form = InviteCoordinatorForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                members.staff_invite_coordinator(
                    request.user, data["county"], data["email"], name=data["name"]
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(request, f"Invitasjonen er sendt til {data['email']}.")
                return redirect("admin:portal_workspace_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Inviter fylkets koordinator",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/portal/workspace/invite.html", context)

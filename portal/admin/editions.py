"""Editions in the admin: the list of what is pending, sent for approval and scheduled, and each
edition's page with its workflow buttons. Editing happens in the object's own change form
(portal/admin/edition_forms.py); the rules are portal.editions.services'."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from portal import diff
from portal.editions import compare, services
from portal.editions.errors import EditConflict, EditionRefused
from portal.models import Edition, Removal


def edit_url(edition: Edition) -> str:
    opts = edition.model._meta
    object_id = edition.object_id or f"ny-{edition.pk}"
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["title_link", "kind", "state", "last_editor", "updated_at", "publish_at"]
    list_filter = ["state", "content_type"]
    list_select_related = ["content_type", "last_editor"]
    search_fields = ["data__fields__title_nb", "data__fields__name_nb", "note"]
    date_hierarchy = "updated_at"
    readonly_fields = [
        "kind",
        "title",
        "state",
        "author",
        "created_at",
        "last_editor",
        "updated_at",
        "submit_message",
        "reviewer_comment",
        "publish_at",
        "unpublish_at",
        "note",
        "substantial",
        "decided_by",
        "published_at",
    ]
    fields = readonly_fields
    change_form_template = "admin/portal/edition/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="type")
    def kind(self, edition):
        return edition.model._meta.verbose_name

    @admin.display(description="tittel")
    def title_link(self, edition):
        return format_html('<a href="{}">{}</a>', edit_url(edition), edition.title)

    def get_urls(self):
        view = self.admin_site.admin_view(self.compare_view)
        return [
            path("<int:pk>/sammenlign/", view, name="portal_edition_compare"),
            *super().get_urls(),
        ]

    def compare_view(self, request, pk):
        edition = get_object_or_404(Edition, pk=pk)
        if not self.has_view_permission(request, edition):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"Sammenlign: {edition.title}",
            "edition": edition,
            "rows": compare.compare(edition),
            "legend": diff.legend(),
            "edit_url": edit_url(edition),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/portal/edition/compare.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        edition = self.get_object(request, object_id)
        if request.method == "POST" and edition is not None:
            return self._act(request, edition)
        context = {
            **(extra_context or {}),
            "edit_url": edit_url(edition) if edition else "",
            "can_publish": edition and services.can_publish(request.user, edition.model),
        }
        return super().change_view(request, object_id, form_url, context)

    def _act(self, request, edition):
        user, post = request.user, request.POST
        try:
            if "_submit" in post:
                services.submit(edition, user, message=post.get("message", ""))
                done = "Utgaven er sendt til godkjenning."
            elif "_return" in post:
                services.return_to_editor(edition, user, comment=post.get("message", ""))
                done = "Utgaven er sendt tilbake til redaktøren."
            elif "_withdraw" in post:
                services.withdraw(edition, user)
                done = "Utgaven er et utkast igjen."
            elif "_discard" in post:
                services.discard(edition, user)
                done = "Utgaven er trukket."
            else:
                return redirect(request.path)
        except (EditionRefused, EditConflict) as error:
            self.message_user(
                request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR
            )
        else:
            self.message_user(request, done, messages.SUCCESS)
        return redirect(request.path)


@admin.register(Removal)
class RemovalAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "removed_at", "scheduled_for", "see_instead", "redirect"]
    fields = ["title", "see_instead", "redirect", "scheduled_for", "removed_at"]
    readonly_fields = ["title", "scheduled_for", "removed_at"]

    def has_add_permission(self, request):
        return False

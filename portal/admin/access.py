"""Innsynslogg: who read or exported input. Read-only, and for the superuser alone: the log
says who looked at whose input, which is itself a fact about staff that few need to see."""

from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from portal.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "count", "references_short", "selection"]
    list_filter = ["action"]
    search_fields = ["username", "references", "selection"]
    date_hierarchy = "at"
    list_per_page = 100
    fields = ["at", "username", "action", "count", "references", "selection", "file_format"]
    readonly_fields = fields

    @admin.display(description=_("innspill"))
    def references_short(self, obj):
        return Truncator(obj.references).chars(60)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

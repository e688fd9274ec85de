"""Staff read the answers to "Var denne siden nyttig?": each answer, and a count per page.
Read-only: the answers come from readers; purge_feedback blanks old comments."""

from django.contrib import admin
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _

from portal.models import PageRating


@admin.register(PageRating)
class PageRatingAdmin(admin.ModelAdmin):
    list_display = ("created_at", "path", "language", "useful", "short_comment")
    list_filter = ("useful", "language", "created_at")
    search_fields = ("path", "comment")
    date_hierarchy = "created_at"
    change_list_template = "admin/portal/pagerating/change_list.html"
    readonly_fields = ("path", "language", "useful", "comment", "created_at")

    @admin.display(description=_("kommentar"))
    def short_comment(self, rating):
        return truncatechars(rating.comment, 80)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:  # the counts follow the filters chosen in the list
            response.context_data["per_page"] = list(changelist.queryset.per_page()[:100])
        return response

"""The content models' history in the admin, as staff read it (portal.history presents it):
a mixin for simple-history's admin with the portal's own history list and version page, and a
revert that says what it restored."""

from django.shortcuts import get_object_or_404
from simple_history.utils import get_history_model_for_model

from portal import diff, history


class HistoryDisplayMixin:
    """Put before SimpleHistoryAdmin in the bases."""

    object_history_template = "admin/portal/history/object_history.html"
    object_history_list_template = "admin/portal/history/list.html"
    object_history_form_template = "admin/portal/history/version.html"
    # Each version shows its diff; a page of them stays quick to build.
    history_list_per_page = 25

    def history_view(self, request, object_id, extra_context=None):
        context = {"diff_legend": diff.legend(), **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # simple-history's deltas (shortened raw values) are replaced by the portal's entries.
        historical_records.portal_entries = history.entries(self.model, historical_records)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        record = get_object_or_404(
            get_history_model_for_model(self.model),
            **{self.model._meta.pk.attname: object_id, "history_id": version_id},
        )
        if request.method == "POST":
            # The save below restores this version: save_model gives it its change reason.
            request.portal_reverted_version = record
        context = {
            "history_entry": history.version_entry(self.model, record),
            "diff_legend": diff.legend(),
        }
        context.update(extra_context or {})
        return super().history_form_view(request, object_id, version_id, context)

    def save_model(self, request, obj, form, change):
        reverted = getattr(request, "portal_reverted_version", None)
        if reverted is not None:
            obj._change_reason = history.revert_reason(reverted)
        super().save_model(request, obj, form, change)

"""The endringslogg in the admin: changes made to the guide because of input, with the input
behind each. Shown to the public once the round has closed (portal/feedback/views.py)."""

from django import forms
from django.contrib import admin
from django.db.models import Count

from portal.feedback.handling import picker_label
from portal.models import GuideChange


class GuideChangeAdminForm(forms.ModelForm):
    class Meta:
        model = GuideChange
        fields = ["consultation", "title", "note", "chapter", "step", "changed_on", "feedback"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["feedback"]
        # The inputs already chosen, as the picker's search shows them (PortalAdminSite).
        field.queryset = field.queryset.prefetch_related("answers")
        field.label_from_instance = picker_label

    def clean(self):
        cleaned = super().clean()
        consultation = cleaned.get("consultation")
        linked = cleaned.get("feedback")
        if consultation and linked is not None:
            others = [item.reference for item in linked if item.consultation_id != consultation.pk]
            if others:
                self.add_error(
                    "feedback",
                    "Disse innspillene hører til en annen innspillsrunde: " + ", ".join(others),
                )
        if cleaned.get("chapter") and cleaned.get("step"):
            self.add_error("step", "Velg enten et kapittel eller et steg.")
        return cleaned


@admin.register(GuideChange)
class GuideChangeAdmin(admin.ModelAdmin):
    form = GuideChangeAdminForm
    list_display = ["title", "consultation", "changed_on", "page_display", "feedback_count"]
    list_filter = ["consultation"]
    search_fields = ["title", "note"]
    date_hierarchy = "changed_on"
    autocomplete_fields = ["feedback"]
    list_select_related = ["consultation", "chapter", "step"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(feedback_total=Count("feedback"))

    @admin.display(description="side")
    def page_display(self, obj):
        return obj.page or "Hele veilederen"

    @admin.display(description="innspill", ordering="feedback_total")
    def feedback_count(self, obj):
        return obj.feedback_total

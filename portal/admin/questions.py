"""A consultation's questions inline on its change form, as its edition has them.

A question that already has answers keeps its wording (each answer was given to it): its text
and help are shown but not editable, it cannot be deleted, and a short note says to add a new
question instead. portal.editions.live.check_questions refuses a rewording anyway; the form
matches it so an editor never meets that error.
"""

from django import forms
from django.contrib import admin
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.functional import cached_property
from modeltranslation.admin import TranslationTabularInline

from portal.editions.snapshot import question_instances
from portal.models import ConsultationQuestion

ANSWERED_NOTE = "Har fått svar – kan ikke endres. Legg til et nytt spørsmål i stedet."
LOCKED_WHEN_ANSWERED = ("text_nb", "text_nn", "help_text_nb", "help_text_nn")


class EditionQuestionFormSet(forms.BaseInlineFormSet):
    """The questions as the consultation's edition has them (or as they are live)."""

    def get_queryset(self):
        edition = getattr(self.instance, "_edition", None)
        if edition is None:
            return super().get_queryset()
        return [q for q in question_instances(self.instance, edition.data) if q.pk]

    @cached_property
    def answered(self) -> set[int]:
        if self.instance is None or self.instance.pk is None:
            return set()
        rows = ConsultationQuestion.objects.filter(
            consultation=self.instance, answers__isnull=False
        )
        return set(rows.values_list("pk", flat=True))

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if form.instance.pk is None or form.instance.pk not in self.answered:
            return
        # Disabled fields keep the stored value whatever is posted.
        for name in LOCKED_WHEN_ANSWERED:
            if name in form.fields:
                form.fields[name].disabled = True
        if DELETION_FIELD_NAME in form.fields:
            deletion = form.fields[DELETION_FIELD_NAME]
            deletion.disabled, deletion.widget = True, forms.HiddenInput()


class ConsultationQuestionInline(TranslationTabularInline):
    model = ConsultationQuestion
    formset = EditionQuestionFormSet
    readonly_fields = ["answered_note"]
    extra = 1

    def get_extra(self, request, obj=None, **kwargs):
        edition = getattr(request, "_edition", None)
        new = [q for q in (edition.data.get("questions", []) if edition else []) if not q["id"]]
        return len(new) + 1

    @admin.display(description="merknad")
    def answered_note(self, question):
        if question.pk and question.answers.exists():
            return ANSWERED_NOTE
        return ""

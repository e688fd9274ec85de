from django.contrib import admin, messages
from markdownx.models import MarkdownxField
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from portal import publishing
from portal.admin.editor import MarkdownEditorWidget
from portal.admin.history import HistoryDisplayMixin
from portal.admin.ordering import MoveInPartMixin
from portal.admin.publication import PublicationCheckAdmin
from portal.models import (
    Chapter,
    Consultation,
    ConsultationQuestion,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
    Theme,
)


def both_forms(*fields: str) -> list[str]:
    """Admin search looks in the bokmål and the nynorsk text alike."""
    return [f"{field}_{form}" for field in fields for form in ("nb", "nn")]


class ContentAdmin(HistoryDisplayMixin, SimpleHistoryAdmin, TranslationAdmin):
    """History (presented by portal.history), and each translatable field as a bokmål and a
    nynorsk field one after the other (portal/translation.py): bokmål required where the field
    is, nynorsk always optional."""

    formfield_overrides = {MarkdownxField: {"widget": MarkdownEditorWidget}}


class PublishableAdmin(PublicationCheckAdmin, ContentAdmin):
    """Editors write drafts; publishing needs the separate publish permission (group Publisist).
    The rules are portal.publishing's; this class only presents them (publication checks:
    portal/admin/publication.py)."""

    formfield_overrides = {MarkdownxField: {"widget": MarkdownEditorWidget}}
    list_filter = ["status"]
    readonly_fields = ["first_published_at", "updated_at"]
    actions = ["publish", "unpublish"]

    def has_publish_permission(self, request):
        return publishing.can_publish(request.user, self.model)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields.append("status")
        return fields

    def save_model(self, request, obj, form, change):
        previous = type(obj).objects.filter(pk=obj.pk).values_list("status", flat=True).first()
        publishing.apply_status_change(obj, request.user, previous)
        super().save_model(request, obj, form, change)

    @admin.action(description="Publiser valgte", permissions=["publish"])
    def publish(self, request, queryset):
        for obj in queryset:
            publishing.publish(obj, request.user)
        self.message_user(request, "De valgte er publisert.", messages.SUCCESS)

    @admin.action(description="Gjør valgte om til utkast", permissions=["publish"])
    def unpublish(self, request, queryset):
        for obj in queryset:
            publishing.unpublish(obj, request.user)
        self.message_user(request, "De valgte er gjort om til utkast.", messages.SUCCESS)


@admin.register(Chapter)
class ChapterAdmin(MoveInPartMixin, PublishableAdmin):
    list_display = ["title", "part", "order", "status", "updated_at"]
    list_filter = ["status", "part"]
    list_editable = []
    search_fields = [*both_forms("title", "lead", "body"), "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["steps"]


@admin.register(ProcessStep)
class ProcessStepAdmin(PublishableAdmin):
    list_display = ["order", "name", "status", "updated_at"]
    search_fields = both_forms("name", "summary", "body")
    ordering = ["order"]


@admin.register(ExampleCase)
class ExampleCaseAdmin(PublishableAdmin):
    list_display = ["title", "kind", "region", "status", "updated_at"]
    list_filter = ["status", "kind", "steps", "themes"]
    search_fields = both_forms("title", "summary", "body", "region")
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["steps", "themes", "sources"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(PublishableAdmin):
    list_display = ["term", "status", "updated_at"]
    search_fields = both_forms("term", "definition")
    prepopulated_fields = {"slug": ["term"]}


@admin.register(Source)
class SourceAdmin(PublishableAdmin):
    list_display = ["title", "kind", "publisher", "year", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "publisher", *both_forms("note")]


@admin.register(Page)
class PageAdmin(PublishableAdmin):
    list_display = ["title", "slug", "status", "updated_at"]
    search_fields = both_forms("title", "body")


@admin.register(Theme)
class ThemeAdmin(ContentAdmin):
    list_display = ["name", "slug"]
    search_fields = both_forms("name", "description")
    prepopulated_fields = {"slug": ["name"]}


class ConsultationQuestionInline(TranslationTabularInline):
    model = ConsultationQuestion
    extra = 1


@admin.register(Consultation)
class ConsultationAdmin(PublishableAdmin):
    list_display = ["title", "opens_at", "closes_at", "status"]
    search_fields = both_forms("title", "introduction")
    inlines = [ConsultationQuestionInline]
    prepopulated_fields = {"slug": ["title"]}

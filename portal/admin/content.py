from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from markdownx.models import MarkdownxField
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal import publishing
from portal.admin.edition_forms import EditionAdminMixin
from portal.admin.editor import MarkdownEditorWidget
from portal.admin.history import HistoryDisplayMixin
from portal.admin.ordering import MoveInPartMixin
from portal.admin.publication import PublicationCheckAdmin
from portal.admin.questions import ConsultationQuestionInline
from portal.admin.unpublishing import UnpublishAdminMixin
from portal.editions import services as editions
from portal.editions.errors import EditConflict, EditionRefused
from portal.models import (
    Chapter,
    Consultation,
    Edition,
    ExampleCase,
    GlossaryTerm,
    Page,
    ProcessStep,
    Source,
    Theme,
)
from portal.workbooks.spec import parse_data_sources, parse_workbook


def both_forms(*fields: str) -> list[str]:
    """Admin search looks in the bokmål and the nynorsk text alike."""
    return [f"{field}_{form}" for field in fields for form in ("nb", "nn")]


class EditionStateFilter(admin.SimpleListFilter):
    title = "utgave"
    parameter_name = "utgave"

    def lookups(self, request, model_admin):
        return [
            ("ingen", "Ingen utgave"),
            *[(s, Edition.State(s).label) for s in Edition.PENDING_STATES],
        ]

    def queryset(self, request, queryset):
        if self.value() == "ingen":
            return queryset.filter(pending_edition_state__isnull=True)
        if self.value():
            return queryset.filter(pending_edition_state=self.value())
        return queryset


class ContentAdmin(EditionAdminMixin, HistoryDisplayMixin, SimpleHistoryAdmin, TranslationAdmin):
    """History, and each translatable field as a bokmål and a nynorsk field one after the other
    (portal/translation.py): bokmål required where the field is, nynorsk always optional. Saving
    writes the pending edition (edition_forms.py); publishing needs the publish permission
    (group Publisist). The rules are portal.editions' and portal.publishing's."""

    formfield_overrides = {MarkdownxField: {"widget": MarkdownEditorWidget}}
    actions = ["publish", "submit"]

    def get_queryset(self, request):
        pending = Edition.objects.pending().filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id=OuterRef("pk")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(pending_edition_state=Subquery(pending.values("state")[:1]))
        )

    def get_list_display(self, request):
        return [*super().get_list_display(request), "edition_state"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), EditionStateFilter]

    @admin.display(description="utgave", ordering="pending_edition_state")
    def edition_state(self, obj):
        state = getattr(obj, "pending_edition_state", None)
        return Edition.State(state).label if state else "–"

    def has_publish_permission(self, request):
        return publishing.can_publish(request.user, self.model)

    def _each_pending(self, request, queryset, act, *, otherwise=None) -> int:
        done = 0
        for obj in queryset:
            edition = editions.pending_edition(obj)
            if edition is None:
                if otherwise is not None and otherwise(obj):
                    done += 1
                continue
            try:
                act(edition)
                done += 1
            except (EditionRefused, EditConflict) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                self.message_user(request, f"{obj}: {text}", messages.ERROR)
        return done

    @admin.action(description="Publiser ventende utgaver av valgte", permissions=["publish"])
    def publish(self, request, queryset):
        done = self._each_pending(
            request,
            queryset,
            lambda e: editions.publish_edition(e, request.user, note=e.note),
            otherwise=lambda obj: editions.republish(obj, request.user),
        )
        self.message_user(request, f"De valgte: {done} er publisert.", messages.SUCCESS)

    @admin.action(description="Send utkast av valgte til godkjenning")
    def submit(self, request, queryset):
        done = self._each_pending(request, queryset, lambda e: editions.submit(e, request.user))
        self.message_user(
            request, f"De valgte: {done} utgaver er sendt til godkjenning.", messages.SUCCESS
        )


class PublishableAdmin(UnpublishAdminMixin, PublicationCheckAdmin, ContentAdmin):
    """Publishing checks (portal/admin/publication.py) on top of the editions, and unpublishing
    now or at a minute (portal/admin/unpublishing.py)."""

    list_filter = ["status"]
    readonly_fields = ["status", "first_published_at", "updated_at"]
    actions = ["publish", "submit", "unpublish", "cancel_unpublish"]


@admin.register(Chapter)
class ChapterAdmin(MoveInPartMixin, PublishableAdmin):
    list_display = ["title", "part", "order", "status", "updated_at"]
    list_filter = ["status", "part"]
    list_editable = []
    search_fields = [*both_forms("title", "lead", "body"), "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["steps"]


class ProcessStepForm(forms.ModelForm):
    """The template and the data sources as content/ would accept them, so that an edit here
    can neither break the download nor fail the next export and import."""

    def _parsed(self, field: str, parse):
        try:
            return parse(self.cleaned_data.get(field))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_workbook(self):
        return self._parsed("workbook", parse_workbook)

    def clean_data_sources(self):
        return self._parsed("data_sources", parse_data_sources)


@admin.register(ProcessStep)
class ProcessStepAdmin(PublishableAdmin):
    form = ProcessStepForm
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


@admin.register(Consultation)
class ConsultationAdmin(PublishableAdmin):
    list_display = ["title", "kind", "opens_at", "closes_at", "status"]
    list_filter = ["kind", "status"]
    search_fields = both_forms("title", "introduction")
    inlines = [ConsultationQuestionInline]
    prepopulated_fields = {"slug": ["title"]}

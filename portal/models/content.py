from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from portal.models.base import Publishable, Status, lines

__all__ = [
    "SHORT_VERSION_SLUG",
    "Chapter",
    "ChapterPart",
    "ExampleCase",
    "GlossaryTerm",
    "Page",
    "ProcessStep",
    "Source",
    "Status",
    "Theme",
    "part_order",
]


# The written forms each translatable field has a column for (portal/translation.py adds them):
# a search vector covers both, so a nynorsk query finds nynorsk text.
WRITTEN_FORMS = ("nb", "nn")


def _in_both_forms(*fields: str) -> list[str]:
    return [f"{field}_{form}" for field in fields for form in WRITTEN_FORMS]


def _head(title: str, lead: str | None) -> SearchVector:
    parts = SearchVector(*_in_both_forms(title), config="norwegian", weight="A")
    if lead:
        parts = parts + SearchVector(*_in_both_forms(lead), config="norwegian", weight="B")
    return parts


def weighted_search_vector(title: str, lead: str | None, *body: str) -> models.GeneratedField:
    """A stored, weighted tsvector that PostgreSQL keeps current on every insert and update.

    Title weighs A, lead or summary B, the rest C, in bokmål and nynorsk alike; portal/search.py
    ranks on this column through its GIN index instead of computing to_tsvector per row at query
    time.
    """
    parts = _head(title, lead) + SearchVector(
        *_in_both_forms(*body), config="norwegian", weight="C"
    )
    return models.GeneratedField(
        expression=parts, output_field=SearchVectorField(), db_persist=True, editable=False
    )


def head_search_vector(title: str, lead: str | None) -> models.GeneratedField:
    """Title (A) and lead (B) alone: small enough to rank thousands of matches cheaply when a
    query matches too many documents to rank them all on `search_vector` (portal/search.py)."""
    return models.GeneratedField(
        expression=_head(title, lead),
        output_field=SearchVectorField(),
        db_persist=True,
        editable=False,
    )


# The page that is also the short version's PDF (kortversjon/ and kortversjon.pdf).
SHORT_VERSION_SLUG = "kortversjon"


class Theme(models.Model):
    slug = models.SlugField("kortnavn", unique=True)
    name = models.CharField("navn", max_length=120)
    description = models.TextField("beskrivelse", blank=True)
    import_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    version = models.PositiveIntegerField("versjon", default=1, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "tema"
        verbose_name_plural = "temaer"
        permissions = [("publish_theme", "Kan publisere temaer")]

    def __str__(self) -> str:
        return self.name


class ProcessStep(Publishable):
    order = models.PositiveSmallIntegerField("nummer", unique=True)
    slug = models.SlugField("kortnavn", unique=True)
    name = models.CharField("navn", max_length=120)
    summary = models.TextField("sammendrag")
    body = MarkdownxField("tekst")
    questions = models.TextField(
        "spørsmål å diskutere", blank=True, help_text="Ett spørsmål per linje."
    )
    roles = models.TextField("fylkeskommunens roller", blank=True, help_text="Én rolle per linje.")
    eu_elements = models.TextField(
        "tilsvarende momenter hos EU", blank=True, help_text="Ett moment per linje."
    )
    # The planner's manual for the step (templates/includes/step_*.html): the work in order,
    # who takes part, how long it takes, what it produces, a checklist, the public data sources
    # and a spreadsheet template (portal/workbooks) the portal builds from `workbook`.
    method = models.TextField(
        "slik gjør dere det", blank=True, help_text="Ett arbeidstrinn per linje, i rekkefølge."
    )
    participants = models.TextField("hvem er med", blank=True)
    duration = models.TextField("tidsbruk (tommelfingerregel)", blank=True)
    outcome = models.TextField("hva steget gir", blank=True)
    checklist_before = models.TextField(
        "sjekkliste: før dere starter", blank=True, help_text="Ett punkt per linje."
    )
    checklist_done = models.TextField(
        "sjekkliste: ferdig når", blank=True, help_text="Ett punkt per linje."
    )
    data_sources = models.JSONField(
        "datakilder",
        default=list,
        blank=True,
        help_text="Liste med name, publisher, url og holds (se content/README.md).",
    )
    workbook = models.JSONField(
        "regnearkmal",
        default=dict,
        blank=True,
        help_text="Kolonner og eksempelrad for malen portalen lager (se content/README.md).",
    )

    search_vector = weighted_search_vector(
        "name",
        "summary",
        "body",
        "questions",
        "roles",
        "eu_elements",
        "method",
        "participants",
        "duration",
        "outcome",
        "checklist_before",
        "checklist_done",
    )
    search_head = head_search_vector("name", "summary")

    class Meta:
        ordering = ["order"]
        indexes = [GinIndex(fields=["search_vector"], name="processstep_search")]
        verbose_name = "steg"
        verbose_name_plural = "steg"
        permissions = [("publish_processstep", "Kan publisere steg")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    @property
    def title(self) -> str:  # what every other page calls its heading
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:step_detail", args=[self.slug])

    @property
    def question_list(self) -> list[str]:
        return lines(self.questions)

    @property
    def role_list(self) -> list[str]:
        return lines(self.roles)

    @property
    def eu_element_list(self) -> list[str]:
        return lines(self.eu_elements)

    @property
    def method_list(self) -> list[str]:
        return lines(self.method)

    @property
    def checklist_before_list(self) -> list[str]:
        return lines(self.checklist_before)

    @property
    def checklist_done_list(self) -> list[str]:
        return lines(self.checklist_done)

    @property
    def has_manual(self) -> bool:
        return bool(self.method or self.checklist_before or self.checklist_done)


class ChapterPart(models.TextChoices):
    # In the guide's order; the stored values do not sort that way (see part_order).
    INTRODUCTION = "innledning", "Innledning"
    MAIN = "hoveddel", "Hoveddel"


def part_order() -> models.Case:
    """A chapter's part as its position in the guide (0: innledning, 1: hoveddel): what chapters
    are ordered by before their `order`, so the parts never interleave."""
    return models.Case(
        *(
            models.When(part=value, then=models.Value(rank))
            for rank, value in enumerate(ChapterPart.values)
        ),
        default=models.Value(len(ChapterPart.values)),
        output_field=models.PositiveSmallIntegerField(),
    )


class Chapter(Publishable):
    Part = ChapterPart

    part = models.CharField("del", max_length=12, choices=Part.choices)
    order = models.PositiveSmallIntegerField("rekkefølge")
    slug = models.SlugField("kortnavn", unique=True)
    title = models.CharField("tittel", max_length=200)
    lead = models.TextField("ingress")
    body = MarkdownxField("tekst")
    steps = models.ManyToManyField(
        ProcessStep, blank=True, related_name="chapters", verbose_name="relaterte steg"
    )

    search_vector = weighted_search_vector("title", "lead", "body")
    search_head = head_search_vector("title", "lead")

    class Meta:
        # Part by part, then by order within the part (unique there).
        ordering = [part_order().asc(), "order"]
        constraints = [
            # Deferrable (checked at the end of each statement, or at commit once deferred), so
            # that two chapters can swap places in one transaction.
            models.UniqueConstraint(
                fields=["part", "order"],
                name="chapter_order_per_part",
                deferrable=models.Deferrable.IMMEDIATE,
                violation_error_message=_(
                    "Et annet kapittel i samme del har allerede dette nummeret i rekkefølgen."
                ),
            )
        ]
        indexes = [GinIndex(fields=["search_vector"], name="chapter_search")]
        verbose_name = "kapittel"
        verbose_name_plural = "kapitler"
        permissions = [("publish_chapter", "Kan publisere kapitler")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:chapter_detail", args=[self.slug])


class Source(Publishable):
    class Kind(models.TextChoices):
        GUIDE = "veileder", "Veileder"
        RESEARCH_NOTE = "forskningsnotat", "Forskningsnotat"
        REPORT = "rapport", "Rapport"
        PUBLIC_DOCUMENT = "offentlig-dokument", "Offentlig dokument"
        WEB_PAGE = "nettside", "Nettside"

    slug = models.SlugField("kortnavn", unique=True)
    title = models.CharField("tittel", max_length=300)
    publisher = models.CharField("utgiver", max_length=200, blank=True)
    year = models.PositiveSmallIntegerField("år", null=True, blank=True)
    url = models.URLField("nettadresse", max_length=500, blank=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    note = models.TextField("merknad", blank=True)

    class Meta:
        ordering = ["kind", "-year", "title"]
        verbose_name = "kilde"
        verbose_name_plural = "kilder"
        permissions = [("publish_source", "Kan publisere kilder")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:source_list") + f"#{self.slug}"


class ExampleCase(Publishable):
    class Kind(models.TextChoices):
        FROM_SOURCE = "kilde", "Fra kildematerialet"
        ILLUSTRATIVE = "illustrasjon", "Illustrasjon"

    slug = models.SlugField("kortnavn", unique=True)
    title = models.CharField("tittel", max_length=200)
    summary = models.TextField("sammendrag")
    body = MarkdownxField("tekst")
    region = models.CharField("region", max_length=200, blank=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    steps = models.ManyToManyField(ProcessStep, related_name="examples", verbose_name="steg")
    themes = models.ManyToManyField(Theme, related_name="examples", verbose_name="temaer")
    sources = models.ManyToManyField(
        Source, blank=True, related_name="examples", verbose_name="kilder"
    )

    search_vector = weighted_search_vector("title", "summary", "body", "region")
    search_head = head_search_vector("title", "summary")

    class Meta:
        ordering = ["title"]
        indexes = [GinIndex(fields=["search_vector"], name="examplecase_search")]
        verbose_name = "eksempel"
        verbose_name_plural = "eksempler"
        permissions = [("publish_examplecase", "Kan publisere eksempler")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:example_detail", args=[self.slug])


class GlossaryTerm(Publishable):
    slug = models.SlugField("kortnavn", unique=True)
    term = models.CharField("begrep", max_length=200)
    definition = MarkdownxField("forklaring")

    search_vector = weighted_search_vector("term", None, "definition")
    search_head = head_search_vector("term", None)

    class Meta:
        ordering = ["term"]
        indexes = [GinIndex(fields=["search_vector"], name="glossaryterm_search")]
        verbose_name = "begrep"
        verbose_name_plural = "begreper"
        permissions = [("publish_glossaryterm", "Kan publisere begreper")]

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return reverse("portal:glossary") + f"#{self.slug}"


class Page(Publishable):
    slug = models.SlugField("kortnavn", unique=True)
    title = models.CharField("tittel", max_length=200)
    lead = models.TextField("ingress", blank=True)
    body = MarkdownxField("tekst")

    search_vector = weighted_search_vector("title", "lead", "body")
    search_head = head_search_vector("title", "lead")

    class Meta:
        ordering = ["title"]
        indexes = [GinIndex(fields=["search_vector"], name="page_search")]
        verbose_name = "side"
        verbose_name_plural = "sider"
        permissions = [("publish_page", "Kan publisere sider")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:page_detail", args=[self.slug])

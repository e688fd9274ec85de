from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Utkast"
    PUBLISHED = "published", "Publisert"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


# Stored tsvectors: search's SQL reads them in the database; no page needs them in Python, and
# they are the widest columns a content row has.
SEARCH_COLUMNS = ("search_vector", "search_head")


class PublishableManager(models.Manager.from_queryset(PublishableQuerySet)):
    def get_queryset(self):
        queryset = super().get_queryset()
        names = {field.name for field in self.model._meta.concrete_fields}
        deferred = [column for column in SEARCH_COLUMNS if column in names]
        return queryset.defer(*deferred) if deferred else queryset


class Publishable(models.Model):
    status = models.CharField(
        "status", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    first_published_at = models.DateTimeField("først publisert", null=True, blank=True)
    updated_at = models.DateTimeField("sist endret", auto_now=True)
    # What the content importer last wrote; lets a re-import tell an admin edit from a stale file.
    import_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # Raised by every publish: an edition remembers the version it started from (editions).
    version = models.PositiveIntegerField("versjon", default=1, editable=False)

    objects = PublishableManager()

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


def lines(text: str) -> list[str]:
    """Fields stored one item per line (questions, roles) read back as a list."""
    return [line.strip() for line in text.splitlines() if line.strip()]

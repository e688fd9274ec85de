"""The public models and the relations between them: the one list that the page cache, search,
the PDFs, the sitemap and the feed follow.

A model listed here changes what readers see whenever a row of it is saved or deleted; a relation
listed here does so whenever its links change. Adding a public model or relation means adding it
here, and nothing else, for the caches to follow it.
"""

from django.db import models

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

PUBLIC_MODELS: tuple[type[models.Model], ...] = (
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

# Many-to-many fields between public models. Their rows have no timestamp of their own, so a
# change of links is only seen through these.
PUBLIC_RELATIONS: tuple[models.Field, ...] = (
    Chapter._meta.get_field("steps"),
    ExampleCase._meta.get_field("steps"),
    ExampleCase._meta.get_field("themes"),
    ExampleCase._meta.get_field("sources"),
)

# Pages readers reach at fixed addresses, in the sitemap's order, and the models whose published
# rows each have a page of their own (sitemap, feed).
PAGE_MODELS: tuple[type[models.Model], ...] = (Chapter, ProcessStep, ExampleCase, Page)


def through_models() -> list[type[models.Model]]:
    return [relation.remote_field.through for relation in PUBLIC_RELATIONS]

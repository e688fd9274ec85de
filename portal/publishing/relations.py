"""Only published relations are public: a draft step, source or example linked from a published
object is never shown, linked or printed to readers.

Every page, list, filter and PDF that follows a relation between public models prefetches it
through `with_relations`, which knows the relations from registry.PUBLIC_RELATIONS (both
directions: `ExampleCase.steps` and its reverse `ProcessStep.examples`) and fetches only the
published rows at the other end. Staff previews pass `drafts=True` and get every row, for the
template to mark the drafts. A model without a status (Theme, today) has nothing to hide, and
gets every row until it has `published()`.
"""

from django.db import models
from django.db.models import Prefetch, QuerySet

from portal.publishing.registry import PUBLIC_RELATIONS


def related_model(model: type[models.Model], name: str) -> type[models.Model]:
    """The model at the other end of the public relation `name` of `model`."""
    for field in PUBLIC_RELATIONS:
        if field.model is model and field.name == name:
            return field.related_model
        if field.related_model is model and field.remote_field.get_accessor_name() == name:
            return field.model
    raise LookupError(
        f"{model.__name__}.{name} is not a public relation: add it to "
        "portal/publishing/registry.py PUBLIC_RELATIONS"
    )


def visible(model: type[models.Model], *, drafts: bool = False) -> QuerySet:
    """The rows of `model` a reader may see: the published ones, or all for a staff preview."""
    queryset = model._default_manager.all()
    if drafts or not hasattr(queryset, "published"):
        return queryset
    return queryset.published()


def relation_prefetch(model: type[models.Model], name: str, *, drafts: bool = False) -> Prefetch:
    return Prefetch(name, queryset=visible(related_model(model, name), drafts=drafts))


def with_relations(queryset: QuerySet, *names: str, drafts: bool = False) -> QuerySet:
    """`queryset` with the named public relations prefetched, published rows only unless
    `drafts`: one query per relation, as plain `prefetch_related` costs."""
    model = queryset.model
    return queryset.prefetch_related(
        *(relation_prefetch(model, name, drafts=drafts) for name in names)
    )

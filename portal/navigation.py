"""Reading order: the chapter before and after the one being read."""

from django.db.models import OuterRef, Q, QuerySet, Subquery

from portal.models import Chapter


def with_neighbours(chapters: QuerySet[Chapter]) -> QuerySet[Chapter]:
    """Each chapter with the slug and title of the one before and after it among `chapters`, in
    the guide's order (order, then title), computed in the same query as the chapter itself."""
    before = chapters.filter(
        Q(order__lt=OuterRef("order")) | Q(order=OuterRef("order"), title__lt=OuterRef("title"))
    ).order_by("-order", "-title")
    after = chapters.filter(
        Q(order__gt=OuterRef("order")) | Q(order=OuterRef("order"), title__gt=OuterRef("title"))
    ).order_by("order", "title")
    return chapters.annotate(
        previous_slug=Subquery(before.values("slug")[:1]),
        previous_title=Subquery(before.values("title")[:1]),
        next_slug=Subquery(after.values("slug")[:1]),
        next_title=Subquery(after.values("title")[:1]),
    )

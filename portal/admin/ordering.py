"""Changing chapters' order in the admin: "Flytt opp" and "Flytt ned" on the change list.

Each is a plain submit button of the change list's own form (which carries the CSRF token)
that posts, through `formaction`, to a small admin view: no JavaScript needed, and no GET that
changes anything. The view swaps the chapter's order with its neighbour's in the same part, in
one transaction, through each row's save() (so history, the page cache, search and the PDFs
follow). Who may edit a chapter may move it, as with any other field.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Model
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

UP, DOWN = "opp", "ned"
# The constraint that keeps the order unique within its group (Chapter.Meta.constraints).
ORDER_CONSTRAINT = "chapter_order_per_part"


def swap_with_neighbour(obj: Model, direction: str, *, group: str = "part") -> Model | None:
    """Swap `obj`'s order with the one before it (UP) or after it (DOWN) in its group, in one
    transaction with both rows locked. Returns the neighbour, or None at the group's end."""
    model = type(obj)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=obj.pk)
        siblings = model.objects.select_for_update().filter(**{group: getattr(current, group)})
        if direction == UP:
            neighbour = siblings.filter(order__lt=current.order).order_by("-order").first()
        else:
            neighbour = siblings.filter(order__gt=current.order).order_by("order").first()
        if neighbour is None:
            return None
        constraint = connection.ops.quote_name(ORDER_CONSTRAINT)
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {constraint} DEFERRED")
        current.order, neighbour.order = neighbour.order, current.order
        for row in (current, neighbour):
            row.save(update_fields=["order", "updated_at"])
        with connection.cursor() as cursor:  # checked here, not left to the commit
            cursor.execute(f"SET CONSTRAINTS {constraint} IMMEDIATE")
    obj.order = current.order
    return neighbour


class MoveInPartMixin:
    """For a ModelAdmin of a model with `part` and `order` (unique together): the change list in
    reading order, with "Flytt opp" / "Flytt ned" per row."""

    # None: the model's own ordering (Chapter.Meta: part by part, then order).
    ordering = None

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/flytt/<str:direction>/",
                self.admin_site.admin_view(self.move_view),
                name=f"{info[0]}_{info[1]}_move",
            ),
            *super().get_urls(),
        ]

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if self.has_change_permission(request):
            columns.append(self._move_buttons(request))
        return columns

    def _move_buttons(self, request):
        back = urlencode({"next": request.get_full_path()})
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_move"

        @admin.display(description=_("Flytt"))
        def move(obj):
            labels = ((UP, gettext("Flytt opp")), (DOWN, gettext("Flytt ned")))
            return format_html_join(
                " ",
                '<button type="submit" class="button" formaction="{}?{}" formmethod="post" '
                'formnovalidate aria-label="{}: {}">{}</button>',
                (
                    (reverse(name, args=[obj.pk, direction]), back, label, obj, label)
                    for direction, label in labels
                ),
            )

        return move

    def move_view(self, request, object_id, direction):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if direction not in (UP, DOWN):
            raise Http404
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        neighbour = swap_with_neighbour(obj, direction)
        if neighbour is None:
            message = (
                gettext("«%(title)s» er allerede først i sin del.")
                if direction == UP
                else gettext("«%(title)s» er allerede sist i sin del.")
            )
            self.message_user(request, message % {"title": obj}, messages.WARNING)
        else:
            self.message_user(
                request,
                gettext("«%(title)s» har byttet plass med «%(other)s».")
                % {"title": obj, "other": neighbour},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._back(request))

    def _back(self, request) -> str:
        changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        back = request.GET.get("next", "")
        if back.startswith(changelist) and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return back
        return changelist

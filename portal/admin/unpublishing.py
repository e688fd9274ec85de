"""Unpublishing in the admin, for publishers: "Avpubliser nå" and "Avpubliser kl. ..." (Oslo
time) on a published object's change form, with where readers are sent instead; a planned
unpublishing shown in the list's edition column, and called off from the form or the list.

The buttons post the change form to its own address (`<id>/avpubliser/`), which reads only its
own fields: nothing typed in the form is saved by them. The rules (who may, which addresses
readers may be sent to, the task at the minute) are portal.editions.services'.
"""

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone

from portal.admin.edition_forms import parse_oslo
from portal.editions import services as editions
from portal.editions.errors import EditionRefused, NotAllowed
from portal.models import Removal, Status

SEND_ON = "_removal_redirect"  # "1": straight there; otherwise a 410 page with the link


def _oslo(moment) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y kl. %H:%M}"


class UnpublishAdminMixin:
    def get_queryset(self, request):
        planned = Removal.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model),
            object_id=OuterRef("pk"),
            removed_at__isnull=True,
        )
        return (
            super()
            .get_queryset(request)
            .annotate(removal_planned_for=Subquery(planned.values("scheduled_for")[:1]))
        )

    @admin.display(description="utgave", ordering="pending_edition_state")
    def edition_state(self, obj):
        state = super().edition_state(obj)
        planned = getattr(obj, "removal_planned_for", None)
        if planned is None:
            return state
        planned_text = f"Avpubliseres {_oslo(planned)}"
        return planned_text if state == "–" else f"{state} · {planned_text}"

    # --- List actions ---------------------------------------------------------------------------

    @admin.action(description="Avpubliser valgte", permissions=["publish"])
    def unpublish(self, request, queryset):
        for obj in queryset.filter(status=Status.PUBLISHED):
            editions.unpublish(obj, request.user)
        self.message_user(
            request,
            "De valgte er avpublisert. Adressene deres sier nå at siden er fjernet "
            "(velg hvor leserne skal se i stedet under «Avpubliserte sider»).",
            messages.SUCCESS,
        )

    @admin.action(description="Avbryt planlagt avpublisering av valgte", permissions=["publish"])
    def cancel_unpublish(self, request, queryset):
        done = sum(editions.cancel_unpublish(obj, request.user) for obj in queryset)
        self.message_user(
            request, f"Planlagt avpublisering avbrutt for {done} av de valgte.", messages.SUCCESS
        )

    # --- The change form's buttons --------------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.unpublish_view)
        name = f"{opts.app_label}_{opts.model_name}_unpublish"
        return [path("<path:object_id>/avpubliser/", view, name=name), *super().get_urls()]

    def _live(self, object_id, **only):
        """The live row (not the edition the change form shows), or None."""
        if not str(object_id).isdigit():
            return None
        return self.model._default_manager.filter(pk=object_id, **only).first()

    def unpublish_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_publish_permission(request):
            raise PermissionDenied
        obj = self._live(object_id)
        if obj is None:
            raise Http404
        post = request.POST
        try:
            done = self._unpublish_from_form(request, obj, post)
        except (EditionRefused, NotAllowed) as error:
            text = " ".join(getattr(error, "messages", [str(error)]))
            self.message_user(request, f"Ikke avpublisert: {text}", messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )

    def _unpublish_from_form(self, request, obj, post) -> str:
        user = request.user
        if "_cancel_unpublish" in post:
            if not editions.cancel_unpublish(obj, user):
                raise EditionRefused("Ingen avpublisering var planlagt.")
            return "Den planlagte avpubliseringen er avbrutt. Siden blir liggende ute."
        if obj.status != Status.PUBLISHED:
            raise EditionRefused("Siden er ikke publisert.")
        at = None
        if "_unpublish_at" in post:
            at = parse_oslo(post.get("_unpublish_at_time", ""))
            if at is None or at <= timezone.now():
                raise EditionRefused("Velg et tidspunkt fram i tid for avpubliseringen.")
        elif "_unpublish_now" not in post:
            raise EditionRefused("Velg «Avpubliser nå» eller «Avpubliser kl. …».")
        removal = editions.unpublish(
            obj,
            user,
            at=at,
            see_instead=post.get("_see_instead", ""),
            redirect=post.get(SEND_ON) == "1",
        )
        if removal.scheduled_for:
            return f"«{obj}» avpubliseres {_oslo(removal.scheduled_for)}."
        return f"«{obj}» er avpublisert."

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        live = self._live(obj.pk, status=Status.PUBLISHED) if obj is not None and obj.pk else None
        opts = self.model._meta
        allowed = self.has_publish_permission(request)
        context.update(
            {
                "can_unpublish": allowed and live is not None,
                "scheduled_removal": editions.scheduled_removal(live) if live else None,
                "unpublish_url": reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_unpublish", args=[obj.pk]
                )
                if allowed and live is not None
                else "",
            }
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

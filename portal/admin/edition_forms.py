"""The change form of a live object edits its pending edition (portal.editions).

Opening the form loads the pending edition if there is one, else the live values, and carries
the version and save number it was opened from in two hidden fields. Saving writes the edition
and never the live row; the buttons then send it for approval or, for publishers, publish it
now or at a minute. A save over a newer version is refused as a form error: the form comes back
with everything this editor typed, the other person's change beside it, and the new base, so a
second save after merging by hand goes through. Presentation only: the rules are the services'.
"""

import datetime as dt
import zoneinfo

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import history, publishing
from portal.editions import services
from portal.editions.errors import EditConflict, EditionRefused, NotAllowed
from portal.editions.snapshot import (
    apply_fields,
    editable_fields,
    has_questions,
    question_instances,
    relation_fields,
    snapshot_from_values,
    snapshot_of,
)
from portal.models import Edition

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
NEW_PREFIX = "ny-"
QUESTION_FORM_FIELDS = ("text_nb", "text_nn", "help_text_nb", "help_text_nn", "required", "order")


def change_url(model, obj, edition) -> str:
    opts = model._meta
    object_id = obj.pk if obj is not None and obj.pk else f"{NEW_PREFIX}{edition.pk}"
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])


def parse_oslo(text: str) -> dt.datetime | None:
    """A datetime-local value ("2027-02-03T10:00"), read as Oslo time."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=OSLO)


def publishes(request) -> bool:
    return request.method == "POST" and bool({"_publish_now", "_publish_at"} & set(request.POST))


class EditionAdminMixin:
    change_form_template = "admin/portal/edition_change_form.html"

    # --- Loading -------------------------------------------------------------------------------

    def get_object(self, request, object_id, from_field=None):
        if object_id and unquote(object_id).startswith(NEW_PREFIX):
            edition = (
                Edition.objects.pending()
                .for_model(self.model)
                .filter(pk=unquote(object_id)[len(NEW_PREFIX) :], object_id=None)
                .first()
            )
            if edition is None:
                return None
            obj = self.model()
        else:
            obj = super().get_object(request, object_id, from_field)
            edition = services.pending_edition(obj)
        if obj is not None and edition is not None:
            apply_fields(obj, edition.data)
            obj._edition = edition
        request._edition = edition
        request._edition_live = obj if obj is not None and obj.pk else None
        return obj

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if any(f.name == "status" for f in self.model._meta.fields):
            fields.append("status")  # publishing and unpublishing are buttons, not a field
        if not services.can_publish(request.user, self.model):
            fields += [n for n in services.PUBLISHER_ONLY_FIELDS.get(self.model, ())]
        return list(dict.fromkeys(fields))

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        admin = self

        class EditionForm(base):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                edition = getattr(request, "_edition", None)
                if edition is not None:
                    for name, pks in edition.data.get("relations", {}).items():
                        if name in self.fields:
                            self.initial[name] = pks

            def clean(self):
                cleaned = super().clean()
                admin._check_conflict(request, self)
                return cleaned

            def _post_clean(self):
                # A save writes an edition, which need not be publishable yet: the publication
                # checks (portal/publishing/checks.py) run when this save also publishes.
                forms.ModelForm._post_clean(self)
                if publishes(request):
                    problems = publishing.publication_problems(self.instance)
                    if problems:
                        intro = _("Dette kan ikke publiseres før du har rettet opp:")
                        self.add_error(None, [intro, *problems])

        return EditionForm

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        edition = getattr(request, "_edition", None)
        if edition is not None and has_questions(self.model) and request.method != "POST":
            new = [q for q in question_instances(obj, edition.data) if not q.pk]
            kwargs["initial"] = [{n: getattr(q, n) for n in QUESTION_FORM_FIELDS} for q in new]
        return kwargs

    # --- The base a form was opened from, and conflicts -------------------------------------

    @staticmethod
    def base_of(request) -> tuple[int, int]:
        live, edition = getattr(request, "_edition_live", None), getattr(request, "_edition", None)
        return (live.version if live is not None else 0, edition.revision if edition else 0)

    def _check_conflict(self, request, form) -> None:
        refused = getattr(request, "_edition_refused", None)
        if refused is not None:
            form.add_error(None, refused)
            return
        conflict = getattr(request, "_edition_conflict", None)
        if conflict is None and "_edition_version" in request.POST:
            version, revision = self.base_of(request)
            posted = (request.POST.get("_edition_version"), request.POST.get("_edition_revision"))
            if posted != (str(version), str(revision)):
                try:
                    services.save_edition(
                        request.user,
                        self.model,
                        self._snapshot(request, form, []),
                        live=request._edition_live,
                        edition=request._edition,
                        base_version=int(posted[0] or 0),
                        base_revision=int(posted[1] or 0),
                        dry_run=True,
                    )
                except EditConflict as found:
                    conflict = found
                except (EditionRefused, NotAllowed, ValueError):
                    pass
        if conflict is not None:
            request._edition_conflict = conflict
            form.add_error(None, str(conflict))

    # --- Saving -------------------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict as conflict:  # a save in the same instant: shown like any other
            request._edition_conflict = conflict
        except EditionRefused as refused:
            request._edition_refused = " ".join(refused.messages)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        version, revision = self.base_of(request)
        conflict = getattr(request, "_edition_conflict", None)
        if conflict is not None:  # the next save merges onto what is there now
            version, revision = conflict.version, conflict.revision
        edition = getattr(request, "_edition", None)
        context.update(
            {
                "edition": edition,
                "edition_version": version,
                "edition_revision": revision,
                "edition_conflict": conflict,
                "edition_by_other": edition is not None
                and request.user not in (edition.author, edition.last_editor),
                "can_publish_edition": services.can_publish(request.user, self.model),
                "preview_url": self._preview_url(obj, edition),
            }
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _preview_url(self, obj, edition) -> str:
        if edition is None:
            return ""
        if obj is None or not obj.pk:
            slug = edition.data.get("fields", {}).get("slug")
            obj = self.model(slug=slug) if slug else None
        for method in ("get_preview_url", "get_absolute_url"):
            if obj is not None and hasattr(obj, method):
                return getattr(obj, method)()
        return ""

    def _snapshot(self, request, form, formsets) -> dict:
        edition = getattr(request, "_edition", None)
        live = getattr(request, "_edition_live", None)
        current = edition.data if edition else (snapshot_of(live) if live else {})
        stored = current.get("fields", {})
        values = {}
        for field in editable_fields(self.model):
            if field.name in form.cleaned_data:
                values[field.attname] = form.cleaned_data[field.name]
            else:  # read-only here (publisher-only fields): kept as they are
                values[field.attname] = field.to_python(stored.get(field.attname))
        relations = {}
        for field in relation_fields(self.model):
            if field.name in form.cleaned_data:
                relations[field.name] = [o.pk for o in form.cleaned_data[field.name]]
            else:
                relations[field.name] = current.get("relations", {}).get(field.name, [])
        questions = None
        if has_questions(self.model):
            questions = self._question_rows(formsets) if formsets else current.get("questions")
        return snapshot_from_values(self.model, values, relations, questions)

    @staticmethod
    def _question_rows(formsets) -> list[dict]:
        rows = []
        for formset in formsets:
            for index, qform in enumerate(formset.forms):
                data = getattr(qform, "cleaned_data", None)
                if not data or data.get("DELETE"):
                    continue
                if qform.instance.pk is None and not qform.has_changed():
                    continue
                row = {n: data.get(n) for n in QUESTION_FORM_FIELDS}
                row["order"] = row["order"] or index + 1
                row["id"] = qform.instance.pk
                rows.append(row)
        return rows

    def save_model(self, request, obj, form, change):
        """Never the live row: the edition is written in save_related, with the inlines."""
        if "/history/" in request.path:  # simple-history's revert: a new edition
            form.save_m2m = lambda: None
            self._write_edition(request, form, [], revert=True)

    def save_related(self, request, form, formsets, change):
        self._write_edition(request, form, formsets)

    def _write_edition(self, request, form, formsets, *, revert=False):
        live = getattr(request, "_edition_live", None)
        if revert:
            live = self.model.objects.get(pk=form.instance.pk)
            request._edition, request._edition_live = services.pending_edition(live), live
        version, revision = self.base_of(request)
        post = request.POST
        edition = services.save_edition(
            request.user,
            self.model,
            self._snapshot(request, form, formsets),
            live=live,
            edition=getattr(request, "_edition", None) if live is None else None,
            base_version=int(post.get("_edition_version", version)),
            base_revision=int(post.get("_edition_revision", revision)),
        )
        reverted = getattr(request, "portal_reverted_version", None)
        if revert and reverted is not None:
            edition.note = str(history.revert_reason(reverted))
            edition.save(update_fields=["note"])
        request._edition = edition
        self._after_save(request, edition)

    def _after_save(self, request, edition) -> None:
        post, user = request.POST, request.user
        done = "Utkastet er lagret. Det publiserte er uendret."
        try:
            if "_submit" in post:
                services.submit(edition, user, message=post.get("_message", ""))
                done = "Utkastet er lagret og sendt til godkjenning."
            elif "_publish_now" in post or "_publish_at" in post:
                at = None
                if "_publish_at" in post:
                    at = parse_oslo(post.get("_publish_at_time", ""))
                    if at is None or at <= timezone.now():
                        raise EditionRefused("Velg et tidspunkt fram i tid for publiseringen.")
                services.publish_edition(
                    edition,
                    user,
                    note=post.get("_note", "").strip() or edition.note,
                    substantial=bool(post.get("_substantial")),
                    at=at,
                )
                done = (
                    f"Utkastet er lagret og planlagt publisert {at:%d.%m.%Y kl. %H:%M}."
                    if at
                    else "Endringen er publisert."
                )
        except (ValidationError, NotAllowed) as error:  # EditionRefused, PublicationBlocked
            self.message_user(
                request,
                "Utkastet er lagret, men: " + " ".join(getattr(error, "messages", [str(error)])),
                messages.ERROR,
            )
            return
        self.message_user(request, done, messages.SUCCESS)

    def construct_change_message(self, request, form, formsets, add=False):
        return "Utkast lagret"  # the inlines were not saved: Django's own message would ask them

    def log_addition(self, request, obj, message):
        return None  # a new object's edition is its record until it is published

    def log_change(self, request, obj, message):
        if obj.pk:
            return super().log_change(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        edition = request._edition
        live = edition.live if edition.object_id else None
        return HttpResponseRedirect(change_url(self.model, live, edition))

    def response_change(self, request, obj):
        edition = request._edition
        live = edition.live if edition.object_id else None
        return HttpResponseRedirect(change_url(self.model, live, edition))

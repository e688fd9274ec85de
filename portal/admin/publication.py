"""The publication checks (portal/publishing/checks.py) in the admin: on the change form as a list
of what to fix, and on the publish action as an error message, never a server error."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from portal import publishing
from portal.models import Status


class PublicationCheckForm(forms.ModelForm):
    """A change form whose object would be saved as published is refused with the problems of
    `publication_problems`, each as its own error at the top of the form."""

    def _post_clean(self):
        super()._post_clean()  # the instance now holds what the form would save
        if getattr(self.instance, "status", None) != Status.PUBLISHED:
            return
        problems = publishing.publication_problems(self.instance)
        if problems:
            intro = _("Dette kan ikke publiseres før du har rettet opp:")
            self.add_error(None, [intro, *problems])


class PublicationCheckAdmin:
    """For a ModelAdmin: its form checks publication, and an action that publishes (the list's
    "Publiser valgte") is undone and explained when one of the chosen objects cannot be."""

    form = PublicationCheckForm

    def response_action(self, request, queryset, **kwargs):
        try:
            with transaction.atomic():
                return super().response_action(request, queryset, **kwargs)
        except publishing.PublicationBlocked as blocked:
            name = str(blocked.obj) if blocked.obj is not None else ""
            self.message_user(
                request,
                format_html(
                    "{}<ul>{}</ul>",
                    _("Ingenting ble publisert: «%(name)s» må rettes først.") % {"name": name},
                    format_html_join("", "<li>{}</li>", ((p,) for p in blocked.problems)),
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

"""The workspace's small forms (the step form is in editing.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _


def _styled(form: forms.Form) -> forms.Form:
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "ds-input")
    return form


class LinkRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-postadressen din"),
        max_length=254,
        error_messages={
            "required": _("Skriv e-postadressen du ble invitert med."),
            "invalid": _("Skriv en gyldig e-postadresse, for eksempel navn@fylke.no."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class InviteForm(forms.Form):
    name = forms.CharField(
        label=_("Navn"),
        max_length=150,
        error_messages={"required": _("Skriv navnet til den du inviterer.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-postadresse"),
        max_length=254,
        error_messages={
            "required": _("Skriv e-postadressen til den du inviterer."),
            "invalid": _("Skriv en gyldig e-postadresse, for eksempel navn@fylke.no."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class SharingForm(forms.Form):
    shares = forms.TypedChoiceField(
        label=_("Skal departementet se de ferdige vurderingene deres?"),
        choices=[
            (
                "1",
                _(
                    "Ja, del de ferdige vurderingene. Departementet ser nivåene, begrunnelsene og "
                    "neste tiltak, og fylket er med, med navn, i det nasjonale bildet."
                ),
            ),
            (
                "0",
                _(
                    "Nei, ikke del. Departementet ser ingenting av vurderingene, og fylket er ikke "
                    "med i noen tall i det nasjonale bildet, heller ikke anonymt."
                ),
            ),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect(attrs={"class": "ds-input"}),
    )

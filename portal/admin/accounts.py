"""django-otp's admin of authenticator apps (TOTP devices) in Norwegian. django-otp writes its
labels in English without marking them for translation, and a model field's label is part of
its migration, so the labels are set here, in the admin, not on the model."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

FIELDS = {
    "user": (_("bruker"), _("Brukeren appen hører til.")),
    "name": (_("navn"), _("Et navn som skiller appene fra hverandre, for eksempel «Telefon».")),
    "confirmed": (_("tatt i bruk"), _("Kan appen brukes til innlogging nå?")),
    "key": (_("nøkkel"), _("Den hemmelige nøkkelen, heksadesimal, høyst 40 byte.")),
    "step": (_("tidssteg"), _("Sekunder per kode.")),
    "t0": (_("starttid"), _("Unix-tiden tellingen av tidssteg begynner fra.")),
    "digits": (_("sifre"), _("Antall sifre i koden.")),
    "tolerance": (_("toleranse"), _("Hvor mange tidssteg før eller etter som godtas.")),
    "drift": (_("avvik"), _("Hvor mange tidssteg appens klokke er kjent å gå feil.")),
    "throttling_failure_timestamp": (
        _("siste feil kode"),
        _("Når en feil kode sist ble skrevet inn; nullstilles når en riktig kode godtas."),
    ),
    "throttling_failure_count": (_("feil koder på rad"), _("Antall feil koder etter hverandre.")),
}
FIELDSET_TITLES = {
    "Identity": _("Hvem og hva"),
    "Timestamps": _("Tidspunkter"),
    "Configuration": _("Oppsett"),
    "State": _("Tilstand"),
    "Throttling": _("Venting etter feil koder"),
}


class NorwegianTOTPDeviceAdmin(TOTPDeviceAdmin):
    list_display = ["user_column", "name_column", "created", "last_used", "confirmed_column"]
    readonly_fields = ["created", "last_used", "qrcode_link"]
    search_help_text = _("Søk på brukernavn eller e-postadresse.")

    @admin.display(description=FIELDS["user"][0], ordering="user")
    def user_column(self, device):
        return device.user

    @admin.display(description=FIELDS["name"][0], ordering="name")
    def name_column(self, device):
        return device.name

    @admin.display(description=FIELDS["confirmed"][0], boolean=True, ordering="confirmed")
    def confirmed_column(self, device):
        return device.confirmed

    @admin.display(description=_("registrert"), ordering="created_at")
    def created(self, device):
        return device.created_at

    @admin.display(description=_("sist brukt"), ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at

    @admin.display(description=_("QR-kode"))
    def qrcode_link(self, device):
        return super().qrcode_link(device)

    def get_fieldsets(self, request, obj=None):
        renamed = {"created_at": "created", "last_used_at": "last_used"}
        return [
            (
                FIELDSET_TITLES.get(title, title),
                {**options, "fields": [renamed.get(f, f) for f in options["fields"]]},
            )
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for name, (label, help_text) in FIELDS.items():
            if name in form.base_fields:
                form.base_fields[name].label = label
                form.base_fields[name].help_text = help_text
        return form


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, NorwegianTOTPDeviceAdmin)

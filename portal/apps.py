from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models import fields as model_fields
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import apps as totp_apps


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = "Veilederen"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from portal import checks  # noqa: F401 (registers the deploy checks)
        from portal.permissions import name_default_permissions_in_norwegian
        from portal.publishing import services

        services.connect_signals()
        post_migrate.connect(
            name_default_permissions_in_norwegian, dispatch_uid="norwegian-permission-names"
        )
        # Django 6.1's empty choice in a select ("- Select an option -"), which its own bokmål
        # catalogue lacks; public forms show it too, so it is the portal's own message.
        model_fields.BLANK_CHOICE_LABEL = _("– Velg –")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin app with our site class (two-factor login) as `admin.site`."""

    default = False  # AdminConfig's own default=True would compete with PortalConfig

    default_site = "portal.admin_site.PortalAdminSite"


class AxesConfig(axes_apps.AppConfig):
    """django-axes (login lockout) under a Norwegian name; its model and field names are
    translated in locale_thirdparty/ (axes marks them, but has no bokmål)."""

    default = False
    verbose_name = _("Innloggingsforsøk")


class TOTPConfig(totp_apps.DefaultConfig):
    """django-otp's authenticator apps (TOTP) under Norwegian names."""

    default = False
    verbose_name = _("Autentiseringsapper")

    def ready(self):
        # django-otp names its model in English, unmarked. Set on _meta, not in the model's
        # Meta (original_attrs), so migrations see no change; the fields' labels are the
        # admin's (portal/admin/accounts.py), since a field's label is part of its migration.
        model = self.get_model("TOTPDevice")
        model._meta.verbose_name = _("autentiseringsapp")
        model._meta.verbose_name_plural = _("autentiseringsapper")

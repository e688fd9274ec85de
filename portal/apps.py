from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = "Veilederen"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.publishing import services

        services.connect_signals()


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin app with our site class (two-factor login) as `admin.site`."""

    default = False  # AdminConfig's own default=True would compete with PortalConfig

    default_site = "portal.admin_site.PortalAdminSite"

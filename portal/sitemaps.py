from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from portal.models import ProcessStep
from portal.publishing import PAGE_MODELS


class SiteSitemap(Sitemap):
    """Absolute addresses from SITE_URL alone: the request's Host header is the client's word."""

    def get_protocol(self, protocol=None):
        return settings.SITE_URL.split("://", 1)[0]

    def get_domain(self, site=None):
        return settings.SITE_URL.split("://", 1)[1].rstrip("/")


class StaticSitemap(SiteSitemap):
    def items(self):
        return [
            "portal:home",
            "portal:chapter_list",
            "portal:step_list",
            "portal:example_list",
            "portal:glossary",
            "portal:source_list",
            "portal:guide_whole",
            "portal:feedback_index",
            "portal:guide_pdf",
            "portal:short_version_pdf",
        ]

    def location(self, item):
        return reverse(item)


class ContentSitemap(SiteSitemap):
    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.published()

    def lastmod(self, obj):
        return obj.updated_at


class WorkshopSheetSitemap(SiteSitemap):
    """Each step's workshop sheet, as a page to print and as a PDF."""

    def items(self):
        return [
            (step, url_name)
            for step in ProcessStep.objects.published()
            for url_name in ("portal:workshop_sheet", "portal:workshop_sheet_pdf")
        ]

    def location(self, item):
        step, url_name = item
        return reverse(url_name, args=[step.slug])

    def lastmod(self, item):
        return item[0].updated_at


SITEMAPS = {
    "sider": StaticSitemap,
    "arbeidsark": WorkshopSheetSitemap,
    **{model._meta.model_name: ContentSitemap(model) for model in PAGE_MODELS},
}

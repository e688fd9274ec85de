from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from portal.models import Chapter, ExampleCase, Page, ProcessStep


class StaticSitemap(Sitemap):
    def items(self):
        return [
            "portal:home",
            "portal:chapter_list",
            "portal:step_list",
            "portal:example_list",
            "portal:glossary",
            "portal:source_list",
        ]

    def location(self, item):
        return reverse(item)


class ContentSitemap(Sitemap):
    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.published()

    def lastmod(self, obj):
        return obj.updated_at


SITEMAPS = {
    "sider": StaticSitemap,
    "kapitler": ContentSitemap(Chapter),
    "steg": ContentSitemap(ProcessStep),
    "eksempler": ContentSitemap(ExampleCase),
    "informasjon": ContentSitemap(Page),
}

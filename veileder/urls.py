from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from portal import uploads, views
from portal.cache import public_page
from portal.sitemaps import SITEMAPS

admin.site.site_header = "Smart spesialisering – redaksjon"
admin.site.site_title = "Redaksjon"
admin.site.index_title = "Innhold og innspill"

# Unprefixed, in one form only: the admin (bokmål), uploads, and the addresses for machines.
urlpatterns = [
    # django-markdownx's own URLs are open to anyone; these are its two views, for staff only.
    path("admin/markdownx/markdownify/", uploads.markdownify, name="markdownx_markdownify"),
    path("admin/markdownx/upload/", uploads.upload_image, name="markdownx_upload"),
    path("admin/", admin.site.urls),
    # Uploaded images with nosniff and a sandboxing CSP, where no proxy serves /media/ itself.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", uploads.serve_upload, name="media"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("health/live", views.health_live, name="health_live"),
    path("health/ready", views.health_ready, name="health_ready"),
]

# The public portal in both written forms: bokmål unprefixed (/innspill/), nynorsk under /nn/
# (/nn/innspill/). An unprefixed address is always bokmål, whatever the browser asks for, so a
# link can be shared and the page cache (keyed on the path) keeps the two forms apart.
urlpatterns += i18n_patterns(path("", include("portal.urls")), prefix_default_language=False)

# A request Django refuses to read (too many fields, a body too large) gets a Norwegian page.
handler400 = "portal.errors.bad_request"
# Inside /admin/, 403 and 404 are Norwegian pages in the admin's look (portal/admin/errors.py).
handler403 = "portal.admin.errors.permission_denied"
handler404 = "portal.admin.errors.page_not_found"
# A database error outside a view (a session saved on the way out) is a 503 there too.
handler500 = "portal.outage.server_error"

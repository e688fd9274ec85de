from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import uploads

admin.site.site_header = "Smart spesialisering – redaksjon"
admin.site.site_title = "Redaksjon"
admin.site.index_title = "Innhold og innspill"

urlpatterns = [
    # django-markdownx's own URLs are open to anyone; these are its two views, for staff only.
    path("admin/markdownx/markdownify/", uploads.markdownify, name="markdownx_markdownify"),
    path("admin/markdownx/upload/", uploads.upload_image, name="markdownx_upload"),
    path("admin/", admin.site.urls),
    # Uploaded images with nosniff and a sandboxing CSP, where no proxy serves /media/ itself.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", uploads.serve_upload, name="media"),
    path("", include("portal.urls")),
]

# A request Django refuses to read (too many fields, a body too large) gets a Norwegian page.
handler400 = "portal.errors.bad_request"
# A database error outside a view (a session saved on the way out) is a 503 there too.
handler500 = "portal.outage.server_error"

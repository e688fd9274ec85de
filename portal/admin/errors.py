"""403 and 404 inside the admin: a Norwegian page in the admin's own look, with the way back,
instead of Django's bare "403 Forbidden" (a Redaktør reverting a change, a list they may not
open) or the public site's 404. Elsewhere Django's handlers and our templates/404.html stay."""

from django.contrib import admin
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults


def _in_admin(request) -> bool:
    return request.path.startswith(reverse("admin:index"))


def _admin_page(request, template: str, title: str, status: int):
    context = {"title": title}
    if getattr(request, "user", None) is not None:
        context = {**admin.site.each_context(request), **context}
    request.current_app = admin.site.name
    return render(request, template, context, status=status)


def permission_denied(request, exception=None):
    """handler403."""
    if _in_admin(request):
        return _admin_page(request, "admin/403.html", _("Du har ikke tilgang"), 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    """handler404."""
    if _in_admin(request):
        return _admin_page(request, "admin/404.html", _("Fant ikke siden"), 404)
    return defaults.page_not_found(request, exception)

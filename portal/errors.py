"""The site-wide error pages Django cannot render on its own: in Norwegian, with a way forward.

They belong to no one feature (a CSRF failure can happen on any form, the admin's login too), so
they live here rather than in a feature's views. 404 and 500 are Django's own handlers with our
templates/404.html and templates/500.html.
"""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form that could not be checked, and what to do about it."""
    return render(request, "403_csrf.html", status=403)


def bad_request(request, exception=None):
    """handler400: too many fields, a body that is too large, or other unreadable requests."""
    return render(request, "400.html", status=400)

"""A database outage is not a bug in the portal: readers get 503 with Retry-After and a page that
says the service is briefly unavailable, and after a form post, that nothing was sent.

The middleware answers for errors raised in a view, logged as one line without a traceback. The
500 handler does the same for a database error raised elsewhere (a session saved on the way
out), and otherwise shows the ordinary 500 page.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds a reader (or a client that honours the header) should wait: a database restart or
# failover takes about this long.
RETRY_AFTER = 30


def outage_response(request) -> HttpResponse:
    # Rendered without the request or context processors: they may need the database.
    html = loader.get_template("503.html").render({"after_post": request.method == "POST"})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.warning("Database unavailable: %s %s: %s", request.method, request.path, exception)
        return outage_response(request)


def server_error(request):
    """handler500: 503 for a database error, the ordinary 500 page for anything else."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return outage_response(request)
    return HttpResponseServerError(loader.get_template("500.html").render())

"""Facts about a request that more than one part of the portal needs."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent the request, as far as it can be trusted.

    Without a proxy of ours in front (DJANGO_BEHIND_PROXY off), X-Forwarded-For is whatever the
    client chose to send, so only the socket's address counts. Behind PROXY_COUNT proxies, each
    appends the address it saw to the right of the header; the entry PROXY_COUNT from the right
    was written by our outermost proxy and is the client's. Anything left of it is the client's
    own claim and is ignored, so a forged header cannot shift the lockout or the rate limit onto
    someone else.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.PROXY_COUNT
    if not proxies:
        return remote_addr
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        return remote_addr
    return hops[-proxies]

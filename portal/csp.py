"""Django's Content-Security-Policy middleware, with the header of a response that used no nonce
built once: it is the same string every time, and building it cost a fifth of a page-cache hit
(0.04 of 0.22 ms, bench/performance_notes.md). A response that used a nonce gets its own header,
as with Django's; a changed setting (override_settings in tests) is seen, as the policy is kept
together with a copy of the setting it was built from."""

import copy

from django.conf import settings
from django.middleware import csp
from django.utils.csp import CSP, build_policy


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    _built: dict = {}  # header -> (a copy of the config, the policy without a nonce)

    def process_response(self, request, response):
        nonce = csp.get_nonce(request)
        if nonce:  # a LazyNonce is true only once something used it: Django's own way
            return super().process_response(request, response)
        sentinel = object()
        if (config := getattr(response, "_csp_config", sentinel)) is sentinel:
            config = settings.SECURE_CSP
        if (report_only := getattr(response, "_csp_ro_config", sentinel)) is sentinel:
            report_only = settings.SECURE_CSP_REPORT_ONLY
        for header, value in ((CSP.HEADER_ENFORCE, config), (CSP.HEADER_REPORT_ONLY, report_only)):
            if value and header not in response:
                response.headers[str(header)] = self._policy(str(header), value)
        return response

    @classmethod
    def _policy(cls, header: str, config) -> str:
        built = cls._built.get(header)
        if built is None or built[0] != config:
            built = cls._built[header] = (copy.deepcopy(config), build_policy(config))
        return built[1]

"""The API's documentation pages under the strict CSP: no inline script, no web fonts.

Swagger UI loads its start-up script as a separate request (drf-spectacular's split view).
Redoc (vendored by scripts/vendor-static.sh, without its CDN logo) starts from a static script
that reads the schema address from the page and passes the request's CSP nonce to the styles it
injects; the two style elements its bundle adds as it loads, before it knows the nonce, are
allowed by their hashes. Nothing is loaded from another origin.
"""

from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from config.settings.base import SECURE_CSP

REDOC_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # an empty <style>
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # Redoc 2.5.4's scrollbar styles
]
# Redoc's search index runs in a worker it builds from its own code (a blob: address).
REDOC_CSP = {**SECURE_CSP, "style-src": [CSP.SELF, CSP.NONCE, *REDOC_STYLE_HASHES], "worker-src": [CSP.SELF, "blob:"]}


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api_docs/swagger_ui.html"


@method_decorator(csp_override(REDOC_CSP), name="dispatch")
class RedocView(SpectacularRedocView):
    template_name = "api_docs/redoc.html"

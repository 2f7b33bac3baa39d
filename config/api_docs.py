"""The API's documentation pages under the strict CSP: no inline script, no web fonts.

Swagger UI loads its start-up script as a separate request (drf-spectacular's split view);
Redoc starts from a static script that reads the schema address from the page, and passes the
request's CSP nonce to the styles it injects.
"""

from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from config.settings.base import SECURE_CSP

REDOC_CSP = {**SECURE_CSP, "style-src": [CSP.SELF, CSP.NONCE], "worker-src": [CSP.SELF, "blob:"]}


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api_docs/swagger_ui.html"


@method_decorator(csp_override(REDOC_CSP), name="dispatch")
class RedocView(SpectacularRedocView):
    template_name = "api_docs/redoc.html"

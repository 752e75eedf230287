"""The OpenAPI schema, and Swagger UI and Redoc from this site's static files, under the site's CSP.

drf-spectacular's own pages write inline scripts and styles (and Redoc's a Google Fonts link); the site's
policy allows scripts from itself and with the page's nonce only, so these templates load everything
from static files instead. Redoc's styled-components insert <style> elements: the Redoc page alone adds
its nonce to style-src and hands it to Redoc (`nonce`), so each of them carries it. Redoc's sidebar
always tries its sponsor's logo from cdn.redoc.ly; the policy refuses it (no third-party requests) and
Redoc hides the image when it fails.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from api.base import ApiView


class SchemaView(ApiView, SpectacularAPIView):
    """The OpenAPI 3 description (YAML; `?format=json` or `Accept: application/json` for JSON)."""


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"


# Two <style>s Redoc's bundle inserts as it loads, before it knows the nonce: perfect-scrollbar's CSS and
# an empty one. Their hashes hold for the pinned drf-spectacular-sidecar; tests/api/test_docs_pages.py
# fails on any refused style, so an upgrade that changes them says so.
REDOC_STYLE_HASHES = [
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
]
REDOC_CSP = {
    **settings.SECURE_CSP,
    "style-src": [CSP.SELF, CSP.NONCE, *REDOC_STYLE_HASHES],
    # The search index runs in a worker Redoc makes from a blob of its own bundle.
    "worker-src": [CSP.SELF, "blob:"],
}


@method_decorator(csp_override(REDOC_CSP), name="dispatch")
class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"

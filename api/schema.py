"""The OpenAPI description's shared parts: the token scheme, the error body, the refusals each operation
documents (so a client, and the contract test, know every status the API may answer)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api_tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A device's token from POST /api/v1/auth/token/: `Authorization: Bearer <token>`.",
        }


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words a student can read.")
    code = serializers.CharField(help_text="A stable name for the refusal (`not_found`, `invalid`, ...).")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="400 only: the messages by field (`non_field_errors` for the whole request).",
    )
    retry_after = serializers.IntegerField(required=False, help_text="429 only: seconds to wait.")


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


BAD_REQUEST = {400: _error("The request is not valid; `errors` says why, by field.")}
# An operation that reads a body: also 415 for one that is not JSON.
BAD_BODY = {**BAD_REQUEST, 415: _error("The body is not `application/json`.")}
UNAUTHENTICATED = {
    401: _error("No valid token or session (an unknown, expired or revoked token)."),
    403: _error("Signed in with a session but without the CSRF token, or not allowed."),
}
NOT_FOUND = {404: _error("No such object among the signed-in student's own.")}
CONFLICT = {409: _error("The block's state refuses this now; `code` says which state.")}
TOO_MANY = {429: _error("Past a rate limit: wait `Retry-After` seconds.")}
TOO_LARGE = {413: _error("The body is larger than the site accepts.")}


def refusals(*groups: dict) -> dict:
    """The error responses of an operation: every authenticated one may also be refused as unauthenticated."""
    merged = {**UNAUTHENTICATED}
    for group in groups:
        merged.update(group)
    return merged

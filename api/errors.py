"""How the API refuses: always JSON, {"detail": "...", "code": "..."}, plus "errors" by field for a form.

Django's Http404 becomes a plain 404 "Not found." whatever was missing (another student's block reads
exactly like one that does not exist), and nothing the API answers is an HTML page.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    """Well formed, but the block's state refuses it (finished, suspended, already answered...)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The block's state does not allow this now."
    default_code = "conflict"


class TooManyRequests(exceptions.Throttled):
    """429 with the page's own message and Retry-After (DRF's Throttled would append its own sentence)."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(detail=message, code="too_many_requests")
        self.wait = max(1, retry_after)


def form_invalid(form: forms.BaseForm) -> exceptions.ValidationError:
    """A form's errors, by field, as the 400 the API answers (the messages the pages show)."""
    errors = {
        ("non_field_errors" if field == "__all__" else field): [str(message) for message in messages]
        for field, messages in form.errors.items()
    }
    return exceptions.ValidationError(errors)


def api_exception_handler(exc: Exception, context: dict):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _by_field(exc.detail)
        first = next((messages[0] for messages in errors.values() if messages), "The request is not valid.")
        response.data = {"detail": first, "code": "invalid", "errors": errors}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = {"detail": str(detail), "code": getattr(detail, "code", None) or "error"}
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        response.data["retry_after"] = int(response.get("Retry-After", "1"))
    return response


def _by_field(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(field): _messages(value) for field, value in detail.items()}
    return {"non_field_errors": _messages(detail)}


def _messages(value) -> list[str]:
    """Every message under a field, nested lists and objects (a list's items, an object's keys) flattened."""
    if isinstance(value, dict):
        return [message for nested in value.values() for message in _messages(nested)]
    if isinstance(value, list):
        return [message for nested in value for message in _messages(nested)]
    return [str(value)]

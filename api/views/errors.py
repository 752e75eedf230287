"""A path under /api/v1/ that names no operation."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # a DELETE to a path that is no operation is a 404, not the site's CSRF page
def not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": "There is no such API path.", "code": "not_found"}, status=404)

"""Question images from local storage (MEDIA_STORAGE=local); a bucket or CDN serves them otherwise."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from quizzes.images import rendition_name


@require_safe
def question_image(request: HttpRequest, key: str, rendition: str) -> FileResponse:
    try:
        stored = default_storage.open(rendition_name(key, rendition), "rb")
    except (FileNotFoundError, OSError):
        raise Http404("No such image.") from None
    response = FileResponse(stored, content_type="image/webp")
    # The name is a hash of the content: the same URL is always the same bytes.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response

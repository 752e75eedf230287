"""My notes (/notes/) and saving a note from the question screen or the review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from notes.selectors import note_list
from notes.services import NoteTooLong, note_save
from usmle_quiz.ascii_numbers import ascii_int
from usmle_quiz.ratelimits import rate_limit

NOTES_PER_PAGE = 25
QUERY_MAX_LENGTH = 200


@login_required
@require_GET
def note_list_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    page = Paginator(note_list(user=request.user, query=query), NOTES_PER_PAGE).get_page(
        ascii_int(request.GET.get("page", ""), max_digits=6) or 1
    )
    return render(request, "notes/note_list.html", {"page": page, "query": query})


@login_required
@require_POST
@rate_limit("note", message="You are saving notes very fast. Wait a moment, then save again.")
def note_save_view(request: HttpRequest, question_id: int) -> HttpResponse:
    typed = request.POST.get("text", "")
    next_url = _next_url(request)
    try:
        note = note_save(user=request.user, question_id=question_id, text=typed)
    except NoteTooLong as refused:
        # What the student typed comes back in the form: a note is never lost.
        context = _form_context(question_id, typed, next_url, error=str(refused))
        if request.htmx:
            return render(request, "notes/_note_form.html", context, status=400)
        if _wants_json(request):
            return JsonResponse({"error": str(refused), "text": typed}, status=400)
        return render(request, "notes/note_refused.html", context, status=400)
    status = "saved" if note else "deleted"
    text = note.text if note else ""
    if request.htmx:
        context = _form_context(question_id, text, next_url, status=f"Note {status}")
        return render(request, "notes/_note_form.html", context)
    if _wants_json(request):
        return JsonResponse({"status": status, "text": text})
    messages.success(request, f"Note {status}.")
    response = redirect(next_url)
    response.status_code = 303  # a reload never re-sends the form
    return response


def _form_context(question_id: int, text: str, next_url: str, *, status: str = "", error: str = "") -> dict:
    """The context of notes/_note_form.html."""
    return {
        "note_question_id": question_id,
        "note_text": text,
        "note_next": next_url,
        "note_status": status,
        "note_error": error,
    }


def _next_url(request: HttpRequest) -> str:
    """Where the form came from, if it is a path on this site; else My notes (no open redirect)."""
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("note_list")


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")

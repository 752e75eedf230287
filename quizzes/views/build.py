"""Create Test: /quizzes/new/ and its live counts fragment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from quizzes.forms import NO_QUESTIONS_MATCH, BlockForm
from quizzes.models import Block
from quizzes.selectors import pool_counts
from quizzes.services import NoQuestionsMatch, block_create, block_finish_expired
from usmle_quiz.ratelimits import rate_limit


def _selection(form: BlockForm) -> tuple[str, list[int], list[int]]:
    """Pool and ticked boxes from a bound form, ignoring fields that failed (for the counts)."""
    data = getattr(form, "cleaned_data", {})
    pool = data.get("pool") or Block.Pool.ALL
    subject_ids = form.subject_ids if "subjects" in data else []
    system_ids = form.system_ids if "systems" in data else []
    return pool, subject_ids, system_ids


def _count_context(request: HttpRequest, form: BlockForm) -> dict:
    pool, subject_ids, system_ids = _selection(form)
    counts = pool_counts(user=request.user, pool=pool, subject_ids=subject_ids, system_ids=system_ids)
    chosen_subjects = set(form.data.getlist("subjects")) if form.is_bound else set()
    chosen_systems = set(form.data.getlist("systems")) if form.is_bound else set()
    return {
        "counts": counts,
        "pool_label": Block.Pool(pool).label,
        "subject_boxes": [
            (subject, counts.by_subject.get(subject.id, 0), subject.slug in chosen_subjects)
            for subject in form.subjects_by_slug.values()
        ],
        "system_boxes": [
            (system, counts.by_system.get(system.id, 0), system.slug in chosen_systems)
            for system in form.systems_by_slug.values()
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit(
    "block_create", message="You have built many blocks in the last minute. Wait a little, then try again."
)
def block_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # A timed block whose clock ran out gives its questions back before they are counted
        # (a POST goes through block_create, which does the same).
        block_finish_expired(user=request.user)
        # Parameters on a GET (the no-JavaScript "Update counts" button) only
        # pre-fill the form and the counts; they never show errors.
        selection = BlockForm(request.GET)
        selection.is_valid()
        initial = {key: value for key, value in selection.cleaned_data.items() if key in selection.data}
        form = BlockForm(initial=initial)
        context = {"form": form, **_count_context(request, selection)}
        return render(request, "quizzes/block_new.html", context)

    form = BlockForm(request.POST)
    if form.is_valid():
        try:
            block = block_create(owner=request.user, **form.block_create_kwargs())
        except NoQuestionsMatch:
            form.add_error(None, NO_QUESTIONS_MATCH)
        else:
            if block.item_count < block.size_requested:
                messages.info(
                    request,
                    f"Only {block.item_count} question{'s' if block.item_count != 1 else ''} matched, "
                    f"so your block has {block.item_count} instead of {block.size_requested}.",
                )
            return redirect("block_resume", block_id=block.pk)
    context = {"form": form, **_count_context(request, form)}
    return render(request, "quizzes/block_new.html", context, status=400)


@login_required
@require_GET
def block_new_counts(request: HttpRequest) -> HttpResponse:
    """The "N questions match" line and every box's count, swapped in by htmx as boxes are ticked."""
    form = BlockForm(request.GET)
    form.is_valid()
    return render(request, "quizzes/_partials/_new_counts.html", _count_context(request, form))

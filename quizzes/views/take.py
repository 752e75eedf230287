"""Taking a block: resume, the question screen, answering, flagging, finishing."""

import contextlib
import json
from uuid import UUID, uuid4

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notes.selectors import notes_for
from quizzes import lifecycle
from quizzes.models import LETTERS, Block, Item
from quizzes.selectors import (
    NO_SHARES,
    block_for_owner,
    block_item,
    block_navigator,
    first_unanswered_position,
    item_choices,
    peer_shares,
)
from quizzes.services import (
    AnswerOutcome,
    block_finish,
    block_rename,
    block_suspend,
    block_unsuspend,
    item_answer,
    item_flag,
    item_marks_save,
)
from quizzes.services.blocks import highlights_clean, struck_clean
from usmle_quiz.ascii_numbers import ascii_int
from usmle_quiz.ratelimits import rate_limit


def _see_other(url: str) -> HttpResponse:
    """303 after a POST, so a reload never re-sends the form."""
    response = redirect(url)
    response.status_code = 303
    return response


def _expire_if_due(block: Block) -> Block:
    """A timed block whose clock ran out (plus the grace) is finished on the next request."""
    if lifecycle.block_is_expired(block):
        return block_finish(block=block)
    return block


@login_required
@require_GET
def block_resume(request: HttpRequest, block_id: int) -> HttpResponse:
    block = _expire_if_due(block_for_owner(block_id=block_id, user=request.user))
    if block.is_finished:
        return redirect("block_review", block_id=block.pk)
    return redirect("item_detail", block_id=block.pk, position=first_unanswered_position(block=block))


def _render_suspended(request: HttpRequest, block: Block, item: Item, *, status: int = 200) -> HttpResponse:
    """A suspended block shows its clock and a Resume button, never a question (no reading off the clock)."""
    context = {
        "practice_block": block,
        "item": item,
        "seconds_left": lifecycle.block_seconds_left(block),
        "answered": sum(1 for cell in block_navigator(block=block) if cell.answered),
    }
    return render(request, "quizzes/suspended.html", context, status=status)


def _render_item(
    request: HttpRequest, block: Block, item: Item, *, status: int = 200, error: str = ""
) -> HttpResponse:
    if not lifecycle.questions_may_be_shown(block=block):
        return _render_suspended(request, block, item, status=status)
    # The key (correct letter, explanation, objective, peer shares) is only
    # put in the context when it may be shown (lifecycle.key_may_be_shown).
    # Templates cannot leak what they never receive.
    reveal = lifecycle.key_may_be_shown(block=block, item=item)
    navigator = block_navigator(block=block)
    context = {
        "practice_block": block,
        "item": item,
        "question": item.question,
        "choices": item_choices(item=item),
        "navigator": navigator,
        # Tutor blocks have no clock; the bar shows the time spent on them instead.
        "block_spent_ms": sum(cell.time_spent_ms for cell in navigator),
        "highlights_json": json.dumps(item.highlights or []),
        "note": notes_for(user=request.user, question_ids=[item.question_id]).get(item.question_id),
        "reveal": reveal,
        "shares": peer_shares(question_ids=[item.question_id]).get(item.question_id, NO_SHARES)
        if reveal
        else NO_SHARES,
        "omitted": lifecycle.item_is_omitted(block=block, item=item),
        "error": error,
        "seconds_left": lifecycle.block_seconds_left(block),
        "grace_seconds": int(lifecycle.DEADLINE_GRACE.total_seconds()),
        # Timed mode: a selected choice is the answer; the script stores it at once.
        "select_saves": block.is_timed and lifecycle.answer_may_change(block=block, item=item),
        "shortcuts": getattr(request.user, "keyboard_shortcuts", True),
        # A fresh key per rendered form: the server accepts each submission once (retries are no-ops).
        "idempotency_key": uuid4(),
        "retry": settings.ANSWER_RETRY,
    }
    return render(request, "quizzes/item.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("answer", message="You are answering faster than anyone reads. Wait a second and submit again.")
def item_detail(request: HttpRequest, block_id: int, position: int) -> HttpResponse:
    block = block_for_owner(block_id=block_id, user=request.user)
    if request.method == "GET":
        was_open = not block.is_finished
        block = _expire_if_due(block)
        if was_open and block.is_finished:
            messages.info(request, "Time is up. The block is finished; here is your review.")
            return redirect("block_review", block_id=block.pk)
        return _render_item(request, block, block_item(block=block, position=position))

    letter = request.POST.get("choice", "").strip().upper()
    if len(letter) != 1 or letter not in LETTERS:
        return _answer_refused(request, block, position, "Choose one of the answer letters, then submit.")
    key = _idempotency_key(request)
    if key is False:
        damaged = "This answer form is damaged. Reload the page and answer again."
        return _answer_refused(request, block, position, damaged)
    try:
        result = item_answer(
            block=block, position=position, letter=letter, elapsed_ms=_elapsed(request), key=key or None
        )
    except Item.DoesNotExist:
        raise Http404("No such item in this block.") from None
    block = result.block
    here = reverse("item_detail", args=[block.pk, position])
    review = reverse("block_review", args=[block.pk])
    # A timed selection the script stored on its own (no Submit press): the student stays where they are.
    autosave = request.POST.get("autosave") == "1"

    match result.outcome:
        case AnswerOutcome.INVALID:
            return _answer_refused(request, block, position, f"This question has no choice {letter}.")
        case AnswerOutcome.TOO_LATE:
            if _wants_json(request):
                return JsonResponse(
                    {"error": "Time is up: the block is finished.", "next": review}, status=409
                )
            return render(request, "quizzes/time_up.html", {"practice_block": block}, status=409)
        case AnswerOutcome.FINISHED:
            return _answer_reply(
                request, "finished", review, "This block is finished, so answers can no longer change.", 409
            )
        case AnswerOutcome.SUSPENDED:
            return _answer_reply(
                request,
                "suspended",
                here,
                "This block is suspended: resume it to answer. Nothing was lost.",
                409,
            )
        case AnswerOutcome.LOCKED:
            return _answer_reply(
                request, "locked", here, "You already answered this question; your first answer stands.", 409
            )
    # Recorded, unchanged or a retry of an accepted submission: the same reply either way.
    if autosave:
        return _answer_reply(request, result.outcome, here)
    if block.is_timed:
        if position < block.item_count:
            return _answer_reply(
                request, result.outcome, reverse("item_detail", args=[block.pk, position + 1])
            )
        return _answer_reply(
            request,
            result.outcome,
            here,
            "Answer saved. That was the last item: review your flags or finish the block.",
        )
    # Tutor: the page reloads with the verdict, which takes the focus (block.js) and is announced.
    return _answer_reply(request, result.outcome, here + "#verdict")


def _wants_json(request: HttpRequest) -> bool:
    """The answer script asks for JSON; a plain form post gets pages and redirects."""
    return "application/json" in request.headers.get("Accept", "")


def _answer_reply(request: HttpRequest, status: str, next_url: str, message: str = "", code: int = 200):
    """Where to go after an answer: JSON for the answer script, else a 303 with an optional flash message."""
    if message:
        messages.info(request, message)
    if _wants_json(request):
        reply = {"status": str(status), "next": next_url}
        if code >= 400 and message:
            reply["error"] = message
        return JsonResponse(reply, status=code)
    return _see_other(next_url)


def _answer_refused(request: HttpRequest, block: Block, position: int, error: str) -> HttpResponse:
    item = block_item(block=block, position=position)
    if _wants_json(request):
        return JsonResponse({"error": error}, status=400)
    return _render_item(request, block, item, status=400, error=error)


def _idempotency_key(request: HttpRequest) -> UUID | bool | None:
    """The submission's key: a UUID, None when the form sent none, False when it is not a UUID."""
    raw = request.POST.get("idempotency_key", "")
    if not raw:
        return None
    try:
        return UUID(raw[:64])
    except ValueError:
        return False


def _elapsed(request: HttpRequest) -> int | None:
    """Milliseconds the browser says the student spent on the item; None if absent or nonsense."""
    return ascii_int(request.POST.get("elapsed_ms", ""), max_digits=9)


@login_required
@require_POST
def item_flag_toggle(request: HttpRequest, block_id: int, position: int) -> HttpResponse:
    block = block_for_owner(block_id=block_id, user=request.user)
    block_item(block=block, position=position)  # 404 for a position outside the block
    item = item_flag(block=block, position=position)
    if request.htmx:
        return render(
            request,
            "quizzes/_partials/_flag_button.html",
            {"practice_block": block, "item": item, "oob_cell": True},
        )
    return _see_other(reverse("item_detail", args=[block.pk, position]))


@login_required
@require_POST
def block_finish_view(request: HttpRequest, block_id: int) -> HttpResponse:
    block = block_for_owner(block_id=block_id, user=request.user)
    # "End block" from a timed question carries the choice on screen: it is the
    # answer, stored first (inside the grace) so ending never drops it.
    letter = request.POST.get("choice", "").strip().upper()
    position = ascii_int(request.POST.get("position", ""), max_digits=2)
    if block.is_timed and position and len(letter) == 1 and letter in LETTERS:
        with contextlib.suppress(Item.DoesNotExist):  # not an item of this block: end it all the same
            item_answer(block=block, position=position, letter=letter)
    block = block_finish(block=block)
    return _see_other(reverse("block_review", args=[block.pk]))


@login_required
@require_POST
@rate_limit("marks", message="Too many changes at once. Wait a moment; your marks are kept on this page.")
def item_marks(request: HttpRequest, block_id: int, position: int) -> HttpResponse:
    """Highlights in the stem and struck-out choices, stored per item (sent by the script as they change)."""
    block = block_for_owner(block_id=block_id, user=request.user)
    highlights = _highlights(request.POST.get("highlights"))
    struck = request.POST.get("struck")
    if highlights is False:
        return JsonResponse({"error": "The highlights sent are not a list of text ranges."}, status=400)
    if struck is not None:
        struck = struck_clean(struck)
        if struck is None:
            return JsonResponse({"error": "Struck-out choices must be answer letters A to F."}, status=400)
    try:
        item = item_marks_save(block=block, position=position, highlights=highlights, struck=struck)
    except Item.DoesNotExist:
        raise Http404("No such item in this block.") from None
    if not _wants_json(request):
        return _see_other(reverse("item_detail", args=[block.pk, position]))
    return JsonResponse({"highlights": item.highlights, "struck": item.struck})


def _highlights(raw: str | None) -> list[list[int]] | bool | None:
    """The highlights field: None when absent, False when it is not [[start, end], ...] of small integers."""
    if raw is None:
        return None
    if len(raw) > 20_000:
        return False
    try:
        ranges = json.loads(raw)
    except ValueError:
        return False
    clean = highlights_clean(ranges)
    return False if clean is None else clean


@login_required
@require_POST
@rate_limit("marks", message="Too many changes at once. Wait a moment, then try again.")
def block_suspend_view(request: HttpRequest, block_id: int) -> HttpResponse:
    """Suspend a timed block: its clock stands still until the student resumes it."""
    block = _expire_if_due(block_for_owner(block_id=block_id, user=request.user))
    if block.is_finished:
        return _see_other(reverse("block_review", args=[block.pk]))
    if not block.is_timed:
        messages.info(
            request, "Tutor blocks have no clock: leave whenever you like and resume from My blocks."
        )
        return _see_other(reverse("block_list"))
    # "Suspend" from a question carries the choice on screen, stored first like "End block".
    letter = request.POST.get("choice", "").strip().upper()
    position = ascii_int(request.POST.get("position", ""), max_digits=2)
    if position and len(letter) == 1 and letter in LETTERS:
        with contextlib.suppress(Item.DoesNotExist):
            item_answer(block=block, position=position, letter=letter)
    block = block_suspend(block=block)
    if block.is_suspended:
        left = lifecycle.block_seconds_left(block) or 0
        messages.success(
            request,
            f"Block suspended with {left // 60}:{left % 60:02d} left on its clock. "
            "Resume it from the dashboard or My blocks; the clock starts again where it stopped.",
        )
    return _see_other(reverse("block_list"))


@login_required
@require_POST
@rate_limit("marks", message="Too many changes at once. Wait a moment, then try again.")
def block_unsuspend_view(request: HttpRequest, block_id: int) -> HttpResponse:
    block = block_unsuspend(block=block_for_owner(block_id=block_id, user=request.user))
    if block.is_finished:
        return _see_other(reverse("block_review", args=[block.pk]))
    position = ascii_int(request.POST.get("position", ""), max_digits=2)
    if position and 1 <= position <= block.item_count:
        return _see_other(reverse("item_detail", args=[block.pk, position]))
    return _see_other(reverse("block_resume", args=[block.pk]))


@login_required
@require_POST
@rate_limit("marks", message="Too many changes at once. Wait a moment, then try again.")
def block_rename_view(request: HttpRequest, block_id: int) -> HttpResponse:
    block = block_for_owner(block_id=block_id, user=request.user)
    name = request.POST.get("name", "")
    if len(name) > 200:
        return render(
            request, "400.html", {"message": "A block name can be at most 80 characters."}, status=400
        )
    block_rename(block=block, name=name)
    messages.success(request, f"Block renamed “{block.name}”.")
    return _see_other(reverse("block_list"))

"""My blocks, the review of a finished block, and "Retake incorrect"."""

import json
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from notes.selectors import notes_for
from quizzes.forms import RetakeForm, ReviewFilterForm
from quizzes.lifecycle import block_time_used, review_may_be_shown
from quizzes.models import Item
from quizzes.selectors import (
    NO_SHARES,
    PeerShares,
    block_for_owner,
    blocks_for_owner,
    peer_shares,
    review_breakdown,
    review_items,
)
from quizzes.services import (
    NoQuestionsMatch,
    block_finish_expired,
    block_retake_count,
    block_retake_incorrect,
)
from usmle_quiz.ascii_numbers import ascii_int
from usmle_quiz.ratelimits import rate_limit

BLOCKS_PER_PAGE = 20


@login_required
@require_GET
def block_list(request: HttpRequest) -> HttpResponse:
    block_finish_expired(user=request.user)
    blocks = blocks_for_owner(user=request.user)
    in_progress = list(blocks.filter(finished_at__isnull=True))
    finished = Paginator(blocks.filter(finished_at__isnull=False), BLOCKS_PER_PAGE).get_page(
        ascii_int(request.GET.get("page", ""), max_digits=6) or 1
    )
    return render(request, "quizzes/block_list.html", {"in_progress": in_progress, "finished": finished})


@dataclass(frozen=True)
class ReviewRow:
    """One item of the review: the summary table's line and the expanded item below it."""

    item: Item
    choices: list
    shares: PeerShares
    note: object
    correct_letter: str

    @property
    def peer_percent_correct(self) -> int | None:
        """The share of other students' answered first attempts that were right; None below the minimum."""
        return self.shares.percent(self.correct_letter) if self.shares.shown else None

    @property
    def highlights_json(self) -> str:
        return json.dumps(self.item.highlights or [])


def _review_row(item: Item, shares: PeerShares, note) -> ReviewRow:
    choices = list(item.question.choices.all())
    correct = next((choice.letter for choice in choices if choice.is_correct), "")
    return ReviewRow(item, choices, shares, note, correct)


@login_required
@require_GET
def block_review(request: HttpRequest, block_id: int) -> HttpResponse:
    block = block_for_owner(block_id=block_id, user=request.user)
    if not review_may_be_shown(block=block):
        messages.info(request, "Finish the block to see its review.")
        return redirect("block_resume", block_id=block.pk)
    filter_form = ReviewFilterForm(request.GET)
    show = filter_form.cleaned_data.get("show") if filter_form.is_valid() else ""
    all_items = review_items(block=block)
    items = [
        item
        for item in all_items
        if show in ("", "all")
        or (show == "incorrect" and item.is_correct is not True)
        or (show == "omitted" and item.omitted)
        or (show == "flagged" and item.flagged)
    ]
    shares = peer_shares(question_ids=[item.question_id for item in all_items])
    notes = notes_for(user=request.user, question_ids=[item.question_id for item in all_items])
    rows = [
        _review_row(item, shares.get(item.question_id, NO_SHARES), notes.get(item.question_id))
        for item in all_items
    ]
    shown = {item.pk for item in items}
    context = {
        "practice_block": block,
        # The summary table lists every item; the filter narrows the table and the items below it.
        "rows": [row for row in rows if row.item.pk in shown],
        "all_count": len(all_items),
        "flagged_count": sum(1 for item in all_items if item.flagged),
        "show": show or "all",
        "time_used_ms": int(block_time_used(block).total_seconds() * 1000),
        "omitted": block.item_count - (block.answered_count or 0),
        "total_time_ms": sum(item.time_spent_ms for item in all_items),
        "by_subject": review_breakdown(all_items, lambda question: question.subject.name),
        "by_system": review_breakdown(all_items, lambda question: question.system.name),
        "incorrect_count": sum(1 for item in all_items if item.is_correct is False and not item.omitted),
        "omitted_count": sum(1 for item in all_items if item.omitted),
        "retake_count": block_retake_count(block=block),
        "retake_form": RetakeForm(),
    }
    return render(request, "quizzes/review.html", context)


@login_required
@require_POST
@rate_limit(
    "block_create", message="You have built many blocks in the last minute. Wait a little, then try again."
)
def block_retake(request: HttpRequest, block_id: int) -> HttpResponse:
    block = block_for_owner(block_id=block_id, user=request.user)
    if not review_may_be_shown(block=block):
        messages.info(request, "Finish the block before retaking its incorrect questions.")
        return redirect("block_resume", block_id=block.pk)
    form = RetakeForm(request.POST)
    if not form.is_valid():
        return render(request, "400.html", {"message": "Choose tutor or timed mode."}, status=400)
    try:
        new_block = block_retake_incorrect(block=block, mode=form.cleaned_data["mode"])
    except NoQuestionsMatch:
        messages.info(
            request,
            "Nothing to retake: every question of this block was answered correctly, "
            "or the ones you missed are in another open block now.",
        )
        return redirect("block_review", block_id=block.pk)
    response = redirect("block_resume", block_id=new_block.pk)
    response.status_code = 303
    return response

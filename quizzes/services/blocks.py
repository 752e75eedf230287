"""Building, answering, flagging and finishing blocks.

Lock order, everywhere: the block row, then its item row, then history rows
(in question order). Answers and finishing both lock the block first, so a
finish can never miss an answer that is being written at the same moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from uuid import UUID

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from accounts.models import User
from quizzes.models import AnswerReceipt, Block, Choice, Item
from quizzes.selectors import draw_question_ids, pool_questions
from quizzes.services.history import (
    Attempt,
    attempts_finalize,
    history_rows_locked,
    questions_mark_seen,
)

# An answer that left the browser just before the deadline may arrive a little
# after it; this much lateness is forgiven.
DEADLINE_GRACE = timedelta(seconds=5)
# Time spent on one item is clamped to this, so a tab left open overnight
# does not ruin "average time per question".
MAX_ITEM_TIME_MS = 30 * 60 * 1000


class NoQuestionsMatch(Exception):
    """The pool and filters leave no question to draw."""


@transaction.atomic
def block_create(
    *,
    owner: User,
    mode: str,
    pool: str,
    size: int,
    subject_ids: list[int] | None = None,
    system_ids: list[int] | None = None,
    subject_slugs: list[str] | None = None,
    system_slugs: list[str] | None = None,
) -> Block:
    """Draw up to `size` questions from the pool; fewer if fewer match (Block.item_count says how many)."""
    candidates = pool_questions(
        user=owner, pool=pool, subject_ids=subject_ids or [], system_ids=system_ids or []
    )
    question_ids = draw_question_ids(candidates, size)
    return block_create_from_questions(
        owner=owner,
        mode=mode,
        pool=pool,
        size_requested=size,
        question_ids=question_ids,
        subject_slugs=subject_slugs or [],
        system_slugs=system_slugs or [],
    )


@transaction.atomic
def block_retake_incorrect(*, block: Block, mode: str) -> Block:
    """A new block of the questions this block's owner answered incorrectly in it."""
    question_ids = list(
        block.items.filter(is_correct=False).order_by("position").values_list("question_id", flat=True)
    )
    return block_create_from_questions(
        owner=block.owner,
        mode=mode,
        pool=Block.Pool.INCORRECT,
        size_requested=len(question_ids) or 1,
        question_ids=question_ids,
        subject_slugs=[],
        system_slugs=[],
    )


@transaction.atomic
def block_create_from_questions(
    *,
    owner: User,
    mode: str,
    pool: str,
    size_requested: int,
    question_ids: list[int],
    subject_slugs: Sequence[str] = (),
    system_slugs: Sequence[str] = (),
) -> Block:
    """A block of exactly these questions, in this order (at most 40)."""
    if not question_ids:
        raise NoQuestionsMatch
    question_ids = question_ids[: Block.MAX_SIZE]
    now = timezone.now()
    block = Block.objects.create(
        owner=owner,
        mode=mode,
        pool=pool,
        size_requested=size_requested,
        item_count=len(question_ids),
        subject_slugs=list(subject_slugs),
        system_slugs=list(system_slugs),
        deadline=(
            now + timedelta(seconds=Block.SECONDS_PER_ITEM * len(question_ids))
            if mode == Block.Mode.TIMED
            else None
        ),
    )
    Item.objects.bulk_create(
        Item(block=block, question_id=question_id, position=position)
        for position, question_id in enumerate(question_ids, start=1)
    )
    questions_mark_seen(user=owner, question_ids=question_ids)
    return block


class AnswerOutcome(StrEnum):
    RECORDED = "recorded"  # stored (or, in timed mode, replaced the earlier choice)
    UNCHANGED = "unchanged"  # the same letter again: a double click or a retry
    LOCKED = "locked"  # tutor mode: already answered with another letter; the first stands
    FINISHED = "finished"  # the block was already finished; nothing stored
    TOO_LATE = "too_late"  # past the timed deadline; nothing stored, the block is now finished
    INVALID = "invalid"  # the letter is not one of this question's choices
    DUPLICATE = "duplicate"  # this very submission (key and letter) was accepted before: a retry


@dataclass(frozen=True)
class AnswerResult:
    outcome: AnswerOutcome
    block: Block  # as it stands after the answer (a late answer finishes it)


@transaction.atomic
def item_answer(
    *, block: Block, position: int, letter: str, elapsed_ms: int | None = None, key: UUID | None = None
) -> AnswerResult:
    """Answer item `position` of `block` with `letter`; safe to repeat and to race.

    `key` is the submission's idempotency key: a submission whose key and
    letter were accepted before is a retry and changes nothing.
    Raises Item.DoesNotExist for a position outside the block.
    """
    owner = block.owner if Block.owner.is_cached(block) else None
    # Race: a double click, a retry and a second tab can post at once; the
    # block row lock makes them take turns, and each sees the others' result.
    block = Block.objects.select_for_update().get(pk=block.pk)
    if owner is not None:
        block.owner = owner
    item = Item.objects.annotate(subject_id=F("question__subject_id")).get(block=block, position=position)
    now = timezone.now()

    if block.is_finished:
        return AnswerResult(AnswerOutcome.FINISHED, block)
    if block.is_timed and now > block.deadline + DEADLINE_GRACE:
        _finish_locked(block=block, now=now)
        return AnswerResult(AnswerOutcome.TOO_LATE, block)

    if key is not None and AnswerReceipt.objects.filter(item=item, key=key, letter=letter).exists():
        return AnswerResult(AnswerOutcome.DUPLICATE, block)
    choices = dict(Choice.objects.filter(question_id=item.question_id).values_list("letter", "is_correct"))
    if letter not in choices:
        return AnswerResult(AnswerOutcome.INVALID, block)
    if item.chosen_letter == letter:
        return AnswerResult(AnswerOutcome.UNCHANGED, block)
    if item.is_answered and not block.is_timed:
        return AnswerResult(AnswerOutcome.LOCKED, block)

    item.time_spent_ms = min(
        item.time_spent_ms + _elapsed_ms(block=block, item=item, elapsed_ms=elapsed_ms, now=now),
        MAX_ITEM_TIME_MS,
    )
    item.chosen_letter = letter
    item.is_correct = choices[letter]
    item.answered_at = now
    item.save(update_fields=["chosen_letter", "is_correct", "answered_at", "time_spent_ms"])
    if key is not None:
        AnswerReceipt.objects.create(item=item, key=key, letter=letter)
    if not block.is_timed:
        # Tutor mode: the answer is final the moment it is given.
        attempts_finalize(
            user=block.owner,
            attempts=[Attempt(item.question_id, letter, item.is_correct, now, item.subject_id)],
        )
    return AnswerResult(AnswerOutcome.RECORDED, block)


def _elapsed_ms(*, block: Block, item: Item, elapsed_ms: int | None, now) -> int:
    """Time on the item: the browser's measure if sent, else the gap since the block's last answer."""
    if elapsed_ms is not None:
        return max(0, min(elapsed_ms, MAX_ITEM_TIME_MS))
    last = block.items.exclude(pk=item.pk).aggregate(last=Max("answered_at"))["last"]
    start = max(filter(None, [block.created_at, last]))
    return max(0, min(int((now - start).total_seconds() * 1000), MAX_ITEM_TIME_MS))


@transaction.atomic
def item_flag(*, block: Block, position: int) -> Item:
    """Toggle the item's flag; the question joins or leaves the student's flagged pool."""
    item = Item.objects.select_for_update().get(block=block, position=position)
    item.flagged = not item.flagged
    item.save(update_fields=["flagged"])
    row = history_rows_locked(user=block.owner, question_ids=[item.question_id])[item.question_id]
    row.flagged = item.flagged
    row.save(update_fields=["flagged"])
    return item


@transaction.atomic
def block_finish(*, block: Block) -> Block:
    """End the block: timed answers become final, the score is computed. Finishing twice is harmless."""
    block = Block.objects.select_for_update().get(pk=block.pk)
    if not block.is_finished:
        _finish_locked(block=block, now=timezone.now())
    return block


def _finish_locked(*, block: Block, now) -> None:
    items = list(
        block.items.only("question_id", "chosen_letter", "is_correct", "answered_at").annotate(
            subject_id=F("question__subject_id")
        )
    )
    answered = [item for item in items if item.is_answered]
    if block.is_timed:
        attempts_finalize(
            user=block.owner,
            attempts=[
                Attempt(item.question_id, item.chosen_letter, bool(item.is_correct), now, item.subject_id)
                for item in answered
            ],
        )
    AnswerReceipt.objects.filter(item__block=block).delete()  # answers are final: no retry can change them
    block.finished_at = now
    block.answered_count = len(answered)
    block.correct_count = sum(1 for item in answered if item.is_correct)
    block.save(update_fields=["finished_at", "answered_count", "correct_count"])


def block_finish_expired(*, user: User) -> int:
    """Finish the student's timed blocks whose clock ran out while nobody was looking."""
    expired = Block.objects.filter(
        owner=user,
        mode=Block.Mode.TIMED,
        finished_at__isnull=True,
        deadline__lt=timezone.now() - DEADLINE_GRACE,
    ).only("pk")
    for block in expired:
        block_finish(block=block)
    return len(expired)

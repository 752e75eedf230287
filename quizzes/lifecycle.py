"""The rules of a block's life, each in one named function.

Views, services, selectors, templates (through the context) and the API all
ask these, so each rule has one home:

- the clock: `block_deadline`, `block_seconds_left`, `block_is_expired` (the deadline and its grace);
- suspending: `block_may_suspend`, `questions_may_be_shown`, `block_resume_clock` (the clock stands still);
- when an attempt is final: `attempt_is_final` (`final_attempts` in SQL);
- when the key may be shown: `key_may_be_shown`, `review_may_be_shown`;
- what an unanswered item becomes: `item_is_omitted`;
- which questions a new block may draw: `questions_drawable`.

Omitted is spent: an item left unanswered when its block finishes is a final,
incorrect attempt (its key is shown in the review), so the question can never
score later. One open block per question: a question sits in at most one of a
student's unfinished blocks, so no block can show the key of another's item.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from quizzes.models import Block, Item, Question

SECONDS_PER_ITEM = Block.SECONDS_PER_ITEM
# An answer (or a timed selection) that left the browser just before the
# deadline may arrive a little after it; this much lateness is forgiven.
DEADLINE_GRACE = timedelta(seconds=5)


# --- The clock ------------------------------------------------------------------


def block_deadline(*, mode: str, item_count: int, start: datetime) -> datetime | None:
    """A timed block ends 90 seconds per item after it was built; a tutor block has no clock."""
    if mode != Block.Mode.TIMED:
        return None
    return start + timedelta(seconds=SECONDS_PER_ITEM * item_count)


def block_seconds_left(block: Block, *, now: datetime | None = None) -> int | None:
    """Whole seconds on the clock of an unfinished timed block (never negative); None without a clock.

    A suspended block's clock stands at what was left when it was suspended.
    """
    if not block.is_timed or block.is_finished:
        return None
    at = block.suspended_at or now or timezone.now()
    return max(0, int((block.deadline - at).total_seconds()))


def block_is_expired(block: Block, *, now: datetime | None = None) -> bool:
    """An unfinished, running timed block past its deadline and the grace: the next request finishes it."""
    if not block.is_timed or block.is_finished or block.is_suspended:
        return False
    return (now or timezone.now()) > block.deadline + DEADLINE_GRACE


def expired_blocks(*, user) -> QuerySet[Block]:
    """The student's unfinished timed blocks whose clock (plus the grace) ran out: the same rule in SQL."""
    return Block.objects.filter(
        owner=user,
        mode=Block.Mode.TIMED,
        finished_at__isnull=True,
        suspended_at__isnull=True,
        deadline__lt=timezone.now() - DEADLINE_GRACE,
    )


# --- Suspend and resume -------------------------------------------------------------


def block_may_suspend(block: Block, *, now: datetime | None = None) -> bool:
    """A running timed block with time left may be suspended; tutor blocks have no clock to stop."""
    return (
        block.is_timed
        and not block.is_finished
        and not block.is_suspended
        and not block_is_expired(block, now=now)
    )


def questions_may_be_shown(*, block: Block) -> bool:
    """While suspended the clock stands still, so the questions are hidden too (no reading off the clock)."""
    return not block.is_suspended


def block_resume_clock(block: Block, *, now: datetime) -> timedelta:
    """The time a suspended block stood still; its deadline moves on by exactly that."""
    return max(timedelta(0), now - block.suspended_at)


def block_time_used(block: Block) -> timedelta:
    """A finished block's time from start to finish, less the time it stood suspended (no clock ran)."""
    spent = block.finished_at - block.created_at - timedelta(seconds=block.suspended_seconds)
    return max(timedelta(0), spent)


# --- Finality and the key --------------------------------------------------------


def attempt_is_final(*, block: Block, item: Item) -> bool:
    """Tutor: an answer is final once given. Timed: every item is final when the block finishes."""
    if block.is_finished:
        return True
    return not block.is_timed and item.is_answered


def final_attempts() -> Q:
    """`attempt_is_final` for querysets of items: tutor answers, and every item of a finished block."""
    return Q(block__mode=Block.Mode.TUTOR, answered_at__isnull=False) | Q(block__finished_at__isnull=False)


def review_may_be_shown(*, block: Block) -> bool:
    """The review shows every key, so only a finished block has one."""
    return block.is_finished


def key_may_be_shown(*, block: Block, item: Item) -> bool:
    """The correct letter, explanation, objective and peer shares: only once the attempt is final."""
    return attempt_is_final(block=block, item=item)


def answer_may_change(*, block: Block, item: Item) -> bool:
    """Timed: until the block finishes (not while it is suspended). Tutor: never once given."""
    return not attempt_is_final(block=block, item=item) and not block.is_suspended


def item_is_omitted(*, block: Block, item: Item) -> bool:
    """Left unanswered when the block finished: a spent, incorrect attempt."""
    return block.is_finished and not item.is_answered


# --- Drawing a new block ------------------------------------------------------------


def open_block_items(*, user) -> QuerySet[Item]:
    """Items of the student's unfinished blocks."""
    return Item.objects.filter(block__owner=user, block__finished_at__isnull=True)


def questions_drawable(questions: QuerySet[Question], *, user) -> QuerySet[Question]:
    """The questions a new block may draw: never one that sits in another unfinished block of the student.

    Without this, the flagged pool (or "Retake", or a second block) could put
    an open timed block's question into a tutor block, show its key there, and
    let the student go back and answer the timed block knowing it.
    """
    # NOT IN over the student's few open items (a hashed subplan, computed once), not a correlated
    # EXISTS per candidate, which would probe every student's items of each of thousands of questions.
    return questions.exclude(pk__in=open_block_items(user=user).values("question_id"))

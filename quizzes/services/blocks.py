"""Building, answering, flagging and finishing blocks.

Lock order, everywhere: the student's user row (`standing_lock`, only where
an attempt becomes final or a block is built), then the block row, then its
item row, then history rows (in question order), then score aggregates.
Answers and finishing both lock the block, so a finish can never miss an
answer that is being written at the same moment. The rules these follow
(the clock, finality, omitted, what a block may draw) live in
quizzes.lifecycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from accounts.models import User
from leaderboard.services import standing_lock
from quizzes import lifecycle
from quizzes.models import LETTERS, AnswerReceipt, Block, Choice, Item, Question, Subject, System
from quizzes.selectors import draw_question_ids, pool_questions
from quizzes.services.history import (
    Attempt,
    attempts_finalize,
    history_rows_locked,
    omitted_attempt,
    questions_mark_seen,
)
from usmle_quiz import metrics, operations

# Time spent on one item is clamped to this, so a tab left open overnight
# does not ruin "average time per question".
MAX_ITEM_TIME_MS = 30 * 60 * 1000
BLOCK_NAME_MAX = Block._meta.get_field("name").max_length


class NoQuestionsMatch(Exception):
    """The pool and filters leave no question to draw."""


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
    """Draw up to `size` questions from the pool; fewer if fewer match (Block.item_count says how many).

    Never a question that sits in another of the student's unfinished blocks.
    """
    # Blocks whose clock ran out are finished first (each in its own
    # transaction, as the lock order wants), so their questions may be drawn.
    block_finish_expired(user=owner)
    with transaction.atomic():
        # Race: two Create Test posts at once could both draw the same free
        # question; the student's row lock makes them take turns.
        standing_lock(user_id=owner.pk)
        candidates = pool_questions(
            user=owner, pool=pool, subject_ids=subject_ids or [], system_ids=system_ids or []
        )
        question_ids = draw_question_ids(lifecycle.questions_drawable(candidates, user=owner), size)
        return _block_insert(
            owner=owner,
            mode=mode,
            pool=pool,
            size_requested=size,
            question_ids=question_ids,
            subject_slugs=subject_slugs or [],
            system_slugs=system_slugs or [],
        )


def block_retake_incorrect(*, block: Block, mode: str) -> Block:
    """A new block of the questions this block's owner got wrong or omitted in it.

    Questions that have since gone into another open block stay there.
    """
    block_finish_expired(user=block.owner)
    with transaction.atomic():
        standing_lock(user_id=block.owner_id)
        question_ids = list(_retake_questions(block).order_by("items__position").values_list("id", flat=True))
        return _block_insert(
            owner=block.owner,
            mode=mode,
            pool=Block.Pool.INCORRECT,
            size_requested=len(question_ids) or 1,
            question_ids=question_ids,
            name=f"Retake: {block.name or f'block {block.pk}'}",
        )


def block_retake_count(*, block: Block) -> int:
    """How many questions "Retake incorrect and omitted" would put in a new block now."""
    return _retake_questions(block).count()


def _retake_questions(block: Block):
    """The block's incorrect and omitted questions still published and not in another open block."""
    published = pool_questions(user=block.owner, pool=Block.Pool.ALL)
    return lifecycle.questions_drawable(published, user=block.owner).filter(
        items__block=block, items__is_correct=False
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
    """A block of exactly these questions, in this order (at most 40), leaving out any in an open block."""
    standing_lock(user_id=owner.pk)
    free = set(
        lifecycle.questions_drawable(Question.objects.filter(pk__in=question_ids), user=owner).values_list(
            "pk", flat=True
        )
    )
    return _block_insert(
        owner=owner,
        mode=mode,
        pool=pool,
        size_requested=size_requested,
        question_ids=[question_id for question_id in question_ids if question_id in free],
        subject_slugs=subject_slugs,
        system_slugs=system_slugs,
    )


def _block_insert(
    *,
    owner: User,
    mode: str,
    pool: str,
    size_requested: int,
    question_ids: list[int],
    subject_slugs: Sequence[str] = (),
    system_slugs: Sequence[str] = (),
    name: str = "",
) -> Block:
    """Insert the block and its items; the caller holds the student's row lock, chose drawable questions."""
    if not question_ids:
        raise NoQuestionsMatch
    question_ids = question_ids[: Block.MAX_SIZE]
    block = Block.objects.create(
        owner=owner,
        mode=mode,
        pool=pool,
        size_requested=size_requested,
        item_count=len(question_ids),
        name=(name or block_default_name(pool=pool, subject_slugs=subject_slugs, system_slugs=system_slugs))[
            :BLOCK_NAME_MAX
        ],
        subject_slugs=list(subject_slugs),
        system_slugs=list(system_slugs),
        deadline=lifecycle.block_deadline(mode=mode, item_count=len(question_ids), start=timezone.now()),
    )
    Item.objects.bulk_create(
        Item(block=block, question_id=question_id, position=position)
        for position, question_id in enumerate(question_ids, start=1)
    )
    questions_mark_seen(user=owner, question_ids=question_ids)
    metrics.block_created_counted(mode=mode)
    return block


class AnswerOutcome(StrEnum):
    RECORDED = "recorded"  # stored (or, in timed mode, replaced the earlier choice)
    UNCHANGED = "unchanged"  # the same letter again: a double click or a retry
    LOCKED = "locked"  # tutor mode: already answered with another letter; the first stands
    FINISHED = "finished"  # the block was already finished; nothing stored
    TOO_LATE = "too_late"  # past the timed deadline; nothing stored, the block is now finished
    INVALID = "invalid"  # the letter is not one of this question's choices
    DUPLICATE = "duplicate"  # this very submission (key and letter) was accepted before: a retry
    SUSPENDED = "suspended"  # the block is suspended: its clock stands still and nothing changes


@dataclass(frozen=True)
class AnswerResult:
    outcome: AnswerOutcome
    block: Block  # as it stands after the answer (a late answer finishes it)


def item_answer(
    *, block: Block, position: int, letter: str, elapsed_ms: int | None = None, key: UUID | None = None
) -> AnswerResult:
    """Answer item `position` of `block` with `letter`; safe to repeat and to race.

    `key` is the submission's idempotency key: a submission whose key and
    letter were accepted before is a retry and changes nothing.
    Raises Item.DoesNotExist for a position outside the block.
    """
    # A deadline only moves while the block is suspended (and then it is not
    # expired), so a late answer can be told from the row we have; finishing
    # takes the locks in their order (user first).
    if lifecycle.block_is_expired(block):
        return AnswerResult(AnswerOutcome.TOO_LATE, block_finish(block=block))
    with transaction.atomic():
        result = _answer_locked(block=block, position=position, letter=letter, elapsed_ms=elapsed_ms, key=key)
    if result is None:  # the clock ran out while this answer waited for the block's lock
        return AnswerResult(AnswerOutcome.TOO_LATE, block_finish(block=block))
    return result


def _answer_locked(
    *, block: Block, position: int, letter: str, elapsed_ms: int | None, key: UUID | None
) -> AnswerResult | None:
    owner = block.owner if Block.owner.is_cached(block) else None
    # A tutor answer is final at once, so it scores: the student's row first (the lock order).
    standing = None if block.is_timed else standing_lock(user_id=block.owner_id)
    # Race: a double click, a retry and a second tab can post at once; the
    # block row lock makes them take turns, and each sees the others' result.
    block = Block.objects.select_for_update().get(pk=block.pk)
    if owner is not None:
        block.owner = owner
    item = Item.objects.annotate(subject_id=F("question__subject_id")).get(block=block, position=position)
    now = timezone.now()

    if block.is_finished:
        return AnswerResult(AnswerOutcome.FINISHED, block)
    if lifecycle.block_is_expired(block, now=now):
        return None
    if block.is_suspended:
        return AnswerResult(AnswerOutcome.SUSPENDED, block)

    if key is not None and AnswerReceipt.objects.filter(item=item, key=key, letter=letter).exists():
        return AnswerResult(AnswerOutcome.DUPLICATE, block)
    choices = dict(Choice.objects.filter(question_id=item.question_id).values_list("letter", "is_correct"))
    if letter not in choices:
        return AnswerResult(AnswerOutcome.INVALID, block)
    if item.chosen_letter == letter:
        return AnswerResult(AnswerOutcome.UNCHANGED, block)
    if not lifecycle.answer_may_change(block=block, item=item):
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
    if lifecycle.attempt_is_final(block=block, item=item):
        attempts_finalize(
            user=block.owner,
            attempts=[Attempt(item.question_id, letter, item.is_correct, now, item.subject_id)],
            standing=standing,
        )
    transaction.on_commit(operations.answer_record)  # the operations page's answers a minute
    metrics.answer_counted(mode=block.mode)
    return AnswerResult(AnswerOutcome.RECORDED, block)


def _elapsed_ms(*, block: Block, item: Item, elapsed_ms: int | None, now) -> int:
    """Time on the item: the browser's measure if sent, else the gap since the block's last answer."""
    if elapsed_ms is not None:
        return max(0, min(elapsed_ms, MAX_ITEM_TIME_MS))
    last = block.items.exclude(pk=item.pk).aggregate(last=Max("answered_at"))["last"]
    start = max(filter(None, [block.created_at, last]))
    return max(0, min(int((now - start).total_seconds() * 1000), MAX_ITEM_TIME_MS))


@transaction.atomic
def item_flag(*, block: Block, position: int, flagged: bool | None = None) -> Item:
    """Toggle the item's flag (or set it to `flagged`: a retried request then changes nothing);
    the question joins or leaves the student's flagged pool."""
    item = Item.objects.select_for_update().get(block=block, position=position)
    item.flagged = (not item.flagged) if flagged is None else flagged
    item.save(update_fields=["flagged"])
    row = history_rows_locked(user=block.owner, question_ids=[item.question_id])[item.question_id]
    row.flagged = item.flagged
    row.save(update_fields=["flagged"])
    return item


@transaction.atomic
def block_finish(*, block: Block) -> Block:
    """End the block: its attempts become final, the score is computed. Finishing twice is harmless."""
    standing = standing_lock(user_id=block.owner_id)
    owner = block.owner if Block.owner.is_cached(block) else None
    block = Block.objects.select_for_update().get(pk=block.pk)
    if owner is not None:
        block.owner = owner
    if not block.is_finished:
        _finish_locked(block=block, now=timezone.now(), standing=standing)
    return block


def _finish_locked(*, block: Block, now, standing) -> None:
    """Omitted is spent: every unanswered item becomes a final, incorrect attempt (quizzes.lifecycle)."""
    items = list(
        block.items.only("question_id", "chosen_letter", "is_correct", "answered_at").annotate(
            subject_id=F("question__subject_id")
        )
    )
    answered = [item for item in items if item.is_answered]
    unanswered = [item for item in items if not item.is_answered]
    attempts = [
        omitted_attempt(question_id=item.question_id, at=now, subject_id=item.subject_id)
        for item in unanswered
    ]
    if block.is_timed:
        # Tutor answers became final when they were given; timed answers become final now.
        attempts += [
            Attempt(item.question_id, item.chosen_letter, bool(item.is_correct), now, item.subject_id)
            for item in answered
        ]
    attempts_finalize(user=block.owner, attempts=attempts, standing=standing)
    if unanswered:
        Item.objects.filter(pk__in=[item.pk for item in unanswered]).update(omitted=True, is_correct=False)
    AnswerReceipt.objects.filter(item__block=block).delete()  # answers are final: no retry can change them
    block.finished_at = now
    block.answered_count = len(answered)
    block.correct_count = sum(1 for item in answered if item.is_correct)
    if block.suspended_at is not None:  # ended while suspended: the clock stopped there for good
        block.suspended_seconds += int(lifecycle.block_resume_clock(block, now=now).total_seconds())
        block.suspended_at = None
    block.save(
        update_fields=["finished_at", "answered_count", "correct_count", "suspended_at", "suspended_seconds"]
    )
    metrics.block_finished_counted(mode=block.mode)


@transaction.atomic
def block_suspend(*, block: Block) -> Block:
    """Stop a timed block's clock: it stands still (the questions hidden) until the student resumes."""
    block = Block.objects.select_for_update().select_related("owner").get(pk=block.pk)
    now = timezone.now()
    if lifecycle.block_may_suspend(block, now=now):
        block.suspended_at = now
        block.suspend_count += 1
        block.save(update_fields=["suspended_at", "suspend_count"])
    return block


@transaction.atomic
def block_unsuspend(*, block: Block) -> Block:
    """Start a suspended block's clock again where it stopped: the deadline moves on by the pause."""
    block = Block.objects.select_for_update().select_related("owner").get(pk=block.pk)
    if block.is_suspended:
        now = timezone.now()
        pause = lifecycle.block_resume_clock(block, now=now)
        block.deadline += pause
        block.suspended_seconds += int(pause.total_seconds())
        block.suspended_at = None
        block.save(update_fields=["deadline", "suspended_seconds", "suspended_at"])
    return block


def block_rename(*, block: Block, name: str) -> Block:
    """A student's own name for a block; blank restores the default made from its filters."""
    name = " ".join(name.split())[:BLOCK_NAME_MAX] or block_default_name(
        pool=block.pool, subject_slugs=block.subject_slugs, system_slugs=block.system_slugs
    )
    Block.objects.filter(pk=block.pk).update(name=name)
    block.name = name
    return block


def block_default_name(*, pool: str, subject_slugs: Sequence[str], system_slugs: Sequence[str]) -> str:
    """ "Pathology · Cardiovascular", "Incorrect · All subjects": the filters a block was built from."""
    parts = []
    if pool != Block.Pool.ALL:
        parts.append(Block.Pool(pool).label)
    names = _taxonomy_names(Subject, subject_slugs) + _taxonomy_names(System, system_slugs)
    if len(names) > 3:
        names = [*names[:3], f"+{len(names) - 3} more"]
    parts.append(", ".join(names) if names else "All subjects")
    return " \u00b7 ".join(parts)[:BLOCK_NAME_MAX]


def _taxonomy_names(model, slugs: Sequence[str]) -> list[str]:
    if not slugs:
        return []
    by_slug = dict(model.objects.filter(slug__in=list(slugs)).values_list("slug", "name"))
    return [by_slug[slug] for slug in slugs if slug in by_slug]


# Highlights: at most this many ranges per item (a whole stem highlighted sentence by sentence fits).
MAX_HIGHLIGHTS = 60
# A stem is a few thousand characters; a range end beyond this is not a range in it.
MAX_HIGHLIGHT_OFFSET = 100_000


def highlights_clean(ranges: object) -> list[list[int]] | None:
    """`ranges` as [[start, end], ...] of small non-negative integers; None when it is not that shape
    (the question page's script and the API send the same)."""
    if not isinstance(ranges, list) or len(ranges) > MAX_HIGHLIGHTS * 2:
        return None
    clean = []
    for pair in ranges:
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(type(number) is int and 0 <= number <= MAX_HIGHLIGHT_OFFSET for number in pair)
        ):
            return None
        clean.append([pair[0], pair[1]])
    return clean


def struck_clean(struck: object) -> str | None:
    """Struck-out choices as upper-case answer letters; None when they are not answer letters."""
    if not isinstance(struck, str):
        return None
    struck = struck.strip().upper()
    if len(struck) > len(LETTERS) or any(letter not in LETTERS for letter in struck):
        return None
    return struck


def item_marks_save(
    *, block: Block, position: int, highlights: list[list[int]] | None, struck: str | None
) -> Item:
    """Store the student's highlights (merged, sorted ranges) and struck-out letters on the item.

    Either may be None (left as it is). Raises Item.DoesNotExist for a position outside the block.
    """
    item = Item.objects.get(block=block, position=position)
    fields = []
    if highlights is not None:
        item.highlights = merge_ranges(highlights)[:MAX_HIGHLIGHTS]
        fields.append("highlights")
    if struck is not None:
        item.struck = "".join(sorted(set(struck)))
        fields.append("struck")
    if fields:
        Item.objects.filter(pk=item.pk).update(**{field: getattr(item, field) for field in fields})
    return item


def merge_ranges(ranges: list[list[int]]) -> list[list[int]]:
    """Sorted, non-overlapping [start, end) ranges: overlapping and touching ones become one."""
    merged: list[list[int]] = []
    for start, end in sorted((start, end) for start, end in ranges if start < end):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def block_finish_expired(*, user: User) -> int:
    """Finish the student's timed blocks whose clock ran out while nobody was looking."""
    expired = list(lifecycle.expired_blocks(user=user).only("pk", "owner_id", "mode", "deadline"))
    for block in expired:
        block_finish(block=block)
    return len(expired)

"""A student's history with each question: first attempts, pools, resets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from leaderboard.services import FirstAttempt, Standing, score_record, standing_lock
from quizzes.models import UserQuestion


@dataclass(frozen=True)
class Attempt:
    question_id: int
    letter: str  # empty for an omitted item
    correct: bool
    at: datetime  # when the attempt became final: the answer (tutor) or the block's end (timed)
    subject_id: int | None = None  # the question's subject, if the caller has it (saves a query)
    omitted: bool = False  # left unanswered when its block finished: spent, incorrect


def omitted_attempt(*, question_id: int, at: datetime, subject_id: int | None = None) -> Attempt:
    return Attempt(question_id, "", False, at, subject_id, omitted=True)


def history_rows_locked(*, user: User, question_ids: Iterable[int]) -> dict[int, UserQuestion]:
    """The student's history rows for these questions, created if missing, locked for update.

    Race: two tabs (or two blocks) finalising the same question at once. The
    insert ignores conflicts so both see one row; the row lock then makes the
    second wait and see the first attempt already recorded. Rows are locked in
    question order so two transactions never wait on each other in a cycle.
    """
    question_ids = sorted(set(question_ids))
    locked = (
        UserQuestion.objects.select_for_update()
        .filter(user=user, question_id__in=question_ids)
        .order_by("question_id")
    )
    rows = {row.question_id: row for row in locked}
    if len(rows) < len(question_ids):
        # Building a block creates the rows, so this is rare (a question answered
        # through another path); lock again after inserting the missing ones.
        UserQuestion.objects.bulk_create(
            [UserQuestion(user=user, question_id=question_id) for question_id in question_ids],
            ignore_conflicts=True,
        )
        rows = {row.question_id: row for row in locked.all()}
    return rows


def attempts_finalize(
    *, user: User, attempts: list[Attempt], standing: Standing | None = None
) -> list[Attempt]:
    """Record final attempts; returns those that were the student's first at their question.

    Must run inside the caller's transaction (answering or finishing a block),
    so the attempt, the history and the score aggregates commit together or
    not at all. `standing` comes from `standing_lock`, which a caller holding
    a block lock must have taken first (the lock order: user, block, item,
    history, aggregates); without it, the user row is locked here.
    """
    if not attempts:
        return []
    if standing is None:
        standing = standing_lock(user_id=user.pk)
    rows = history_rows_locked(user=user, question_ids=[attempt.question_id for attempt in attempts])
    firsts = []
    for attempt in attempts:
        row = rows[attempt.question_id]
        if row.first_answered_at is None:
            row.first_letter = attempt.letter
            row.first_correct = attempt.correct
            row.first_omitted = attempt.omitted
            row.first_answered_at = attempt.at
            firsts.append(attempt)
        row.seen = True
        row.last_correct = attempt.correct
        row.last_omitted = attempt.omitted
        row.last_answered_at = attempt.at
        row.times_answered += 1
    UserQuestion.objects.bulk_update(
        rows.values(),
        [
            "first_letter",
            "first_correct",
            "first_omitted",
            "first_answered_at",
            "seen",
            "last_correct",
            "last_omitted",
            "last_answered_at",
            "times_answered",
        ],
    )
    score_record(
        user=user,
        attempts=[FirstAttempt(a.question_id, a.correct, a.at, a.subject_id) for a in firsts],
        standing=standing,
    )
    return firsts


def questions_mark_seen(*, user: User, question_ids: list[int]) -> None:
    """Questions put in a block leave the "unused" pool."""
    UserQuestion.objects.bulk_create(
        [UserQuestion(user=user, question_id=question_id, seen=True) for question_id in question_ids],
        update_conflicts=True,
        unique_fields=["user", "question"],
        update_fields=["seen"],
    )


@transaction.atomic
def history_reset(*, user: User) -> int:
    """Clear pools and statistics so the bank feels new; first attempts stay (the score depends on them)."""
    standing_lock(user_id=user.pk)  # the user row heads the lock order, before history rows
    cleared = UserQuestion.objects.filter(user=user).update(
        seen=False,
        last_correct=None,
        last_omitted=False,
        last_answered_at=None,
        times_answered=0,
        flagged=False,
    )
    user.history_reset_at = timezone.now()
    user.save(update_fields=["history_reset_at"])
    return cleared

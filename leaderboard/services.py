"""Writes to the score aggregates and their Redis mirrors."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils.dateparse import parse_datetime

from accounts.models import User
from leaderboard import sorted_sets
from leaderboard.models import AllTimeScore, SubjectScore, WeeklyScore
from leaderboard.ranking import COUNT_MAX, EPOCH, TIME_MAX, rank_key, week_of
from quizzes.models import Question
from usmle_quiz import metrics

# (model, board kind, the column that scopes the board, or None)
TABLES = [(AllTimeScore, "all", None), (WeeklyScore, "week", "week"), (SubjectScore, "subject", "subject_id")]


@dataclass(frozen=True)
class FirstAttempt:
    question_id: int
    correct: bool
    at: datetime  # when the attempt became final
    subject_id: int | None = None  # looked up when the caller does not have it


@dataclass
class _Delta:
    score: int = 0
    answered: int = 0
    last_correct_at: datetime | None = None
    first_at: datetime | None = None

    def add(self, attempt: FirstAttempt) -> None:
        self.answered += 1
        self.first_at = min(filter(None, [self.first_at, attempt.at]))
        if attempt.correct:
            self.score += 1
            self.last_correct_at = max(filter(None, [self.last_correct_at, attempt.at]))

    @property
    def reached_at(self) -> datetime:
        # The score was reached by the last correct answer; with none, by the first attempt.
        return self.last_correct_at if self.score else self.first_at


@dataclass(frozen=True)
class Standing:
    """Where a student stands on the boards: their cohort and whether they are shown, read under lock."""

    cohort_id: int | None
    visible: bool

    @property
    def token(self) -> str:
        """The Redis mirror's note of this standing; a score write made under another is dropped."""
        return f"c{self.cohort_id or '-'}" if self.visible else "h"


def standing_lock(*, user_id: int) -> Standing:
    """Lock the student's user row and read their cohort and visibility from it.

    Race: an answer being scored while the student unticks "show me on
    leaderboards". Both lock this row first (it heads the lock order of
    every write that touches the boards), so they take turns, and the scorer
    writes the visibility that is true when it commits, never the one the
    request read from its cached user at the start.
    """
    cohort_id, visible = (
        User.objects.select_for_update()
        .filter(pk=user_id)
        .values_list("cohort_id", "show_on_leaderboard")
        .get()
    )
    return Standing(cohort_id=cohort_id, visible=visible)


def score_record(*, user: User, attempts: list[FirstAttempt], standing: Standing) -> None:
    """Add first attempts to the student's aggregates: all time, per week, per subject.

    Runs inside the transaction that makes the attempts final, after
    `standing_lock`. Each upsert adds to the stored numbers in one statement
    and holds the row lock until commit, so concurrent answers for one
    student never lose an update. The Redis mirror is written after commit,
    with the standing read under the lock; a write made under a standing the
    mirror no longer has (the student hid meanwhile) is dropped there.
    """
    if not attempts:
        return
    subjects = {a.question_id: a.subject_id for a in attempts if a.subject_id is not None}
    if missing := [a.question_id for a in attempts if a.subject_id is None]:
        subjects.update(Question.objects.filter(pk__in=missing).values_list("pk", "subject_id"))
    totals, weeks, by_subject = _Delta(), defaultdict(_Delta), defaultdict(_Delta)
    for attempt in attempts:
        totals.add(attempt)
        weeks[week_of(attempt.at)].add(attempt)
        by_subject[subjects[attempt.question_id]].add(attempt)

    entries = [_upsert(AllTimeScore, user, standing, {}, totals, "all", None)]
    entries += [
        _upsert(WeeklyScore, user, standing, {"week": week}, delta, "week", week)
        for week, delta in weeks.items()
    ]
    entries += [
        _upsert(SubjectScore, user, standing, {"subject_id": subject_id}, delta, "subject", subject_id)
        for subject_id, delta in by_subject.items()
    ]
    if standing.visible:
        token = standing.token
        sorted_sets.after_commit(lambda: sorted_sets.write_scores(user_id=user.pk, token=token, add=entries))


def _upsert(
    model, user: User, standing: Standing, scope: dict, delta: _Delta, kind: str, scope_value
) -> sorted_sets.Entry:
    table = model._meta.db_table
    columns = ["user_id", *scope, "score", "answered", "reached_at", "rank_key", "cohort_id", "visible"]
    values = [user.pk, *scope.values(), delta.score, delta.answered, delta.reached_at, 0, standing.cohort_id]
    values.append(standing.visible)
    conflict = ", ".join(["user_id", *scope])
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} ({", ".join(columns)}) VALUES ({", ".join(["%s"] * len(columns))})
            ON CONFLICT ({conflict}) DO UPDATE SET
                score = {table}.score + EXCLUDED.score,
                answered = {table}.answered + EXCLUDED.answered,
                reached_at = CASE
                    WHEN EXCLUDED.score > 0
                         AND ({table}.score = 0 OR EXCLUDED.reached_at > {table}.reached_at)
                        THEN EXCLUDED.reached_at
                    WHEN EXCLUDED.score = 0 AND {table}.score = 0 AND EXCLUDED.reached_at < {table}.reached_at
                        THEN EXCLUDED.reached_at
                    ELSE {table}.reached_at
                END
            RETURNING score, answered, reached_at
            """,  # noqa: S608 - table and column names come from our models; values are parameters
            values,
        )
        score, answered, reached_at = cursor.fetchone()
        if isinstance(reached_at, str):  # SQLite returns the raw text
            reached_at = parse_datetime(reached_at).replace(tzinfo=UTC)
        key = rank_key(score=score, answered=answered, reached_at=reached_at)
        where = " AND ".join(f"{column} = %s" for column in ["user_id", *scope])
        cursor.execute(f"UPDATE {table} SET rank_key = %s WHERE {where}", [key, user.pk, *scope.values()])  # noqa: S608 - names from our models
    return sorted_sets.Entry(sorted_sets.keys_for(kind, scope_value, standing.cohort_id), user.pk, key)


def _rows_of(user_id: int) -> Iterable[tuple[str, object, int]]:
    """(kind, scope, rank_key) of every aggregate row of one student."""
    for model, kind, scope_field in TABLES:
        fields = [scope_field or "user_id", "rank_key"]
        for scope, key in model.objects.filter(user_id=user_id).values_list(*fields):
            yield kind, scope if scope_field else None, key


@transaction.atomic
def score_student_changed(*, user: User, old_cohort_id: int | None, old_visible: bool) -> None:
    """The student changed cohort or leaderboard visibility: move their rows and board entries.

    The caller holds the student's row lock (`standing_lock` or its own), so
    no answer is being scored meanwhile; Redis follows after commit.
    """
    if (old_cohort_id, old_visible) == (user.cohort_id, user.show_on_leaderboard):
        return
    for model, _kind, _scope in TABLES:
        model.objects.filter(user=user).update(cohort_id=user.cohort_id, visible=user.show_on_leaderboard)
    rows = list(_rows_of(user.pk))
    remove = [
        sorted_sets.Entry(sorted_sets.keys_for(k, s, old_cohort_id), user.pk, key) for k, s, key in rows
    ]
    add = [sorted_sets.Entry(sorted_sets.keys_for(k, s, user.cohort_id), user.pk, key) for k, s, key in rows]
    token = Standing(cohort_id=user.cohort_id, visible=user.show_on_leaderboard).token
    visible = user.show_on_leaderboard
    sorted_sets.after_commit(
        lambda: sorted_sets.write_standing(
            user_id=user.pk, token=token, remove=remove, add=add if visible else []
        )
    )


# --- Rebuilding -------------------------------------------------------------

_RANK_KEY_SQL = f"""
    (LEAST(score, {COUNT_MAX})::bigint << 38)
    | ((CASE WHEN score > 0 THEN {COUNT_MAX} - LEAST(answered, {COUNT_MAX}) ELSE 0 END)::bigint << 23)
    | ({TIME_MAX} - GREATEST(0, LEAST(
        floor(extract(epoch FROM reached_at - TIMESTAMPTZ '{EPOCH.isoformat()}') / 60)::bigint, {TIME_MAX})))
"""  # the same rule as leaderboard.ranking.rank_key, for millions of rows at once

_AGGREGATE_SQL = f"""
    INSERT INTO {{table}}
           (user_id{{scope_columns}}, score, answered, reached_at, rank_key, cohort_id, visible)
    SELECT user_id{{scope_columns}}, score, answered, reached_at, {_RANK_KEY_SQL}, cohort_id, visible
      FROM (
        SELECT uq.user_id{{scope_select}},
               count(*) FILTER (WHERE uq.first_correct) AS score,
               count(*) AS answered,
               COALESCE(max(uq.first_answered_at) FILTER (WHERE uq.first_correct),
                        min(uq.first_answered_at)) AS reached_at,
               u.cohort_id, u.show_on_leaderboard AS visible
          FROM quizzes_userquestion uq
          JOIN accounts_user u ON u.id = uq.user_id
          {{join}}
         WHERE uq.first_answered_at IS NOT NULL
         GROUP BY uq.user_id{{scope_group}}, u.cohort_id, u.show_on_leaderboard
      ) AS totals
"""  # noqa: S608 - table and column names come from our models; values are parameters


@transaction.atomic
def aggregates_rebuild() -> dict[str, int]:
    """Recompute every aggregate from the first-attempt history (`manage.py rebuild_leaderboards`)."""
    if connection.vendor != "postgresql":
        return _aggregates_rebuild_in_python()
    week = "(date_trunc('week', uq.first_answered_at AT TIME ZONE 'UTC'))::date"
    statements = {
        AllTimeScore: {"scope_columns": "", "scope_select": "", "scope_group": "", "join": ""},
        WeeklyScore: {
            "scope_columns": ", week",
            "scope_select": f", {week} AS week",
            "scope_group": f", {week}",
            "join": "",
        },
        SubjectScore: {
            "scope_columns": ", subject_id",
            "scope_select": ", q.subject_id AS subject_id",
            "scope_group": ", q.subject_id",
            "join": "JOIN quizzes_question q ON q.id = uq.question_id",
        },
    }
    counts = {}
    with connection.cursor() as cursor:
        tables = ", ".join(model._meta.db_table for model in statements)
        # TRUNCATE refuses to run while deferred foreign-key checks are pending
        # in the same transaction; settle them first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {tables}")
        for model, parts in statements.items():
            table = model._meta.db_table
            cursor.execute(_AGGREGATE_SQL.format(table=table, **parts))
            counts[table] = cursor.rowcount
            cursor.execute(f"UPDATE {table} SET rank_key = {_RANK_KEY_SQL}")  # noqa: S608 - names from our models
    return counts


def _aggregates_rebuild_in_python() -> dict[str, int]:
    """The same rebuild for SQLite (the development default), in Python."""
    from quizzes.models import UserQuestion

    for model, _kind, _scope in TABLES:
        model.objects.all().delete()
    users = {
        u.pk: u for u in User.objects.filter(question_history__first_answered_at__isnull=False).distinct()
    }
    totals, weeks, subjects = defaultdict(_Delta), defaultdict(_Delta), defaultdict(_Delta)
    history = UserQuestion.objects.filter(first_answered_at__isnull=False).values_list(
        "user_id", "question__subject_id", "first_correct", "first_answered_at"
    )
    for user_id, subject_id, correct, at in history:
        attempt = FirstAttempt(0, bool(correct), at)
        totals[user_id].add(attempt)
        weeks[(user_id, week_of(at))].add(attempt)
        subjects[(user_id, subject_id)].add(attempt)

    def build(model, key_to_delta, scope_field):
        rows = []
        for key, delta in key_to_delta.items():
            user_id, scope = key if scope_field else (key, None)
            user = users[user_id]
            fields = {scope_field: scope} if scope_field else {}
            rows.append(
                model(
                    user_id=user_id,
                    score=delta.score,
                    answered=delta.answered,
                    reached_at=delta.reached_at,
                    rank_key=rank_key(
                        score=delta.score, answered=delta.answered, reached_at=delta.reached_at
                    ),
                    cohort_id=user.cohort_id,
                    visible=user.show_on_leaderboard,
                    **fields,
                )
            )
        model.objects.bulk_create(rows, batch_size=1000)
        return len(rows)

    return {
        AllTimeScore._meta.db_table: build(AllTimeScore, totals, None),
        WeeklyScore._meta.db_table: build(WeeklyScore, weeks, "week"),
        SubjectScore._meta.db_table: build(SubjectScore, subjects, "subject_id"),
    }


REBUILD_BATCH = 20_000


def sorted_sets_rebuild() -> int:
    """Refill the Redis sorted sets from PostgreSQL; returns how many entries were written."""
    redis = sorted_sets.client()
    if redis is None:
        return 0
    redis.delete(sorted_sets.ready_key())
    # The standings noted by earlier writes may be stale too (a write was lost); PostgreSQL is right.
    redis.delete(sorted_sets.standing_key())
    for key in redis.scan_iter(match=sorted_sets.board_key("*"), count=1000):
        redis.unlink(key)
    written = 0
    for model, kind, scope_field in TABLES:
        last = 0
        fields = ["pk", "user_id", scope_field or "user_id", "cohort_id", "rank_key"]
        while True:
            rows = list(
                model.objects.filter(visible=True, pk__gt=last)
                .order_by("pk")
                .values_list(*fields)[:REBUILD_BATCH]
            )
            if not rows:
                break
            by_key: dict[str, dict[str, int]] = defaultdict(dict)
            for _pk, user_id, scope, cohort_id, key in rows:
                for board in sorted_sets.keys_for(kind, scope if scope_field else None, cohort_id):
                    by_key[board][sorted_sets.member(user_id)] = key
            pipe = redis.pipeline(transaction=False)
            for board, mapping in by_key.items():
                pipe.zadd(board, mapping)
            pipe.execute()
            written += len(rows)
            last = rows[-1][0]
    redis.set(sorted_sets.ready_key(), "1")
    redis.delete(sorted_sets.lock_key())
    metrics.leaderboard_rebuild_counted()
    return written

"""Background work for the boards: the spread of accuracy among students, by subject and system.

/stats/ says "better than X% of the N students with 10+ first attempts in Renal". Counting that
from the first attempts on every page view would read millions of rows, so the task worker
(`manage.py db_worker`) folds them into one histogram per subject and per system (how many
qualifying students have each whole-percent accuracy) and keeps it in the cache; a page reads
the histogram. A page that finds none queues a refresh (at most one at a time) and shows no
percentile until it is there.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection, transaction
from django.tasks import task

SPREAD_KEY = "peers:spread:v1"
SPREAD_SECONDS = 30 * 60
REFRESH_LOCK_KEY = "peers:spread:queued"
REFRESH_LOCK_SECONDS = 5 * 60
EMPTY = {"subject": {}, "system": {}}

# Per student and area: first attempts and those right, for students with enough of them;
# then per area and whole-percent bucket, how many students. Set-based, in the database.
_SYSTEM_SQL = """
SELECT s.name, (100 * t.right_count) / t.n AS bucket, COUNT(*)
FROM (
    SELECT uq.user_id, q.system_id, COUNT(*) AS n,
           SUM(CASE WHEN uq.first_correct THEN 1 ELSE 0 END) AS right_count
    FROM quizzes_userquestion uq JOIN quizzes_question q ON q.id = uq.question_id
    WHERE uq.first_answered_at IS NOT NULL
    GROUP BY uq.user_id, q.system_id
    HAVING COUNT(*) >= %s
) t JOIN quizzes_system s ON s.id = t.system_id
GROUP BY s.name, bucket
"""
_SUBJECT_SQL = """
SELECT s.name, (100 * sc.score) / sc.answered AS bucket, COUNT(*)
FROM leaderboard_subjectscore sc JOIN quizzes_subject s ON s.id = sc.subject_id
WHERE sc.answered >= %s
GROUP BY s.name, bucket
"""


def _histograms(sql: str, minimum: int) -> dict[str, list[int]]:
    spread: dict[str, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [minimum])
        for name, bucket, count in cursor.fetchall():
            spread.setdefault(name, [0] * 101)[max(0, min(100, int(bucket)))] += count
    return spread


def spread_compute() -> dict[str, dict[str, list[int]]]:
    from leaderboard.selectors import PERCENTILE_MIN_ANSWERS

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A background scan of every first attempt may take longer than a page's statement timeout.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = 0")
        return {
            "subject": _histograms(_SUBJECT_SQL, PERCENTILE_MIN_ANSWERS),
            "system": _histograms(_SYSTEM_SQL, PERCENTILE_MIN_ANSWERS),
        }


@task()
def peer_spread_refresh() -> None:
    cache.set(SPREAD_KEY, spread_compute(), SPREAD_SECONDS)
    cache.delete(REFRESH_LOCK_KEY)


def spread_cached() -> dict[str, dict[str, list[int]]]:
    """The last histogram; none yet (or expired): queue one refresh and say nothing meanwhile."""
    spread = cache.get(SPREAD_KEY)
    if spread is None:
        if cache.add(REFRESH_LOCK_KEY, 1, REFRESH_LOCK_SECONDS):
            peer_spread_refresh.enqueue()
        return EMPTY
    return spread

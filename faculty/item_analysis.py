"""Item analysis of the whole bank, computed set-based in PostgreSQL into faculty's tables.

First attempts only (UserQuestion rows with first_answered_at set), the rule the leaderboards follow:
a retake never changes a figure, and an omitted first attempt is incorrect and its own "letter".

Per question (faculty.QuestionStatistic)
- n: first attempts; facility: the percentage of them correct.
- discrimination: the item-rest point-biserial correlation as Moodle computes it. Over the first
  attempts of students with 2+ first attempts, corr(x, rest) where x is 1 for a correct answer and
  rest = (correct - x) / (attempts - 1), the student's proportion correct on the rest of what they
  attempted (PostgreSQL's corr() aggregate; none when either side does not vary).
- top and bottom groups: of those same attempts, the ceil(27 %) with the highest rest score and
  the ceil(27 %) with the lowest, ties broken by user id (the earlier account ranks higher); the
  share of each group choosing each letter, and leaving the question unanswered.
- mean time: the mean Item.time_spent_ms of the answered items that were first attempts: the item
  whose answer (tutor) or whose block's end (timed) is the moment UserQuestion.first_answered_at
  records, the one `now` quizzes.services.blocks writes to both. Repeats are left out (a student
  answers a question faster the second time), and so are omitted first attempts (no answer time).
- flags: see FLAG_SQL.

Reliability (faculty.BankStatistic), of the bank and of each cohort's first attempts: KR-20.
Students answer different subsets, so the textbook formula k/(k-1) * (1 - sum(p*q) / var(X)) has
no single k. The estimator used here, over students with 2+ first attempts:

    KR-20 = k/(k-1) * (1 - mean(p*q) / (k * var(P)))

- P: a student's proportion correct; var(P) its population variance across students;
- p: an item's proportion correct among those students (within the cohort for a cohort);
  mean(p*q) the mean item variance, weighted by each item's attempts;
- k: the harmonic mean of the students' first-attempt counts, the form length whose binomial
  noise matches theirs (with k set so, a bank of equally able students scores about 0).

On complete data (every student answered the same k items) var(P) = var(X)/k**2 and
mean(p*q) = sum(p*q)/k, so this is the textbook KR-20 exactly. BankStatistic.kr20_40 projects it
to a 40-item block with Spearman-Brown.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import NotSupportedError, connection, transaction
from django.utils import timezone

from quizzes.models import LETTERS

GROUP_SHARE = 0.27
FLAG_MIN_ATTEMPTS = 20  # discrimination < 0 and dead distractors only count with this many first attempts
TOO_EASY_ABOVE = 90  # percent correct
TOO_HARD_BELOW = 25
DEAD_DISTRACTOR_BELOW = 5  # percent of first attempts choosing it
# Two refreshes at once (a click while the queued one runs) would only repeat the work: the second skips.
_LOCK_KEY = 0x1A11_7E57

_STUDENTS_SQL = """
CREATE TEMP TABLE faculty_student ON COMMIT DROP AS
SELECT t.user_id, t.attempts, t.correct, u.cohort_id
  FROM (SELECT user_id, count(*) AS attempts, count(*) FILTER (WHERE first_correct) AS correct
          FROM quizzes_userquestion
         WHERE first_answered_at IS NOT NULL
         GROUP BY user_id) t
  JOIN accounts_user u ON u.id = t.user_id
"""


def _letter_counts() -> str:
    parts = []
    for letter in LETTERS:
        column = letter.lower()
        parts += [
            f"count(*) FILTER (WHERE letter = '{letter}') AS chose_{column}",
            f"count(*) FILTER (WHERE letter = '{letter}' AND in_top) AS top_{column}",
            f"count(*) FILTER (WHERE letter = '{letter}' AND in_bottom) AS bottom_{column}",
        ]
    parts += [
        "count(*) FILTER (WHERE omitted) AS chose_omitted",
        "count(*) FILTER (WHERE omitted AND in_top) AS top_omitted",
        "count(*) FILTER (WHERE omitted AND in_bottom) AS bottom_omitted",
    ]
    return ",\n           ".join(parts)


_COUNT_COLUMNS = [
    f"{group}_{column}" for group in ("chose", "top", "bottom") for column in [*LETTERS.lower(), "omitted"]
]

# One pass over the first attempts: each gets its student's rest score and its rank among the
# question's ranked attempters (one sort by question and rest score); then one row per question.
# Questions nobody has attempted get a row too (n = 0), so the page lists the whole bank.
_QUESTIONS_SQL = f"""
INSERT INTO faculty_questionstatistic (
    question_id, letters, key_letter, attempts, correct, omitted, facility, discrimination,
    ranked, ranked_correct, top_n, bottom_n, mean_time_ms, timed_answers, open_reports,
    flag_likely_wrong_key, flag_too_easy, flag_too_hard, flag_dead_distractor, computed_at,
    {", ".join(_COUNT_COLUMNS)})
SELECT q.id, coalesce(c.letters, ''), coalesce(c.key_letter, ''),
       coalesce(a.attempts, 0), coalesce(a.correct, 0), coalesce(a.chose_omitted, 0),
       100.0 * a.correct / nullif(a.attempts, 0), a.discrimination,
       coalesce(a.ranked, 0), coalesce(a.ranked_correct, 0), coalesce(a.top_n, 0), coalesce(a.bottom_n, 0),
       t.mean_time_ms, coalesce(t.answers, 0), 0,
       false, false, false, false, %(now)s,
       {", ".join(f"coalesce(a.{name}, 0)" for name in _COUNT_COLUMNS)}
  FROM quizzes_question q
  LEFT JOIN (
    SELECT question_id, string_agg(letter, '' ORDER BY letter) AS letters,
           coalesce(max(letter) FILTER (WHERE is_correct), '') AS key_letter
      FROM quizzes_choice
     GROUP BY question_id
  ) c ON c.question_id = q.id
  LEFT JOIN (
    SELECT question_id, count(*) AS attempts, sum(x) AS correct,
           count(rest) AS ranked, coalesce(sum(x) FILTER (WHERE rest IS NOT NULL), 0) AS ranked_correct,
           corr(x, rest) AS discrimination,
           count(*) FILTER (WHERE in_top) AS top_n, count(*) FILTER (WHERE in_bottom) AS bottom_n,
           {_letter_counts()}
      FROM (
        SELECT question_id, x, letter, omitted, rest,
               rest IS NOT NULL AND row_number() OVER ranking
                   <= ceil(%(share)s * count(rest) OVER question) AS in_top,
               rest IS NOT NULL AND row_number() OVER ranking
                   > count(rest) OVER question - ceil(%(share)s * count(rest) OVER question) AS in_bottom
          FROM (
            SELECT uq.question_id, uq.user_id, uq.first_letter AS letter,
                   uq.first_omitted OR uq.first_letter = '' AS omitted,
                   CASE WHEN uq.first_correct THEN 1 ELSE 0 END AS x,
                   CASE WHEN s.attempts >= 2 THEN
                       (s.correct - CASE WHEN uq.first_correct THEN 1 ELSE 0 END)::float8 / (s.attempts - 1)
                   END AS rest
              FROM quizzes_userquestion uq
              JOIN faculty_student s ON s.user_id = uq.user_id
             WHERE uq.first_answered_at IS NOT NULL
          ) attempt
        WINDOW question AS (PARTITION BY question_id),
               ranking AS (PARTITION BY question_id ORDER BY rest DESC NULLS LAST, user_id)
      ) ranked_attempt
     GROUP BY question_id
  ) a ON a.question_id = q.id
  LEFT JOIN (
    SELECT i.question_id, round(avg(i.time_spent_ms))::int AS mean_time_ms, count(*) AS answers
      FROM quizzes_item i
      JOIN quizzes_block b ON b.id = i.block_id
      JOIN quizzes_userquestion uq ON uq.user_id = b.owner_id AND uq.question_id = i.question_id
     WHERE i.chosen_letter <> '' AND uq.first_answered_at IN (i.answered_at, b.finished_at)
     GROUP BY i.question_id
  ) t ON t.question_id = q.id
"""  # noqa: S608 - the only names put in are our own columns and the constant letters A-F


def _case_by_letter(prefix: str) -> str:
    """The key's count in group `prefix` (chose/top/bottom)."""
    whens = " ".join(f"WHEN '{letter}' THEN {prefix}_{letter.lower()}" for letter in LETTERS)
    return f"CASE key_letter {whens} ELSE 0 END"


def _distractor(letter: str) -> str:
    return f"key_letter <> '{letter}' AND position('{letter}' IN letters) > 0"


# likely-wrong-key: negative discrimination on enough attempts, or the top group preferring a distractor
# to the key. dead-distractor: a distractor almost nobody chooses. too-easy / too-hard: by facility.
FLAG_SQL = f"""
UPDATE faculty_questionstatistic SET
    flag_too_easy = coalesce(facility > {TOO_EASY_ABOVE}, false),
    flag_too_hard = coalesce(facility < {TOO_HARD_BELOW}, false),
    flag_likely_wrong_key = key_letter <> '' AND (
        (attempts >= {FLAG_MIN_ATTEMPTS} AND coalesce(discrimination < 0, false))
        OR greatest({", ".join(f"CASE WHEN {_distractor(letter)} THEN top_{letter.lower()} ELSE 0 END" for letter in LETTERS)})
           > {_case_by_letter("top")}
    ),
    flag_dead_distractor = key_letter <> '' AND attempts >= {FLAG_MIN_ATTEMPTS} AND (
        {" OR ".join(f"({_distractor(letter)} AND 100 * chose_{letter.lower()} < {DEAD_DISTRACTOR_BELOW} * attempts)" for letter in LETTERS)}
    )
"""  # noqa: E501, S608 - constants only

_KR20 = "CASE WHEN k > 1 AND variance > 0 THEN k / (k - 1) * (1 - pq / (k * variance)) END"

_BANK_SQL = f"""
INSERT INTO faculty_bankstatistic (cohort_id, students, first_attempts, questions, form_length,
                                   mean_item_variance, score_variance, kr20, computed_at)
SELECT NULL, s.students, s.first_attempts, q.questions, s.k, q.pq, s.variance, {_KR20}, %(now)s
  FROM (SELECT count(*) AS students, coalesce(sum(attempts), 0) AS first_attempts,
               count(*) / sum(1.0::float8 / attempts) AS k, var_pop(correct::float8 / attempts) AS variance
          FROM faculty_student
         WHERE attempts >= 2) s
 CROSS JOIN (SELECT count(*) AS questions,
                    sum(ranked_correct * (ranked - ranked_correct)::float8 / ranked)
                        / nullif(sum(ranked), 0) AS pq
               FROM faculty_questionstatistic
              WHERE ranked > 0) q
"""  # noqa: S608

# The same per cohort; the items' p are the cohort's own, so one more pass groups by cohort and question.
_COHORTS_SQL = f"""
INSERT INTO faculty_bankstatistic (cohort_id, students, first_attempts, questions, form_length,
                                   mean_item_variance, score_variance, kr20, computed_at)
SELECT s.cohort_id, s.students, s.first_attempts, q.questions, s.k, q.pq, s.variance, {_KR20}, %(now)s
  FROM (SELECT cohort_id, count(*) AS students, sum(attempts) AS first_attempts,
               count(*) / sum(1.0::float8 / attempts) AS k, var_pop(correct::float8 / attempts) AS variance
          FROM faculty_student
         WHERE attempts >= 2 AND cohort_id IS NOT NULL
         GROUP BY cohort_id) s
  JOIN (SELECT cohort_id, count(*) AS questions,
               sum(right_count * (n - right_count)::float8 / n) / sum(n) AS pq
          FROM (SELECT s.cohort_id, uq.question_id, count(*) AS n,
                       count(*) FILTER (WHERE uq.first_correct) AS right_count
                  FROM quizzes_userquestion uq
                  JOIN faculty_student s ON s.user_id = uq.user_id
                 WHERE uq.first_answered_at IS NOT NULL AND s.attempts >= 2 AND s.cohort_id IS NOT NULL
                 GROUP BY s.cohort_id, uq.question_id) per_question
         GROUP BY cohort_id) q ON q.cohort_id = s.cohort_id
"""  # noqa: S608


@dataclass(frozen=True)
class RefreshResult:
    questions: int
    cohorts: int
    seconds: float


# Problem reports students sent (reports app) that staff have not triaged yet, per question.
_OPEN_REPORTS_SQL = """
UPDATE faculty_questionstatistic s SET open_reports = r.n
FROM (
    SELECT question_id, COUNT(*) AS n FROM reports_problemreport WHERE status = 'open' GROUP BY question_id
) r
WHERE s.question_id = r.question_id
"""


def statistics_refresh() -> RefreshResult | None:
    """Recompute every QuestionStatistic and BankStatistic row; None if another refresh holds the lock.

    One transaction: pages keep reading the previous figures until it commits (DELETE, not TRUNCATE,
    so readers are never blocked).
    """
    if connection.vendor != "postgresql":
        raise NotSupportedError(
            "Item analysis needs PostgreSQL (corr(), window functions, temporary tables)."
        )
    began = time.monotonic()
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        # A background pass over every first attempt outlives a page's statement timeout; the sort by
        # question and rest score is the big step, and fits in memory at 10 million first attempts.
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("DROP TABLE IF EXISTS faculty_student")
        cursor.execute(_STUDENTS_SQL)
        cursor.execute("ANALYZE faculty_student")
        cursor.execute("DELETE FROM faculty_questionstatistic")
        cursor.execute("DELETE FROM faculty_bankstatistic")
        parameters = {"now": now, "share": GROUP_SHARE}
        cursor.execute(_QUESTIONS_SQL, parameters)
        questions = cursor.rowcount
        cursor.execute(FLAG_SQL)
        cursor.execute(_OPEN_REPORTS_SQL)
        cursor.execute(_BANK_SQL, parameters)
        cursor.execute(_COHORTS_SQL, parameters)
        cohorts = cursor.rowcount
        cursor.execute("DROP TABLE faculty_student")
    return RefreshResult(questions=questions, cohorts=cohorts, seconds=time.monotonic() - began)

"""The answer ledger: every answer the server acknowledged must be in the database, once.

Read before and after a run, straight from PostgreSQL through `manage.py shell`, so it counts what the
database holds, not what the app believes.
"""

from __future__ import annotations

import json
import subprocess

from . import PY, REPORTS, ROOT

_LEDGER_SCRIPT = """
import json
from django.db import connection, transaction
from leaderboard.services import aggregates_rebuild

with connection.cursor() as cursor:
    cursor.execute("SELECT coalesce(sum(times_answered), 0) FROM quizzes_userquestion")
    history = int(cursor.fetchone()[0])
    # Final attempts: answers that are final, and omitted items (an unanswered item of a finished block).
    cursor.execute(
        "SELECT count(*) FROM quizzes_item i JOIN quizzes_block b ON b.id = i.block_id "
        "WHERE i.omitted OR (i.answered_at IS NOT NULL AND (b.mode = 'tutor' OR b.finished_at IS NOT NULL))"
    )
    final = int(cursor.fetchone()[0])
columns = {
    "leaderboard_alltimescore": "user_id",
    "leaderboard_weeklyscore": "user_id, week",
    "leaderboard_subjectscore": "user_id, subject_id",
}
differ = 0
with transaction.atomic():
    with connection.cursor() as cursor:
        for table, key in columns.items():
            cursor.execute(
                f"CREATE TEMP TABLE kept_{table} ON COMMIT DROP AS "
                f"SELECT {key}, score, answered, reached_at, rank_key, cohort_id, visible FROM {table}"
            )
        aggregates_rebuild()
        for table, key in columns.items():
            now = f"SELECT {key}, score, answered, reached_at, rank_key, cohort_id, visible FROM {table}"
            cursor.execute(
                f"SELECT count(*) FROM (({now} EXCEPT SELECT * FROM kept_{table}) "
                f"UNION ALL (SELECT * FROM kept_{table} EXCEPT {now})) d"
            )
            differ += int(cursor.fetchone()[0])
    transaction.set_rollback(True)  # a check, not a repair: the tables stay as the run left them
print(json.dumps({"history": history, "final": final, "aggregates_differ": differ}))
"""


def _django_json(env: dict, script: str) -> dict:
    """Run a script in `manage.py shell` against the load database; it prints one JSON line last."""
    result = subprocess.run(
        [PY, str(ROOT / "manage.py"), "shell", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def answer_ledger(env: dict) -> dict:
    """Answers made final, the history's count of them, and aggregate rows that differ from a rebuild."""
    return _django_json(env, _LEDGER_SCRIPT)


def stored_answers(env: dict, *, since: float, acknowledged: list) -> dict:
    """How many answers the run's blocks hold, and which acknowledged ones are missing."""
    pairs = REPORTS / "acknowledged-pairs.json"
    pairs.write_text(json.dumps(acknowledged))
    script = (
        "import json; from datetime import datetime, UTC; from quizzes.models import Item; "
        "items = Item.objects.filter(answered_at__isnull=False, block__created_at__gte="
        f"datetime.fromtimestamp({since}, UTC)); "
        "stored = set(items.values_list('block_id', 'position')); "
        f"acked = {{tuple(p) for p in json.load(open({str(pairs)!r}))}}; "
        "print(json.dumps({'stored': len(stored), 'missing': len(acked - stored)}))"
    )
    return _django_json(env, script)


def counted_twice(before: dict, after: dict) -> int:
    """Answers made final twice would count twice in the history (a score counted twice would leave the
    aggregates different from a rebuild: `aggregates_differ`)."""
    return (after["history"] - before["history"]) - (after["final"] - before["final"])

"""The ranking rule as one integer, so PostgreSQL and Redis sort students the same way.

Students are ranked by score (higher first), then first-attempt accuracy
(higher first), then by who reached the score first, then by account id.
With equal scores, higher accuracy means fewer first attempts, so the key is

    score << 38  |  (2**15 - 1 - answered) << 23  |  (2**23 - 1 - minutes since 2025)

which fits the 53 bits a Redis sorted-set score (a double) holds exactly.
With a score of 0 every accuracy is 0, so `answered` does not count there.
Limits: scores and first attempts up to 32,767 (the bank would need more
questions than that), "reached first" compared to the minute, until 2040.
"""

from datetime import UTC, date, datetime, timedelta

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
COUNT_BITS = 15
TIME_BITS = 23
COUNT_MAX = 2**COUNT_BITS - 1
TIME_MAX = 2**TIME_BITS - 1


def rank_key(*, score: int, answered: int, reached_at: datetime) -> int:
    score = min(score, COUNT_MAX)
    accuracy_part = COUNT_MAX - min(answered, COUNT_MAX) if score > 0 else 0
    minutes = int((reached_at - EPOCH).total_seconds() // 60)
    time_part = TIME_MAX - max(0, min(minutes, TIME_MAX))
    return (score << (COUNT_BITS + TIME_BITS)) | (accuracy_part << TIME_BITS) | time_part


def week_of(moment: datetime) -> date:
    """Monday (UTC) of the ISO week holding `moment`: weeks start Monday 00:00 UTC."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())

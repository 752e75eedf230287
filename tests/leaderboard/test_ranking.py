from datetime import UTC, date, datetime, timedelta

from leaderboard.ranking import rank_key, week_of

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def key(score, answered, minutes=0):
    return rank_key(score=score, answered=answered, reached_at=T0 + timedelta(minutes=minutes))


def test_higher_score_ranks_first_whatever_the_accuracy():
    assert key(10, 100) > key(9, 9)


def test_equal_scores_rank_by_accuracy():
    assert key(10, 12) > key(10, 20)  # 83% beats 50%


def test_equal_score_and_accuracy_rank_by_who_got_there_first():
    assert key(10, 12, minutes=0) > key(10, 12, minutes=5)


def test_with_no_correct_answer_accuracy_does_not_separate_students():
    assert key(0, 1, minutes=3) < key(0, 50, minutes=1)


def test_keys_fit_a_redis_double_exactly():
    biggest = rank_key(score=32_767, answered=32_767, reached_at=datetime(2024, 1, 1, tzinfo=UTC))
    assert biggest < 2**53
    assert float(biggest) == biggest


def test_weeks_start_monday_midnight_utc():
    sunday_night = datetime(2026, 11, 29, 23, 59, 59, tzinfo=UTC)
    monday = datetime(2026, 11, 30, 0, 0, 0, tzinfo=UTC)
    assert week_of(sunday_night) == date(2026, 11, 23)
    assert week_of(monday) == date(2026, 11, 30)

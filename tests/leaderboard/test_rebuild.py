"""The incremental aggregates equal a full rebuild from the first-attempt history."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django_redis import get_redis_connection

from leaderboard import sorted_sets
from leaderboard.models import AllTimeScore, SubjectScore, WeeklyScore
from quizzes.models import Block, UserQuestion
from quizzes.services import block_finish, history_reset, item_answer
from quizzes.services.history import Attempt, attempts_finalize
from tests.conftest import correct_letter, make_block, make_question, make_user, wrong_letter

pytestmark = pytest.mark.django_db


def snapshot():
    fields = ["user_id", "score", "answered", "reached_at", "rank_key", "cohort_id", "visible"]
    return {
        "all": sorted(AllTimeScore.objects.values_list(*fields)),
        "week": sorted(WeeklyScore.objects.values_list("week", *fields)),
        "subject": sorted(SubjectScore.objects.values_list("subject_id", *fields)),
    }


def redis_snapshot():
    redis = get_redis_connection("default")
    return {
        key: redis.zrange(key, 0, -1, withscores=True)
        for key in sorted(redis.scan_iter(match=sorted_sets.board_key("*")))
    }


def test_randomized_workload_incremental_equals_rebuilt(cohort):
    rng = random.Random(20261127)
    students = [make_user(cohort=cohort if n % 2 else None, show_on_leaderboard=n != 3) for n in range(6)]
    questions = [
        make_question(subject=rng.choice(["Pathology", "Pharmacology", "Physiology"]), system="Renal")
        for _ in range(25)
    ]
    start = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    for _ in range(300):
        student = rng.choice(students)
        question = rng.choice(questions)
        right = rng.random() < 0.6
        letter = correct_letter(question) if right else wrong_letter(question)
        action = rng.random()
        if action < 0.5:  # a final attempt at a random moment over ~12 weeks
            at = start + timedelta(minutes=rng.randrange(12 * 7 * 24 * 60))
            attempts_finalize(user=student, attempts=[Attempt(question.pk, letter, right, at)])
        elif action < 0.7:  # a tutor answer, now; the block is ended with its other item omitted
            other = rng.choice([q for q in questions if q != question])
            block = make_block(student, [question, other])
            item_answer(block=block, position=1, letter=letter)
            block_finish(block=block)
        elif action < 0.85:  # a timed block, finished
            block = make_block(student, [question], mode=Block.Mode.TIMED)
            item_answer(block=block, position=1, letter=letter)
            block_finish(block=block)
        elif action < 0.97:  # a block ended at once: every item omitted, every key shown
            mode = rng.choice([Block.Mode.TUTOR, Block.Mode.TIMED])
            block_finish(block=make_block(student, rng.sample(questions, 3), mode=mode))
        else:
            history_reset(user=student)
    incremental, incremental_redis = snapshot(), redis_snapshot()
    assert incremental["all"], "the workload should have produced scores"
    assert UserQuestion.objects.filter(first_omitted=True).exists(), "and omitted first attempts"

    call_command("rebuild_leaderboards")
    assert snapshot() == incremental
    assert redis_snapshot() == incremental_redis
    hidden = students[3]
    assert all(sorted_sets.member(hidden.pk).encode() not in dict(v) for v in incremental_redis.values())

from datetime import UTC, datetime

import pytest

from leaderboard.models import AllTimeScore, SubjectScore, WeeklyScore
from quizzes.models import Block
from quizzes.services import block_finish, block_retake_incorrect, history_reset, item_answer
from quizzes.services.history import Attempt, attempts_finalize
from tests.conftest import correct_letter, make_block, wrong_letter

pytestmark = pytest.mark.django_db


def answer_all(student, questions, *, correct: bool, mode=Block.Mode.TUTOR):
    block = make_block(student, questions, mode=mode)
    for position, question in enumerate(questions, start=1):
        letter = correct_letter(question) if correct else wrong_letter(question)
        item_answer(block=block, position=position, letter=letter)
    return block_finish(block=block)


def test_first_attempts_fill_all_time_weekly_and_subject_aggregates(student, bank):
    answer_all(student, bank[:2], correct=True)
    answer_all(student, bank[2:4], correct=False)
    total = AllTimeScore.objects.get(user=student)
    assert (total.score, total.answered, total.accuracy) == (2, 4, 50)
    assert WeeklyScore.objects.get(user=student).score == 2
    by_subject = {
        row.subject.name: (row.score, row.answered) for row in SubjectScore.objects.filter(user=student)
    }
    assert by_subject == {"Pathology": (2, 3), "Pharmacology": (0, 1)}


def test_repeating_blocks_never_adds_points(student, bank):
    answer_all(student, bank[:3], correct=False)
    answer_all(student, bank[:3], correct=True)  # a repeat block
    answer_all(student, bank[:3], correct=True, mode=Block.Mode.TIMED)
    total = AllTimeScore.objects.get(user=student)
    assert (total.score, total.answered) == (0, 3)


def test_incorrect_pool_and_retake_incorrect_never_add_points(student, bank):
    first = answer_all(student, bank[:3], correct=False)
    retake = block_retake_incorrect(block=first, mode=Block.Mode.TUTOR)
    for item in retake.items.select_related("question"):
        item_answer(block=retake, position=item.position, letter=correct_letter(item.question))
    assert AllTimeScore.objects.get(user=student).score == 0


def test_reset_my_history_never_adds_points(student, bank):
    answer_all(student, bank[:2], correct=False)
    history_reset(user=student)
    answer_all(student, bank[:2], correct=True)
    total = AllTimeScore.objects.get(user=student)
    assert (total.score, total.answered) == (0, 2)


def test_timed_answers_count_only_when_the_block_finishes(student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    item_answer(block=block, position=1, letter=correct_letter(bank[0]))
    assert not AllTimeScore.objects.filter(user=student).exists()
    block_finish(block=block)
    assert AllTimeScore.objects.get(user=student).score == 1


def test_weekly_board_rolls_over_at_monday_midnight_utc(student, bank):
    sunday = datetime(2026, 11, 29, 23, 59, 59, tzinfo=UTC)
    monday = datetime(2026, 11, 30, 0, 0, 0, tzinfo=UTC)
    attempts_finalize(user=student, attempts=[Attempt(bank[0].pk, correct_letter(bank[0]), True, sunday)])
    attempts_finalize(user=student, attempts=[Attempt(bank[1].pk, correct_letter(bank[1]), True, monday)])
    weeks = dict(WeeklyScore.objects.filter(user=student).values_list("week", "score"))
    assert weeks == {datetime(2026, 11, 23).date(): 1, datetime(2026, 11, 30).date(): 1}
    assert AllTimeScore.objects.get(user=student).score == 2

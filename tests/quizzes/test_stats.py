import pytest

from quizzes.models import Block, UserQuestion
from quizzes.services import block_finish, item_answer
from tests.conftest import correct_letter, make_block, wrong_letter

pytestmark = pytest.mark.django_db

URL = "/stats/"


def answer_block(student, questions, pattern, mode=Block.Mode.TUTOR):
    """pattern: a string of 'c' (correct), 'w' (wrong) and '-' (omitted), one per question."""
    block = make_block(student, questions, mode=mode)
    for position, (question, mark) in enumerate(zip(questions, pattern, strict=True), start=1):
        if mark != "-":
            letter = correct_letter(question) if mark == "c" else wrong_letter(question)
            item_answer(block=block, position=position, letter=letter, elapsed_ms=30_000)
    return block_finish(block=block)


def test_stats_show_accuracy_by_subject_and_system_usage_time_and_score(student_client, student, bank):
    # bank: Pathology x (Cardiovascular, Renal, Nervous), then Pharmacology x the same
    answer_block(student, bank[:4], "cwcw")
    performance = student_client.get(URL).context["performance"]
    assert (performance.answered, performance.correct, performance.percent) == (4, 2, 50)
    assert {(row.name, row.answered, row.correct) for row in performance.by_subject} == {
        ("Pathology", 3, 2),
        ("Pharmacology", 1, 0),
    }
    assert {(row.name, row.correct) for row in performance.by_system} == {
        ("Cardiovascular", 1),
        ("Renal", 0),
        ("Nervous", 1),
    }
    assert (performance.used, performance.remaining, performance.published) == (4, 2, 6)
    assert performance.average_ms == 30_000
    assert performance.score == 2
    text = student_client.get(URL).text
    assert "50%" in text and "30 s" in text


def test_unfinished_timed_answers_do_not_count_yet(student_client, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    item_answer(block=block, position=1, letter=correct_letter(bank[0]))
    assert student_client.get(URL).context["performance"].answered == 0


def test_trend_of_the_last_blocks_is_an_inline_svg(student_client, student, bank):
    answer_block(student, bank[:2], "cc")
    answer_block(student, bank[2:4], "cw")
    answer_block(student, bank[4:6], "ww")
    response = student_client.get(URL)
    assert [point.percent for point in response.context["performance"].trend] == [100, 50, 0]
    assert "<svg" in response.text and 'class="trend-line"' in response.text
    assert "100%, 50%, 0%" in response.text


def test_stats_query_count_does_not_grow_with_history(
    student_client, student, bank, django_assert_max_num_queries
):
    for _ in range(8):
        answer_block(student, bank, "cwcw-c")
    student_client.get(URL)  # the first rank lookup after a Redis flush rebuilds the board mirror
    # user, the grouped answers, omitted items, history, trend, my subject scores (the peers are cached), rank
    with django_assert_max_num_queries(8):
        assert student_client.get(URL).status_code == 200


def test_reset_asks_for_confirmation(student_client, student, bank):
    answer_block(student, bank[:2], "cw")
    assert "Reset my history?" in student_client.get("/stats/reset/").text
    response = student_client.post("/stats/reset/", {})
    assert response.status_code == 400
    assert UserQuestion.objects.filter(user=student, seen=True).count() == 2


def test_reset_clears_pools_and_statistics_but_never_the_first_attempts(student_client, student, bank):
    answer_block(student, bank[:2], "cw")
    response = student_client.post("/stats/reset/", {"confirm": "yes"})
    assert response.status_code == 303
    performance = student_client.get(URL).context["performance"]
    assert (performance.answered, performance.used, performance.remaining) == (0, 0, 6)
    assert performance.trend == []
    assert performance.score == 1  # the score survives

    # the question answered correctly before is "unused" again but can never be a first attempt again
    again = make_block(student, bank[1:2])
    item_answer(block=again, position=1, letter=correct_letter(bank[1]))
    row = UserQuestion.objects.get(user=student, question=bank[1])
    assert row.first_correct is False
    assert student_client.get(URL).context["performance"].score == 1
    assert student_client.get(URL).context["performance"].answered == 1


def test_stats_anonymous_and_methods(client, student_client):
    from django.test import Client

    assert Client().get(URL)["Location"].startswith("/accounts/login/")
    assert student_client.post(URL).status_code == 405
    assert student_client.delete("/stats/reset/").status_code == 405

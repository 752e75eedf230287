import pytest

from quizzes.models import Block, UserQuestion
from quizzes.services import block_finish, item_answer, item_flag
from tests.conftest import correct_letter, make_block, make_question, wrong_letter

pytestmark = pytest.mark.django_db


def finish_url(block):
    return f"/quizzes/{block.pk}/finish/"


def review_url(block, query=""):
    return f"/quizzes/{block.pk}/review/{query}"


def test_finishing_a_timed_block_scores_it_and_records_first_attempts(student_client, student, bank):
    block = make_block(student, bank[:4], mode=Block.Mode.TIMED)
    item_answer(block=block, position=1, letter=correct_letter(bank[0]))
    item_answer(block=block, position=2, letter=wrong_letter(bank[1]))
    item_answer(block=block, position=3, letter=correct_letter(bank[2]))
    response = student_client.post(finish_url(block))
    assert response.status_code == 303
    assert response["Location"] == review_url(block)
    block.refresh_from_db()
    assert (block.correct_count, block.answered_count, block.item_count) == (2, 3, 4)
    firsts = UserQuestion.objects.filter(user=student, first_answered_at__isnull=False)
    assert {(row.question_id, row.first_correct, row.first_omitted) for row in firsts} == {
        (bank[0].pk, True, False),
        (bank[1].pk, False, False),
        (bank[2].pk, True, False),
        (bank[3].pk, False, True),  # omitted is spent: a first attempt, incorrect
    }
    omitted = UserQuestion.objects.get(user=student, question=bank[3])
    assert omitted.first_letter == "" and omitted.last_omitted and omitted.times_answered == 1
    item = block.items.get(position=4)
    assert item.omitted and item.is_correct is False


def test_finishing_twice_is_harmless(student_client, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    item_answer(block=block, position=1, letter=correct_letter(bank[0]))
    student_client.post(finish_url(block))
    first_finish = Block.objects.get(pk=block.pk).finished_at
    assert student_client.post(finish_url(block)).status_code == 303
    block.refresh_from_db()
    assert block.finished_at == first_finish
    assert UserQuestion.objects.get(user=student, question=bank[0]).times_answered == 1


def test_only_the_first_final_attempt_counts_as_first(student, bank):
    question = bank[0]
    tutor = make_block(student, [question], mode=Block.Mode.TUTOR)
    item_answer(block=tutor, position=1, letter=correct_letter(question))
    block_finish(block=tutor)
    timed = make_block(student, [question], mode=Block.Mode.TIMED)
    item_answer(block=timed, position=1, letter=wrong_letter(question))
    block_finish(block=timed)
    row = UserQuestion.objects.get(user=student, question=question)
    assert (row.first_letter, row.first_correct) == (correct_letter(question), True)
    assert row.last_correct is False  # the timed answer was final later
    assert row.times_answered == 2
    again = make_block(student, [question], mode=Block.Mode.TUTOR)
    item_answer(block=again, position=1, letter=wrong_letter(question))
    row.refresh_from_db()
    assert row.first_correct is True and row.times_answered == 3


def test_answering_a_finished_block_changes_nothing(student_client, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TUTOR)
    student_client.post(finish_url(block))
    response = student_client.post(f"/quizzes/{block.pk}/q/1/", {"choice": "A"}, follow=True)
    assert "This block is finished" in response.text
    assert block.items.get(position=1).chosen_letter == ""


def test_review_shows_every_item_with_key_explanation_shares_time_and_flag(student_client, student, bank):
    block = make_block(student, bank[:3], mode=Block.Mode.TIMED)
    item_answer(block=block, position=1, letter=correct_letter(bank[0]), elapsed_ms=42_000)
    item_answer(block=block, position=2, letter=wrong_letter(bank[1]), elapsed_ms=5_000)
    item_flag(block=block, position=2)
    block_finish(block=block)
    text = student_client.get(review_url(block)).text
    assert "2 / 3" not in text and "1 / 3" in text
    for question in bank[:3]:
        assert question.explanation in text
        assert question.educational_objective in text
    assert "chose this" not in text  # one first attempt per question: too few for shares
    assert "shows once 10 have answered this question (1 so far)" in text
    assert "42 s" in text
    assert "⚑ flagged" in text
    assert "omitted" in text
    assert "By subject" in text and "By system" in text
    assert "Retake the 2 incorrect and omitted questions" in text


def test_review_filters(student_client, student, bank):
    block = make_block(student, bank[:3], mode=Block.Mode.TUTOR)
    item_answer(block=block, position=1, letter=correct_letter(bank[0]))
    item_answer(block=block, position=2, letter=wrong_letter(bank[1]))
    item_flag(block=block, position=1)
    block_finish(block=block)
    incorrect = student_client.get(review_url(block, "?show=incorrect")).text
    assert bank[1].explanation in incorrect and bank[2].explanation in incorrect
    assert bank[0].explanation not in incorrect
    flagged = student_client.get(review_url(block, "?show=flagged")).text
    assert bank[0].explanation in flagged and bank[1].explanation not in flagged
    bogus = student_client.get(review_url(block, "?show=<script>"))
    assert bogus.status_code == 200 and bank[2].explanation in bogus.text


def test_review_of_an_unfinished_block_sends_the_student_back_to_it(student_client, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    response = student_client.get(review_url(block))
    assert response["Location"] == f"/quizzes/{block.pk}/"


def test_review_query_count_is_flat_for_a_40_item_block(
    student_client, student, django_assert_max_num_queries
):
    questions = [make_question(system=f"System {n % 5}", subject=f"Subject {n % 3}") for n in range(40)]
    block = make_block(student, questions, mode=Block.Mode.TIMED)
    for position in range(1, 41):
        item_answer(block=block, position=position, letter="B")
    block_finish(block=block)
    with django_assert_max_num_queries(9):
        response = student_client.get(review_url(block))
    assert response.status_code == 200
    assert response.text.count('class="card review-item"') == 40


def test_retake_incorrect_builds_a_block_of_the_incorrect_items(student_client, student, bank):
    block = make_block(student, bank[:3], mode=Block.Mode.TIMED)
    item_answer(block=block, position=1, letter=wrong_letter(bank[0]))
    item_answer(block=block, position=2, letter=correct_letter(bank[1]))
    item_answer(block=block, position=3, letter=wrong_letter(bank[2]))
    block_finish(block=block)
    response = student_client.post(f"/quizzes/{block.pk}/retake/", {"mode": "tutor"})
    retake = Block.objects.exclude(pk=block.pk).get(owner=student)
    assert response["Location"] == f"/quizzes/{retake.pk}/"
    assert retake.mode == "tutor" and retake.pool == "incorrect"
    assert list(retake.items.values_list("question_id", flat=True)) == [bank[0].pk, bank[2].pk]


def test_retake_with_nothing_incorrect_or_a_bad_mode(student_client, student, bank):
    block = make_block(student, bank[:1], mode=Block.Mode.TUTOR)
    item_answer(block=block, position=1, letter=correct_letter(bank[0]))
    block_finish(block=block)
    response = student_client.post(f"/quizzes/{block.pk}/retake/", {"mode": "tutor"}, follow=True)
    assert "Nothing to retake" in response.text
    assert student_client.post(f"/quizzes/{block.pk}/retake/", {"mode": "exam"}).status_code == 400
    assert Block.objects.filter(owner=student).count() == 1


def test_timed_block_never_leaks_the_key_before_it_finishes(student_client, student, bank):
    """No page, fragment or redirect of an unfinished timed block carries the key."""
    question = bank[0]
    block = make_block(student, [question, bank[1]], mode=Block.Mode.TIMED)
    secrets = [question.explanation, question.educational_objective, question.explanation_html]
    bodies = [
        student_client.get(f"/quizzes/{block.pk}/q/1/").text,
        student_client.post(
            f"/quizzes/{block.pk}/q/1/", {"choice": correct_letter(question)}, follow=True
        ).text,
        student_client.get(f"/quizzes/{block.pk}/q/1/").text,
        student_client.post(f"/quizzes/{block.pk}/q/1/flag/", HTTP_HX_REQUEST="true").text,
        student_client.get(f"/quizzes/{block.pk}/review/", follow=True).text,
        student_client.get("/quizzes/").text,
    ]
    for body in bodies:
        for secret in secrets:
            assert secret not in body
        assert "choice-correct" not in body
        assert "tag-correct" not in body
        assert "Correct answer" not in body


def test_tutor_mode_reveals_only_answered_items(student_client, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TUTOR)
    student_client.post(f"/quizzes/{block.pk}/q/1/", {"choice": correct_letter(bank[0])})
    assert bank[0].explanation in student_client.get(f"/quizzes/{block.pk}/q/1/").text
    unanswered = student_client.get(f"/quizzes/{block.pk}/q/2/").text
    assert bank[1].explanation not in unanswered
    assert "choice-correct" not in unanswered

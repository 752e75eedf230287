"""The practice loop as a student who wants to top the board would try to game it.

Each test is named after the attack it stops: omitted is spent, one open
block per question, a timed selection is an answer.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from leaderboard.models import AllTimeScore
from quizzes.models import Block, Item, UserQuestion
from quizzes.services import NoQuestionsMatch, block_create, block_finish, item_answer, item_flag
from tests.conftest import correct_letter, make_block, make_user, wrong_letter

pytestmark = pytest.mark.django_db


def build(client, **fields):
    return client.post("/quizzes/new/", {"size": "40", "mode": "tutor", "pool": "all", **fields})


def newest_block(student) -> Block:
    return Block.objects.filter(owner=student).latest("id")


# --- Omitted is spent ---------------------------------------------------------------


def test_ending_blocks_unanswered_reading_the_keys_resetting_and_answering_adds_no_points(
    student_client, student, bank
):
    # build, end at once, read every key in the review
    for _ in range(2):
        build(student_client, size="3", pool="unused")
        block = newest_block(student)
        assert student_client.post(f"/quizzes/{block.pk}/finish/").status_code == 303
        review = student_client.get(f"/quizzes/{block.pk}/review/").text
        assert all(item.question.explanation in review for item in block.items.select_related("question"))
    assert AllTimeScore.objects.get(user=student).score == 0
    # reset the history so every question is "unused" again, then answer all of them right
    student_client.post("/stats/reset/", {"confirm": "yes"})
    build(student_client, pool="unused")
    block = newest_block(student)
    assert block.item_count == 6
    for item in block.items.select_related("question"):
        student_client.post(
            f"/quizzes/{block.pk}/q/{item.position}/", {"choice": correct_letter(item.question)}
        )
    score = AllTimeScore.objects.get(user=student)
    assert (score.score, score.answered) == (0, 6)  # the six keys were shown: none scores now
    board = student_client.get("/leaderboard/").text
    assert "Questions shown count as attempted" in board


def test_every_way_a_block_ends_spends_its_unanswered_items(student, bank):
    tutor = make_block(student, bank[:2])
    item_answer(block=tutor, position=1, letter=correct_letter(bank[0]))
    block_finish(block=tutor)  # by the student
    timed = make_block(student, bank[2:4], mode=Block.Mode.TIMED)
    Block.objects.filter(pk=timed.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    timed.refresh_from_db()
    outcome = item_answer(block=timed, position=1, letter=correct_letter(bank[2]))  # a late answer
    assert outcome.outcome == "too_late"
    expired = make_block(student, bank[4:6], mode=Block.Mode.TIMED)
    Block.objects.filter(pk=expired.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    block_create(owner=student, mode="tutor", pool="all", size=1)  # building a block finishes the expired one
    expired.refresh_from_db()
    assert expired.is_finished
    rows = {row.question_id: row for row in UserQuestion.objects.filter(user=student)}
    for question in [bank[1], *bank[2:6]]:
        row = rows[question.pk]
        assert row.first_omitted and row.first_correct is False and row.first_letter == "", question
        assert row.first_answered_at is not None and row.last_omitted
    assert rows[bank[0].pk].first_correct is True and not rows[bank[0].pk].first_omitted
    assert AllTimeScore.objects.get(user=student).answered == 6


def test_omitted_first_attempts_are_left_out_of_peer_shares(student_client, student, other_student, bank):
    block_finish(block=make_block(other_student, bank[:1]))  # omitted by the other student
    for n in range(9):
        item_answer(
            block=make_block(make_user(f"peer{n}"), bank[:1]), position=1, letter=wrong_letter(bank[0])
        )
    block = make_block(student, bank[:1])
    student_client.post(f"/quizzes/{block.pk}/q/1/", {"choice": wrong_letter(bank[0])})
    text = student_client.get(f"/quizzes/{block.pk}/q/1/").text
    assert "100% chose this" in text  # ten answered first attempts, all wrong: not 91 % of eleven
    assert "of the 10 students" in text


# --- One open block per question -------------------------------------------------------


def test_the_flagged_pool_trick_draws_none_of_an_open_timed_blocks_questions(student_client, student, bank):
    timed = make_block(student, bank[:3], mode=Block.Mode.TIMED)
    for position in (1, 2, 3):
        item_flag(block=timed, position=position)
    counts = student_client.get("/quizzes/new/counts/", {"pool": "flagged"}).text
    assert "<strong>0</strong> questions match" in counts
    assert "3 more are in your open blocks" in counts
    response = build(student_client, pool="flagged")
    assert response.status_code == 400
    assert "No questions match" in response.text
    assert Block.objects.filter(owner=student).count() == 1


def test_a_second_block_never_holds_a_question_of_an_open_block(student_client, student, bank):
    open_block = make_block(student, bank[:4], mode=Block.Mode.TIMED)
    build(student_client)
    second = newest_block(student)
    assert set(second.items.values_list("question_id", flat=True)) == {q.pk for q in bank[4:]}
    # a block of named questions (what "Retake" builds) cannot take them either
    with pytest.raises(NoQuestionsMatch):
        make_block(student, bank[:5])
    held = set(Item.objects.filter(block=open_block).values_list("question_id", flat=True))
    for block in Block.objects.filter(owner=student).exclude(pk=open_block.pk):
        assert not held & set(block.items.values_list("question_id", flat=True))


def test_retake_leaves_out_questions_that_sit_in_another_open_block(student_client, student, bank):
    block = make_block(student, bank[:3], mode=Block.Mode.TIMED)
    block_finish(block=block)  # all three omitted
    make_block(student, bank[:1])  # bank[0] is in an open tutor block now
    review = student_client.get(f"/quizzes/{block.pk}/review/").text
    assert "Retake the 2 incorrect and omitted questions" in review
    response = student_client.post(f"/quizzes/{block.pk}/retake/", {"mode": "tutor"})
    assert response.status_code == 303
    retake = newest_block(student)
    assert list(retake.items.values_list("question_id", flat=True)) == [bank[1].pk, bank[2].pk]


def test_a_timed_block_whose_clock_ran_out_gives_its_questions_back(student_client, student, bank):
    timed = make_block(student, bank, mode=Block.Mode.TIMED)
    Block.objects.filter(pk=timed.pk).update(deadline=timezone.now() - timedelta(seconds=30))
    page = student_client.get("/quizzes/new/").text
    assert "<strong>6</strong> questions match" in page
    timed.refresh_from_db()
    assert timed.is_finished and timed.items.filter(omitted=True).count() == 6


# --- A timed selection is an answer -------------------------------------------------------


def test_a_selection_stored_by_the_script_keeps_the_student_on_the_item(student_client, student, bank):
    timed = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    response = student_client.post(
        f"/quizzes/{timed.pk}/q/2/",
        {"choice": "C", "autosave": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert response.json() == {"status": "recorded", "next": f"/quizzes/{timed.pk}/q/2/"}
    assert timed.items.get(position=2).chosen_letter == "C"
    # no "that was the last item" message waits for the next page
    assert "last item" not in student_client.get(f"/quizzes/{timed.pk}/q/1/").text


def test_end_block_stores_the_choice_on_screen_before_finishing(student_client, student, bank):
    timed = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    right = correct_letter(bank[1])
    response = student_client.post(f"/quizzes/{timed.pk}/finish/", {"choice": right, "position": "2"})
    assert response.status_code == 303
    timed.refresh_from_db()
    assert timed.is_finished and (timed.answered_count, timed.correct_count) == (1, 1)
    assert UserQuestion.objects.get(user=student, question=bank[1]).first_correct is True


def test_end_block_with_a_bogus_carried_choice_still_ends_it(student_client, student, bank):
    timed = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    for fields in ({"choice": "A", "position": "9"}, {"choice": "Z", "position": "1"}, {"position": "²"}):
        assert student_client.post(f"/quizzes/{timed.pk}/finish/", fields).status_code == 303
    timed.refresh_from_db()
    assert timed.is_finished and timed.answered_count == 0


def test_a_selection_inside_the_grace_after_the_deadline_is_kept(student_client, student, bank):
    timed = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    Block.objects.filter(pk=timed.pk).update(deadline=timezone.now() - timedelta(seconds=2))
    response = student_client.post(
        f"/quizzes/{timed.pk}/q/1/", {"choice": "B", "autosave": "1"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    assert timed.items.get(position=1).chosen_letter == "B"


# --- Keys and settings on the page ---------------------------------------------------------


def test_single_key_shortcuts_can_be_switched_off(student_client, student, bank):
    timed = make_block(student, bank[:1], mode=Block.Mode.TIMED)
    assert 'data-shortcuts="on"' in student_client.get(f"/quizzes/{timed.pk}/q/1/").text
    response = student_client.post(
        "/accounts/profile/", {"display_name": "Alice A.", "show_on_leaderboard": "on"}
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.keyboard_shortcuts is False
    text = student_client.get(f"/quizzes/{timed.pk}/q/1/").text
    assert 'data-shortcuts="off"' in text and "Single-key shortcuts are off" in text
    assert 'data-select-saves="true"' in text

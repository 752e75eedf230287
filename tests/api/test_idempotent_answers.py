"""Answers through the API carry an Idempotency-Key: a retry is answered like the first and changes nothing.

The same mechanism as the question page's (AnswerReceipt, under the block's lock), so an answer sent from
the app, lost on the way back and sent again is one answer.
"""

import uuid

import pytest

from quizzes.models import AnswerReceipt, Block, Item, UserQuestion
from tests.api.conftest import block_url, item_url
from tests.conftest import correct_letter, make_block, wrong_letter

pytestmark = pytest.mark.django_db


def answer(client, block, position, letter, key=None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": str(key)} if key else {}
    return client.post(
        item_url(block, position, "answer/"), {"choice": letter, **extra}, format="json", **headers
    )


def test_the_same_key_twice_stores_one_attempt_and_replies_the_same(api, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TUTOR)
    key = uuid.uuid4()
    first = answer(api, block, 1, correct_letter(bank[0]), key)
    again = answer(api, block, 1, correct_letter(bank[0]), key)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["status"] == "recorded"
    assert "Idempotent-Replayed" not in first
    assert again["Idempotent-Replayed"] == "true"
    assert AnswerReceipt.objects.filter(item__block=block).count() == 1
    history = UserQuestion.objects.get(user=student, question=bank[0])
    assert history.times_answered == 1 and history.first_correct is True


def test_a_late_retry_of_an_older_timed_answer_never_undoes_a_newer_one(api, student, bank):
    block = make_block(student, bank[:1], mode=Block.Mode.TIMED)
    first_key = uuid.uuid4()
    assert answer(api, block, 1, "A", first_key).json()["item"]["chosen_letter"] == "A"
    assert answer(api, block, 1, "C", uuid.uuid4()).json()["item"]["chosen_letter"] == "C"
    retry = answer(api, block, 1, "A", first_key)
    assert retry.status_code == 200 and retry["Idempotent-Replayed"] == "true"
    assert Item.objects.get(block=block).chosen_letter == "C"


def test_a_tutor_answer_is_final_so_another_key_with_another_letter_is_409(api, student, bank):
    block = make_block(student, bank[:1], mode=Block.Mode.TUTOR)
    assert answer(api, block, 1, wrong_letter(bank[0]), uuid.uuid4()).status_code == 200
    refused = answer(api, block, 1, correct_letter(bank[0]), uuid.uuid4())
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "You already answered this question; your first answer stands.",
        "code": "locked",
    }
    same = answer(api, block, 1, wrong_letter(bank[0]), uuid.uuid4())  # the same letter again: harmless
    assert same.status_code == 200 and same.json()["status"] == "unchanged"
    assert UserQuestion.objects.get(user=student, question=bank[0]).first_correct is False


def test_after_the_block_finishes_no_key_changes_an_answer(api, student, bank):
    block = make_block(student, bank[:1], mode=Block.Mode.TIMED)
    key = uuid.uuid4()
    answer(api, block, 1, "A", key)
    api.post(block_url(block, "finish/"))
    for retry_key in (key, uuid.uuid4()):
        refused = answer(api, block, 1, "B", retry_key)
        assert refused.status_code == 409 and refused.json()["code"] == "finished"
    assert Item.objects.get(block=block).chosen_letter == "A"
    assert not AnswerReceipt.objects.exists()  # finishing deletes them, as on the pages


def test_an_answer_after_the_deadline_is_409_too_late_and_finishes_the_block(api, student, bank):
    from datetime import timedelta

    from django.utils import timezone

    block = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    Block.objects.filter(pk=block.pk).update(deadline=timezone.now() - timedelta(seconds=6))
    refused = answer(api, block, 1, "A", uuid.uuid4())
    assert refused.status_code == 409
    assert refused.json() == {"detail": "Time is up: the block is finished.", "code": "too_late"}
    block.refresh_from_db()
    assert block.is_finished and block.answered_count == 0


@pytest.mark.parametrize("key", ["not-a-uuid", "1234", "\u0661" * 32])
def test_a_key_that_is_not_a_uuid_is_400_and_nothing_is_stored(api, student, bank, key):
    block = make_block(student, bank[:1])
    refused = answer(api, block, 1, "A", key)
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"Idempotency-Key": ["The Idempotency-Key header must be a UUID."]}
    assert Item.objects.get(block=block).chosen_letter == ""


@pytest.mark.parametrize("choice", ["", "AB", "G", "1", None, 3, ["A"], {"letter": "A"}, "\x00"])
def test_a_choice_that_is_no_letter_is_400_with_the_pages_message(api, student, bank, choice):
    block = make_block(student, bank[:1])
    refused = api.post(item_url(block, 1, "answer/"), {"choice": choice}, format="json")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "Choose one of the answer letters, then submit."


def test_a_letter_the_question_lacks_is_400_and_the_client_may_send_its_own_timing(api, student, bank):
    block = make_block(student, bank[:1], mode=Block.Mode.TIMED)
    assert answer(api, block, 1, "F").json()["detail"] == "This question has no choice F."
    assert answer(api, block, 1, "a", elapsed_ms=4200).status_code == 200  # lower case is a letter too
    assert Item.objects.get(block=block).time_spent_ms == 4200

"""Retries without duplicates: each answer form carries a key the server accepts once."""

import re
import uuid

import pytest

from quizzes.models import AnswerReceipt, Block, Item, UserQuestion
from quizzes.services import block_finish
from tests.conftest import correct_letter, make_block, wrong_letter

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def item_url(block, position):
    return f"/quizzes/{block.pk}/q/{position}/"


def test_each_rendered_answer_form_carries_a_fresh_key(student_client, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    key = re.compile(r'name="idempotency_key" value="([0-9a-f-]{36})"')
    keys = [key.search(student_client.get(item_url(block, 1)).text) for _ in range(2)]
    assert all(keys) and keys[0].group(1) != keys[1].group(1)


def test_a_late_retry_of_an_accepted_answer_does_not_undo_a_newer_answer(student_client, student, bank):
    # A (key 1) arrives but its reply is lost; the student changes to B (key 2);
    # then the browser's retry of A (key 1) arrives: B must stand.
    block = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    first, second = wrong_letter(bank[0]), correct_letter(bank[0])
    key_one, key_two = str(uuid.uuid4()), str(uuid.uuid4())
    url = item_url(block, 1)
    assert student_client.post(url, {"choice": first, "idempotency_key": key_one}).status_code == 303
    assert student_client.post(url, {"choice": second, "idempotency_key": key_two}).status_code == 303
    retry = student_client.post(item_url(block, 1), {"choice": first, "idempotency_key": key_one})
    assert retry.status_code == 303 and retry["Location"] == item_url(block, 2)
    assert Item.objects.get(block=block, position=1).chosen_letter == second


def test_a_retried_tutor_answer_counts_once_and_reads_as_saved(student_client, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TUTOR)
    form = {"choice": correct_letter(bank[0]), "idempotency_key": str(uuid.uuid4())}
    assert student_client.post(item_url(block, 1), form).status_code == 303
    retry = student_client.post(item_url(block, 1), form, **JSON)
    assert retry.status_code == 200
    assert retry.json() == {"status": "duplicate", "next": item_url(block, 1) + "#verdict"}
    assert UserQuestion.objects.get(user=student, question=bank[0]).times_answered == 1
    assert "first answer stands" not in student_client.get(item_url(block, 1)).text


def test_the_answer_script_gets_json_with_where_to_go_next(student_client, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    form = {"choice": wrong_letter(bank[0]), "idempotency_key": str(uuid.uuid4())}
    response = student_client.post(item_url(block, 1), form, **JSON)
    assert response.status_code == 200
    assert response.json() == {"status": "recorded", "next": item_url(block, 2)}

    bad = student_client.post(item_url(block, 1), {"choice": "Z"}, **JSON)
    assert bad.status_code == 400 and "Choose one of the answer letters" in bad.json()["error"]

    block_finish(block=block)
    late = student_client.post(item_url(block, 2), {"choice": "A"}, **JSON)
    assert late.status_code == 409
    assert late.json()["next"] == f"/quizzes/{block.pk}/review/"


def test_a_damaged_key_is_refused_and_records_nothing(student_client, student, bank):
    block = make_block(student, bank[:1], mode=Block.Mode.TIMED)
    response = student_client.post(item_url(block, 1), {"choice": "A", "idempotency_key": "not-a-uuid"})
    assert response.status_code == 400
    assert "form is damaged" in response.text
    assert Item.objects.get(block=block, position=1).chosen_letter == ""


def test_finishing_a_block_drops_its_receipts(student_client, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    student_client.post(item_url(block, 1), {"choice": "A", "idempotency_key": str(uuid.uuid4())})
    assert AnswerReceipt.objects.filter(item__block=block).count() == 1
    block_finish(block=block)
    assert AnswerReceipt.objects.filter(item__block=block).count() == 0

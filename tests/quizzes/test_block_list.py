from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Block
from quizzes.services import block_finish, item_answer
from tests.conftest import correct_letter, make_block

pytestmark = pytest.mark.django_db

URL = "/quizzes/"


def test_my_blocks_lists_in_progress_and_finished(student_client, student, other_student, bank):
    open_block = make_block(student, bank[:2], mode=Block.Mode.TUTOR)
    done = make_block(student, bank[2:4], mode=Block.Mode.TIMED)
    item_answer(block=done, position=1, letter=correct_letter(bank[2]))
    block_finish(block=done)
    someone_elses = make_block(other_student, bank[:1])
    text = student_client.get(URL).text
    assert f'href="/quizzes/{open_block.pk}/"' in text
    assert f'href="/quizzes/{done.pk}/review/"' in text
    assert "1 / 2 (50%)" in text
    assert f"/quizzes/{someone_elses.pk}/" not in text


def test_a_timed_block_whose_clock_ran_out_is_listed_as_finished(student_client, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    Block.objects.filter(pk=block.pk).update(deadline=timezone.now() - timedelta(minutes=10))
    text = student_client.get(URL).text
    assert f'href="/quizzes/{block.pk}/review/"' in text
    block.refresh_from_db()
    assert block.is_finished


def test_finished_blocks_are_paginated_with_a_flat_query_count(
    student_client, student, bank, django_assert_max_num_queries
):
    for _ in range(25):
        block_finish(block=make_block(student, bank[:1]))
    with django_assert_max_num_queries(8):
        first = student_client.get(URL)
    assert first.text.count("Review</a>") == 20
    assert "Page 1 of 2" in first.text
    second = student_client.get(URL + "?page=2")
    assert second.text.count("Review</a>") == 5
    assert student_client.get(URL + "?page=abc").status_code == 200
    assert student_client.get(URL + "?page=999").status_code == 200


def test_resume_after_closing_the_tab_keeps_the_clock(student_client, student, bank):
    block = make_block(student, bank[:3], mode=Block.Mode.TIMED)
    student_client.post(f"/quizzes/{block.pk}/q/1/", {"choice": "A"})
    deadline = Block.objects.get(pk=block.pk).deadline
    assert student_client.get(f"/quizzes/{block.pk}/")["Location"] == f"/quizzes/{block.pk}/q/2/"
    assert Block.objects.get(pk=block.pk).deadline == deadline


def test_anonymous_and_wrong_method(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")
    assert client.post(URL).status_code in (302, 405)


def test_an_open_block_can_be_ended_from_my_blocks_and_its_items_are_spent(student_client, student, bank):
    open_block = make_block(student, bank[:3], mode=Block.Mode.TUTOR)
    text = student_client.get(URL).text
    assert f'action="/quizzes/{open_block.pk}/finish/"' in text
    assert "count as omitted" in text
    response = student_client.post(f"/quizzes/{open_block.pk}/finish/")
    assert response.status_code == 303
    open_block.refresh_from_db()
    assert open_block.is_finished and open_block.items.filter(omitted=True).count() == 3

"""notes.selectors.notes_for: the student's notes on a page's questions, in one query."""

import pytest

from notes.selectors import notes_for
from notes.services import note_save
from tests.conftest import make_block

pytestmark = pytest.mark.django_db


def test_notes_for_gives_my_notes_by_question_in_one_query(
    student, other_student, bank, django_assert_num_queries
):
    make_block(student, bank[:3])
    make_block(other_student, bank[:3])
    mine = note_save(user=student, question_id=bank[0].pk, text="mine")
    note_save(user=student, question_id=bank[2].pk, text="not asked for")
    note_save(user=other_student, question_id=bank[1].pk, text="Bob's")
    with django_assert_num_queries(1):
        found = notes_for(user=student, question_ids=(q.pk for q in bank[:2]))
    assert found == {bank[0].pk: mine}
    assert found[bank[0].pk].text == "mine"
    assert notes_for(user=student, question_ids=[]) == {}

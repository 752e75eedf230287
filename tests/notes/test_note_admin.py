"""The notes admin: staff can find and read a note, not write one."""

import pytest

from notes.models import Note
from notes.services import note_save
from tests.conftest import ADMIN, make_block, verify_second_factor

pytestmark = pytest.mark.django_db


def test_staff_find_a_note_by_username_or_question_id_and_cannot_edit_it(client, staff_user, student, bank):
    make_block(student, bank[:1])
    note = note_save(user=student, question_id=bank[0].pk, text="a note")
    client.force_login(staff_user)
    verify_second_factor(client, staff_user)
    for query in ("alice", bank[0].external_id):
        listing = client.get(f"{ADMIN}notes/note/", {"q": query})
        assert listing.status_code == 200
        assert f"/notes/note/{note.pk}/change/" in listing.text
    assert client.get(f"{ADMIN}notes/note/add/").status_code == 403
    client.post(f"{ADMIN}notes/note/{note.pk}/change/", {"text": "edited"})
    assert Note.objects.get().text == "a note"

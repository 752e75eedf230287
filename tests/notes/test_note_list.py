"""GET /notes/: My notes, newest first, searchable, paginated, each linking to its question."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from notes.models import Note
from notes.services import note_save
from quizzes.models import Block
from quizzes.services import block_finish
from tests.conftest import correct_letter, make_block, make_question
from tests.security.html_audit import active_content

pytestmark = pytest.mark.django_db

URL = "/notes/"


def age(note: Note, minutes: int) -> None:
    Note.objects.filter(pk=note.pk).update(updated_at=timezone.now() - timedelta(minutes=minutes))


def notes_on(student, count: int) -> list[Note]:
    questions = [make_question() for _ in range(count)]
    make_block(student, questions)
    return [
        note_save(user=student, question_id=question.pk, text=f"note number {n}")
        for n, question in enumerate(questions)
    ]


def test_my_notes_shows_each_note_with_its_question_newest_first(student_client, student, bank):
    make_block(student, bank[:2])
    older = note_save(user=student, question_id=bank[0].pk, text="Older note")
    newer = note_save(user=student, question_id=bank[1].pk, text="Newer note")
    age(older, 10)
    response = student_client.get(URL)
    assert response.status_code == 200
    html = response.text
    assert "<h1>My notes</h1>" in html
    assert html.index("Newer note") < html.index("Older note")
    assert bank[0].external_id in html and bank[0].lead_in in html
    assert f"{bank[0].subject.name} · {bank[0].system.name}" in html
    newer.refresh_from_db()
    assert f'<time datetime="{newer.updated_at.isoformat()}">' in html
    assert "2 notes" in html


def test_open_question_goes_to_the_latest_item_of_mine_for_it(student_client, student, other_student, bank):
    first = block_finish(block=make_block(student, [bank[0], bank[1]]))  # one open block per question
    Block.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=1))
    latest = make_block(student, [bank[2], bank[3], bank[1]])  # bank[1] is item 3 here
    make_block(other_student, [bank[1]])  # Bob's newer block is nobody's business here
    note_save(user=student, question_id=bank[1].pk, text="where was it?")
    html = student_client.get(URL).text
    assert f'href="/quizzes/{latest.pk}/q/3/"' in html
    assert ">Open question</a>" in html


def test_a_note_whose_blocks_are_gone_stays_listed_without_a_link(student_client, student, bank):
    block = make_block(student, bank[:1])
    note_save(user=student, question_id=bank[0].pk, text="still here")
    block.delete()
    html = student_client.get(URL).text
    assert "still here" in html and "Open question" not in html


def test_the_list_never_shows_the_key_or_the_explanation(student_client, student, bank):
    make_block(student, bank[:1])
    note_save(user=student, question_id=bank[0].pk, text="my words")
    question = bank[0]
    correct = question.choices.get(letter=correct_letter(question))
    html = student_client.get(URL).text
    assert "my words" in html
    for secret in (question.explanation, question.educational_objective, correct.text, question.stem):
        assert secret not in html


def test_the_note_is_plain_text_with_its_line_breaks(student_client, student, bank):
    make_block(student, bank[:1])
    hostile = '<script>alert(1)</script>\n<img src=x onerror="x()">'
    note_save(user=student, question_id=bank[0].pk, text=hostile)
    response = student_client.get(URL)
    html = response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>&lt;img src=x" in html
    nonce = response["Content-Security-Policy"].partition("'nonce-")[2].partition("'")[0] or None
    assert active_content(html, nonce=nonce) == []


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("mnemonic", "A"),  # the note
        ("MNEMONIC", "A"),  # any case
        ("wide pulse pressure", "B"),  # the lead-in
        ("machinery murmur", "B"),  # the stem
        ("ext-renal-7", "A"),  # the question ID
        ("pharmacology", "B"),  # the subject
        ("renal", "A"),  # the system
    ],
)
def test_search_matches_the_note_the_question_and_its_taxonomy(student_client, student, query, found):
    a = make_question(external_id="ext-renal-7", subject="Pathology", system="Renal")
    b = make_question(
        subject="Pharmacology",
        system="Cardiovascular",
        lead_in="Which explains the wide pulse pressure?",
        stem="A newborn with a continuous machinery murmur.",
    )
    make_block(student, [a, b])
    note_save(user=student, question_id=a.pk, text="Mnemonic: RAAS")
    note_save(user=student, question_id=b.pk, text="PDA: indomethacin closes it")
    html = student_client.get(URL, {"q": query}).text
    assert ("Mnemonic: RAAS" in html) == (found == "A")
    assert ("PDA: indomethacin" in html) == (found == "B")
    assert f'value="{query}"' in html  # the box keeps the search


def test_no_match_and_no_notes_say_so(student_client, student, bank):
    assert "No notes yet: add one from any question with the Notes button" in student_client.get(URL).text
    make_block(student, bank[:1])
    note_save(user=student, question_id=bank[0].pk, text="something")
    html = student_client.get(URL, {"q": "<zzz>"}).text
    assert "No note matches “&lt;zzz&gt;”" in html


def test_the_search_box_is_labelled(student_client):
    html = student_client.get(URL).text
    assert '<label for="note-search-q">' in html and 'id="note-search-q"' in html and 'name="q"' in html


def test_notes_are_paginated_and_the_search_goes_along(student_client, student):
    notes_on(student, 30)
    first = student_client.get(URL)
    assert first.text.count("note-card") == 25
    assert "Page 1 of 2" in first.text
    second = student_client.get(URL, {"page": "2"})
    assert second.text.count("note-card") == 5
    searched = student_client.get(URL, {"q": "note number"})
    assert 'href="?q=note%20number&amp;page=2"' in searched.text
    assert student_client.get(URL, {"page": "٣"}).status_code == 200
    assert student_client.get(URL, {"page": "999"}).status_code == 200


def test_the_query_count_does_not_grow_with_the_notes(
    student_client, student, django_assert_max_num_queries, django_assert_num_queries
):
    notes_on(student, 2)
    with django_assert_max_num_queries(6) as few:
        student_client.get(URL, {"q": "note"})
    notes_on(student, 28)
    with django_assert_num_queries(len(few.captured_queries)):
        student_client.get(URL, {"q": "note"})


def test_another_students_notes_are_never_listed(client, student, other_student, bank):
    make_block(student, bank[:1])
    make_block(other_student, bank[:1])
    note_save(user=student, question_id=bank[0].pk, text="Alice only")
    client.force_login(other_student)
    for query in ("", "Alice", bank[0].external_id):
        html = client.get(URL, {"q": query}).text
        assert "Alice only" not in html


def test_anonymous_is_sent_to_login_and_post_is_405(student_client):
    assert Client().get(URL)["Location"].startswith("/accounts/login/")
    assert student_client.post(URL).status_code == 405

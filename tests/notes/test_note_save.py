"""POST /notes/q/<question_id>/: save, replace or delete the student's note on a question in their blocks."""

import re

import pytest
from django.test import Client

from notes.models import Note
from notes.services import NoteTooLong, note_save
from quizzes.models import Question
from tests.conftest import make_block, make_question
from tests.security.html_audit import active_content

pytestmark = pytest.mark.django_db


def url(question) -> str:
    return f"/notes/q/{question.pk}/"


@pytest.fixture
def question(student, bank):
    make_block(student, bank[:2])
    return bank[0]


def test_a_note_is_saved_stripped_and_the_form_goes_back_to_next(student_client, student, question):
    here = "/quizzes/1/q/1/"
    response = student_client.post(url(question), {"text": "  Remember: Janeway lesions.  \n", "next": here})
    assert response.status_code == 303
    assert response["Location"] == here
    note = Note.objects.get(user=student, question=question)
    assert note.text == "Remember: Janeway lesions."
    assert "Note saved." in student_client.get("/notes/").text


def test_saving_again_replaces_the_note(student_client, student, question):
    student_client.post(url(question), {"text": "first"})
    first = Note.objects.get(user=student, question=question)
    student_client.post(url(question), {"text": "second"})
    second = Note.objects.get(user=student, question=question)
    assert (second.pk, second.text, second.created_at) == (first.pk, "second", first.created_at)
    assert second.updated_at > first.updated_at


def test_saving_it_empty_deletes_the_note(student_client, student, question):
    student_client.post(url(question), {"text": "keep me?"})
    response = student_client.post(url(question), {"text": "  \r\n\t "})
    assert response.status_code == 303
    assert not Note.objects.filter(user=student).exists()
    assert student_client.post(url(question), {"text": ""}).status_code == 303  # no note: still fine


def test_a_too_long_note_is_a_400_that_keeps_what_was_typed(student_client, student, question):
    note_save(user=student, question_id=question.pk, text="the old note")
    typed = "x" * 4990 + " <b>tail</b> " + "y" * 10
    response = student_client.post(url(question), {"text": typed, "next": "/quizzes/"})
    assert response.status_code == 400
    assert "A note can be at most 5,000 characters (this one has 5,013)." in response.text
    assert "x" * 4990 + " &lt;b&gt;tail&lt;/b&gt; " in response.text  # back in the textarea, escaped
    assert 'aria-invalid="true"' in response.text
    assert 'href="/quizzes/"' in response.text  # and the way back
    assert Note.objects.get(user=student).text == "the old note"


def test_a_too_long_note_speaks_htmx_and_json(student_client, question):
    typed = "z" * 5001
    fragment = student_client.post(url(question), {"text": typed}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 400
    assert fragment.text.lstrip().startswith("<form")
    assert typed in fragment.text and 'role="alert"' in fragment.text
    as_json = student_client.post(url(question), {"text": typed}, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 400
    assert as_json.json() == {
        "error": "A note can be at most 5,000 characters (this one has 5,001).",
        "text": typed,
    }


def test_line_breaks_count_once_as_the_textarea_counts_them(student, question):
    # The browser lets 5,000 characters through maxlength and submits each line break as CRLF.
    typed = "\r\n".join(["a" * 99] * 50)  # 50 * 99 + 49 = 4,999 characters in the textarea
    note = note_save(user=student, question_id=question.pk, text=typed)
    assert note.text == "\n".join(["a" * 99] * 50)
    with pytest.raises(NoteTooLong) as refused:
        note_save(user=student, question_id=question.pk, text="b" * (Note.MAX_LENGTH + 1))
    assert refused.value.length == Note.MAX_LENGTH + 1
    assert isinstance(refused.value, ValueError)


def test_a_question_outside_my_blocks_is_404_whether_it_exists_or_not(
    student_client, student, other_student, bank
):
    make_block(student, bank[:1])
    make_block(other_student, bank[1:2])  # in Bob's block, not Alice's
    draft = Question.objects.get(status=Question.Status.DRAFT)
    for question_id in (bank[1].pk, bank[2].pk, draft.pk, 987654321):
        response = student_client.post(f"/notes/q/{question_id}/", {"text": "mine"})
        assert response.status_code == 404, question_id
    too_long = student_client.post(url(bank[2]), {"text": "x" * 6000})
    assert too_long.status_code == 404  # the same answer as for any other text
    assert not Note.objects.exists()


def test_notes_are_per_student(client, student, other_student, bank):
    make_block(student, bank[:1])
    make_block(other_student, bank[:1])
    note_save(user=student, question_id=bank[0].pk, text="Alice's secret mnemonic")
    client.force_login(other_student)
    client.post(url(bank[0]), {"text": "Bob's note"})
    assert client.post(url(bank[0]), {"text": ""}).status_code == 303  # deletes Bob's, not Alice's
    assert list(Note.objects.values_list("user__username", "text")) == [("alice", "Alice's secret mnemonic")]


def test_the_form_needs_its_csrf_token(student, question):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(student)
    refused = browser.post(url(question), {"text": "forged"})
    assert refused.status_code == 403
    assert not Note.objects.exists()
    page = browser.get("/notes/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    accepted = browser.post(url(question), {"text": "mine", "csrfmiddlewaretoken": token})
    assert accepted.status_code == 303
    assert Note.objects.get().text == "mine"


def test_htmx_gets_the_form_back_with_a_status_line(student_client, question):
    saved = student_client.post(
        url(question), {"text": "a <i>note</i>", "next": "/quizzes/"}, HTTP_HX_REQUEST="true"
    )
    assert saved.status_code == 200
    html = saved.text
    assert html.lstrip().startswith("<form") and "<html" not in html
    assert f'id="note-form-{question.pk}"' in html
    assert f'hx-post="/notes/q/{question.pk}/"' in html and 'hx-target="this"' in html
    assert 'role="status" aria-live="polite">Note saved</p>' in html
    assert "a &lt;i&gt;note&lt;/i&gt;</textarea>" in html
    assert 'name="next" value="/quizzes/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "aria-invalid" not in html
    assert active_content(html) == []
    deleted = student_client.post(url(question), {"text": ""}, HTTP_HX_REQUEST="true")
    assert ">Note deleted</p>" in deleted.text


def test_the_form_labels_its_textarea(student_client, question):
    html = student_client.post(url(question), {"text": "x"}, HTTP_HX_REQUEST="true").text
    field_id = f"note-text-{question.pk}"
    assert f'<label for="{field_id}">Your note on this question</label>' in html
    assert f'id="{field_id}" maxlength="5000" rows="5"' in html
    assert f'aria-describedby="note-help-{question.pk}"' in html


def test_json_gets_the_status_and_the_saved_text(student_client, question):
    saved = student_client.post(url(question), {"text": " spaced "}, HTTP_ACCEPT="application/json")
    assert saved.status_code == 200
    assert saved.json() == {"status": "saved", "text": "spaced"}
    deleted = student_client.post(url(question), {"text": ""}, HTTP_ACCEPT="application/json")
    assert deleted.json() == {"status": "deleted", "text": ""}


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
    ],
)
def test_next_never_leaves_the_site(student_client, question, next_url):
    response = student_client.post(url(question), {"text": "x", "next": next_url})
    assert response.status_code == 303
    assert response["Location"] == "/notes/"


def test_next_on_this_site_is_kept_and_its_absence_means_my_notes(student_client, question):
    kept = student_client.post(url(question), {"text": "x", "next": "/quizzes/3/review/#item-2"})
    assert kept["Location"] == "/quizzes/3/review/#item-2"
    assert student_client.post(url(question), {"text": "x"})["Location"] == "/notes/"


def test_anonymous_is_sent_to_login_and_get_is_405(client, student_client, question):
    anonymous = Client().post(url(question), {"text": "x"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert student_client.get(url(question)).status_code == 405
    assert not Note.objects.exists()


def test_saving_is_rate_limited_per_student(student_client, student, question, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "note": "3/m"}  # a minute window: no flaky boundary
    for n in range(3):
        assert student_client.post(url(question), {"text": f"draft {n}"}).status_code == 303
    refused = student_client.post(url(question), {"text": "draft 3"})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert Note.objects.get(user=student).text == "draft 2"


def test_a_saved_note_costs_a_few_queries(student_client, question, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        student_client.post(url(question), {"text": "x"}, HTTP_HX_REQUEST="true")


def test_a_question_deleted_from_the_bank_takes_its_notes(student, bank):
    question = make_question()
    Note.objects.create(user=student, question=question, text="orphan")
    question.delete()
    assert not Note.objects.exists()

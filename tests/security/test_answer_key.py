"""The answer key of an open timed block never leaves the server, whatever the response type."""

import uuid

import pytest

from quizzes.models import Block
from tests.conftest import correct_letter, make_block, wrong_letter

pytestmark = [pytest.mark.security, pytest.mark.django_db]


@pytest.fixture
def open_timed(student, bank):
    return make_block(student, bank[:3], mode=Block.Mode.TIMED)


def secrets_of(question):
    right = correct_letter(question)
    return [
        question.explanation,
        question.educational_objective,
        f'data-letter="{right}" data-correct',
        "is-correct",
        "choice-correct",
        "Correct answer",
        "% of students",
    ]


def assert_no_key(response, questions):
    body = response.content.decode()
    for question in questions:
        for secret in secrets_of(question):
            assert secret not in body, (secret, response.status_code)


def test_no_response_about_an_open_timed_block_carries_the_key(student_client, open_timed, bank, settings):
    base = f"/quizzes/{open_timed.pk}"
    responses = [
        student_client.get(f"{base}/q/1/"),
        student_client.post(f"{base}/q/1/", {"choice": wrong_letter(bank[0])}, follow=True),
        student_client.post(
            f"{base}/q/2/",
            {"choice": correct_letter(bank[1]), "idempotency_key": str(uuid.uuid4())},
            HTTP_ACCEPT="application/json",
        ),
        student_client.post(f"{base}/q/3/", {"choice": "Z"}),  # 400 page
        student_client.post(f"{base}/q/3/", {"choice": "Z"}, HTTP_ACCEPT="application/json"),
        student_client.post(f"{base}/q/1/flag/", HTTP_HX_REQUEST="true"),  # htmx fragment
        student_client.get(f"{base}/review/", follow=True),
        student_client.get("/quizzes/"),
        student_client.get("/stats/"),
        student_client.get("/"),
    ]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "1/m"}
    for _ in range(2):  # the second within the minute is refused: 429 as JSON
        responses.append(student_client.post(f"{base}/q/1/", {"choice": "A"}, HTTP_ACCEPT="application/json"))
    assert responses[-1].status_code == 429
    for response in responses:
        assert response.status_code < 500
        assert_no_key(response, bank[:3])


def test_the_key_shows_once_the_block_is_finished(student_client, open_timed, bank):
    student_client.post(f"/quizzes/{open_timed.pk}/finish/")
    review = student_client.get(f"/quizzes/{open_timed.pk}/review/").content.decode()
    assert bank[0].explanation in review

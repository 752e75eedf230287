"""Reports never carry the key of an open timed block (mirrors tests/security/test_answer_key.py)."""

import pytest

from quizzes.models import Block
from quizzes.services import item_answer
from reports.models import ProblemReport
from tests.conftest import correct_letter, make_block, wrong_letter
from tests.reports.helpers import report_url, without_tokens
from tests.security.test_answer_key import assert_no_key

pytestmark = [pytest.mark.security, pytest.mark.django_db]


def test_no_report_response_about_an_open_timed_block_carries_the_key(
    student_client, student, bank, settings
):
    block = make_block(student, bank[:3], mode=Block.Mode.TIMED)
    item_answer(block=block, position=1, letter=correct_letter(bank[0]))
    item_answer(block=block, position=2, letter=wrong_letter(bank[1]))
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "100/m"}
    responses = []
    for position in (1, 2, 3):
        for form in ({"kind": "wrong_key", "comment": "is it B?"}, {"kind": "other"}, {}):
            responses.append(student_client.post(report_url(block, position), form))
            responses.append(student_client.post(report_url(block, position), form, HTTP_HX_REQUEST="true"))
            responses.append(
                student_client.post(report_url(block, position), form, HTTP_ACCEPT="application/json")
            )
    responses.append(student_client.get("/reports/"))
    assert {response.status_code for response in responses} == {409, 200}
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "1/m"}
    for _ in range(2):
        responses.append(student_client.post(report_url(block, 1), {"kind": "typo"}))
    assert responses[-1].status_code == 429
    for response in responses:
        assert response.status_code < 500
        assert_no_key(response, bank[:3])
    assert not ProblemReport.objects.exists()


def test_the_refusal_reads_the_same_for_a_right_a_wrong_and_an_unanswered_item(student_client, student, bank):
    block = make_block(student, bank[:3], mode=Block.Mode.TIMED)
    item_answer(block=block, position=1, letter=correct_letter(bank[0]))
    item_answer(block=block, position=2, letter=wrong_letter(bank[1]))
    form = {"kind": "wrong_key", "next": "/quizzes/"}
    for headers in ({}, {"HTTP_ACCEPT": "application/json"}, {"HTTP_HX_REQUEST": "true"}):
        replies = [
            student_client.post(report_url(block, position), form, **headers) for position in (1, 2, 3)
        ]
        assert {reply.status_code for reply in replies} == {409}
        assert len({without_tokens(reply.text) for reply in replies}) == 1, headers

"""The key of an open timed block never leaves the server through the API either.

The same checks as tests/security/test_answer_key.py (its secrets: the explanation, the objective, the
correct-choice markers), plus what would carry the key in JSON: the key object's fields.
"""

import uuid

import pytest

from quizzes.models import Block
from quizzes.services import item_answer
from tests.api.conftest import API, block_url, item_url
from tests.conftest import correct_letter, make_block, wrong_letter
from tests.security.test_answer_key import secrets_of

pytestmark = [pytest.mark.security, pytest.mark.django_db]

# The key object's fields: present in a reply only when the key may be shown.
KEY_FIELDS = [
    '"correct_letter"',
    '"is_correct"',
    '"explanation_html"',
    '"educational_objective"',
    '"percents"',
]


def assert_no_key(reply, questions) -> None:
    body = reply.content.decode()
    for secret in [*KEY_FIELDS, *(secret for question in questions for secret in secrets_of(question))]:
        assert secret not in body, (secret, reply.status_code, reply.request["PATH_INFO"])


@pytest.fixture
def open_timed(student, bank):
    block = make_block(student, bank[:3], mode=Block.Mode.TIMED)
    item_answer(block=block, position=1, letter=correct_letter(bank[0]))
    return block


def test_no_reply_about_an_open_timed_block_carries_the_key(api, open_timed, bank, settings):
    block = open_timed
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "100/m"}
    replies = [
        api.get(item_url(block, 1)),
        api.get(item_url(block, 2)),
        api.post(item_url(block, 2, "answer/"), {"choice": wrong_letter(bank[1])}, format="json"),
        api.post(
            item_url(block, 3, "answer/"),
            {"choice": correct_letter(bank[2])},
            format="json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        ),
        api.post(item_url(block, 3, "answer/"), {"choice": "Z"}, format="json"),  # 400
        api.post(item_url(block, 3, "answer/"), {"choice": "F"}, format="json"),  # no such choice: 400
        api.post(item_url(block, 1, "flag/"), {}, format="json"),
        api.post(item_url(block, 1, "marks/"), {"struck": "AC"}, format="json"),
        api.put(item_url(block, 1, "note/"), {"text": "check the ECG"}, format="json"),
        api.post(item_url(block, 1, "report/"), {"kind": "wrong_key"}, format="json"),  # 409
        api.post(item_url(block, 2, "report/"), {"kind": "other"}, format="json"),  # 409, whatever was sent
        api.get(block_url(block)),
        api.get(block_url(block, "review/")),  # 409
        api.post(block_url(block, "retake/"), {"mode": "tutor"}, format="json"),  # 409
        api.get(f"{API}/blocks/"),
        api.get(f"{API}/stats/"),
        api.get(f"{API}/bank/"),
        api.get(f"{API}/leaderboards/all/"),
        api.get(f"{API}/reports/"),
    ]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "1/m"}
    for _ in range(2):  # the second within the minute is refused: 429
        replies.append(api.post(item_url(block, 1, "answer/"), {"choice": "A"}, format="json"))
    assert replies[-1].status_code == 429
    assert {reply.status_code for reply in replies} == {200, 400, 409, 429}
    for reply in replies:
        assert_no_key(reply, bank[:3])


def test_a_suspended_block_shows_no_question_at_all(api, open_timed, bank):
    assert api.post(block_url(open_timed, "suspend/")).json()["state"] == "suspended"
    hidden = api.get(item_url(open_timed, 2))
    assert hidden.status_code == 409 and hidden.json()["code"] == "suspended"
    assert bank[1].stem not in hidden.text
    refused = api.post(item_url(open_timed, 2, "answer/"), {"choice": "A"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "suspended"
    assert api.post(block_url(open_timed, "resume/")).json()["state"] == "in_progress"
    assert bank[1].lead_in in api.get(item_url(open_timed, 2)).text


def test_a_tutor_answer_shows_its_key_and_only_its_own(api, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TUTOR)
    reply = api.post(item_url(block, 1, "answer/"), {"choice": wrong_letter(bank[0])}, format="json").json()
    key = reply["item"]["key"]
    assert key["correct_letter"] == correct_letter(bank[0]) and key["is_correct"] is False
    assert bank[0].explanation in key["explanation_html"]
    assert key["educational_objective"] == bank[0].educational_objective
    assert key["peer_shares"] == {"shown": False, "total": 1, "needed": 10, "percents": None}
    unanswered = api.get(item_url(block, 2))
    assert unanswered.json()["key"] is None
    assert_no_key(unanswered, [bank[1]])


def test_the_key_shows_once_the_timed_block_is_finished(api, open_timed, bank):
    assert api.post(block_url(open_timed, "finish/")).json()["state"] == "finished"
    review = api.get(block_url(open_timed, "review/"))
    assert review.status_code == 200
    items = review.json()["items"]
    assert [item["key"]["correct_letter"] for item in items] == [correct_letter(q) for q in bank[:3]]
    assert [item["key"]["omitted"] for item in items] == [False, True, True]
    assert bank[0].explanation in review.text
    assert api.get(item_url(open_timed, 2)).json()["key"]["omitted"] is True

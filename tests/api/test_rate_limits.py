"""The pages' rate limits hold for the API: the same counters, a JSON 429 with Retry-After, nothing stored."""

import pytest

from notes.models import Note
from quizzes.models import Block, Item
from reports.models import ProblemReport
from tests.api.conftest import API, item_url
from tests.conftest import make_block, wrong_letter

pytestmark = pytest.mark.django_db


def limit(settings, name: str, rate: str) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, name: rate}  # a minute window: no flaky second boundary


def assert_429(reply, message: str) -> None:
    assert reply.status_code == 429
    assert reply["Content-Type"] == "application/json"
    retry_after = int(reply["Retry-After"])
    assert 1 <= retry_after <= 60
    assert reply.json() == {"detail": message, "code": "too_many_requests", "retry_after": retry_after}


def test_the_sixth_answer_is_refused_and_not_recorded(api, student, bank, settings):
    limit(settings, "answer", "5/m")
    block = make_block(student, bank[:6], mode=Block.Mode.TIMED)
    for position in range(1, 6):
        assert (
            api.post(item_url(block, position, "answer/"), {"choice": "A"}, format="json").status_code == 200
        )
    refused = api.post(item_url(block, 6, "answer/"), {"choice": "A"}, format="json")
    assert_429(refused, "You are answering faster than anyone reads. Wait a second and submit again.")
    assert Item.objects.get(block=block, position=6).chosen_letter == ""


def test_the_app_and_the_question_page_count_against_one_limit(api, student_client, student, bank, settings):
    limit(settings, "answer", "2/m")
    block = make_block(student, bank[:3], mode=Block.Mode.TIMED)
    assert student_client.post(f"/quizzes/{block.pk}/q/1/", {"choice": "A"}).status_code == 303
    assert api.post(item_url(block, 2, "answer/"), {"choice": "A"}, format="json").status_code == 200
    assert api.post(item_url(block, 3, "answer/"), {"choice": "A"}, format="json").status_code == 429


def test_reading_is_never_limited(api, student, bank, settings):
    limit(settings, "answer", "1/m")
    block = make_block(student, bank[:1])
    for _ in range(3):
        assert api.get(item_url(block, 1)).status_code == 200


def test_building_blocks_is_limited(api, student, bank, settings):
    limit(settings, "block_create", "1/m")
    body = {"size": 1, "mode": "tutor", "pool": "all"}
    assert api.post(f"{API}/blocks/", body, format="json").status_code == 201
    assert_429(
        api.post(f"{API}/blocks/", body, format="json"),
        "You have built many blocks in the last minute. Wait a little, then try again.",
    )
    assert Block.objects.count() == 1


def test_marks_notes_and_reports_are_limited(api, student, bank, settings):
    for name in ("marks", "note", "report"):
        limit(settings, name, "1/m")
    block = make_block(student, bank[:1])
    api.post(item_url(block, 1, "answer/"), {"choice": wrong_letter(bank[0])}, format="json")
    assert api.post(item_url(block, 1, "marks/"), {"struck": "A"}, format="json").status_code == 200
    assert_429(
        api.post(item_url(block, 1, "marks/"), {"struck": "AB"}, format="json"),
        "Too many changes at once. Wait a moment, then try again.",
    )
    assert api.put(item_url(block, 1, "note/"), {"text": "one"}, format="json").status_code == 200
    assert api.put(item_url(block, 1, "note/"), {"text": "two"}, format="json").status_code == 429
    assert api.post(item_url(block, 1, "report/"), {"kind": "typo"}, format="json").status_code == 201
    assert api.post(item_url(block, 1, "report/"), {"kind": "unclear"}, format="json").status_code == 429
    assert Item.objects.get(block=block).struck == "A"
    assert Note.objects.get().text == "one"
    assert ProblemReport.objects.count() == 1


def test_limits_are_per_student_not_per_address(api, other_api, student, other_student, bank, settings):
    limit(settings, "block_create", "1/m")
    body = {"size": 1, "mode": "tutor", "pool": "all"}
    assert api.post(f"{API}/blocks/", body, format="json").status_code == 201
    assert other_api.post(f"{API}/blocks/", body, format="json").status_code == 201

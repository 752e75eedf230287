"""Building, listing, finishing, suspending and reviewing blocks through the API: Create Test's rules."""

import pytest

from quizzes.models import Block, Item
from quizzes.selectors import pool_counts
from quizzes.services import block_finish
from tests.api.conftest import API, block_url, item_url
from tests.conftest import correct_letter, make_block, wrong_letter
from tests.quizzes.test_build_block import test_invalid_input_is_a_form_error_not_a_500 as page_cases

pytestmark = pytest.mark.django_db

BLOCKS = f"{API}/blocks/"


def build(client, **fields):
    body = {"size": 5, "mode": "tutor", "pool": "all", **fields}
    return client.post(BLOCKS, body, format="json")


def test_building_a_block_draws_published_questions_and_says_where_to_start(api, student, bank):
    reply = build(api, size=3, mode="timed", subjects=["pathology"])
    assert reply.status_code == 201
    block = reply.json()["block"]
    assert (block["mode"], block["state"], block["item_count"], block["next_position"]) == (
        "timed",
        "in_progress",
        3,
        1,
    )
    assert block["seconds_left"] == 3 * 90 or block["seconds_left"] == 3 * 90 - 1
    assert reply.json()["notice"] == ""
    stored = Block.objects.get(pk=block["id"], owner=student)
    assert set(stored.items.values_list("question__subject__slug", flat=True)) == {"pathology"}


def test_asking_for_more_than_match_takes_what_there_is_and_says_so(api, bank):
    reply = build(api, size=40, systems=["renal"])
    assert reply.status_code == 201
    assert reply.json()["notice"] == "Only 2 questions matched, so your block has 2 instead of 40."


def test_no_match_is_the_pages_message_and_no_block(api, bank):
    reply = build(api, pool="flagged")
    assert reply.status_code == 400
    assert reply.json()["detail"] == (
        "No questions match this pool, subject and system choice. Tick more boxes or choose another pool."
    )
    assert not Block.objects.exists()


# Create Test's own cases (tests/quizzes/test_build_block.py), sent as JSON: the same messages.
@pytest.mark.parametrize(("fields", "message"), page_cases.pytestmark[0].args[1])
def test_invalid_choices_get_create_tests_messages(api, bank, fields, message):
    reply = build(api, **fields)
    assert reply.status_code == 400
    assert message in [text for texts in reply.json()["errors"].values() for text in texts]
    assert not Block.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"size": True},
        {"size": 2.5},
        {"size": [3]},
        {"mode": {"x": 1}},
        {"subjects": "pathology"},
        {"pool": None},
    ],
)
def test_json_of_the_wrong_type_is_400_never_500(api, bank, fields):
    assert build(api, **fields).status_code == 400
    assert not Block.objects.exists()


def test_a_body_that_is_not_an_object_is_400(api, bank):
    assert api.post(BLOCKS, [1, 2], format="json").status_code == 400
    not_json = api.post(BLOCKS, "{", content_type="application/json")
    assert not_json.status_code == 400 and not_json.json()["code"] == "parse_error"


def test_the_bank_counts_are_create_tests_counts(api, student, bank):
    make_block(student, bank[:1], mode=Block.Mode.TIMED)  # one question held in an open block
    reply = api.get(f"{API}/bank/", {"pool": "all", "systems": ["renal", "nervous"]})
    assert reply.status_code == 200
    body = reply.json()
    counts = pool_counts(
        user=student, pool="all", subject_ids=[], system_ids=[bank[1].system_id, bank[2].system_id]
    )
    assert (body["matching"], body["held"], body["published"]) == (counts.matching, counts.held, 6)
    assert {row["slug"]: row["count"] for row in body["subjects"]} == {
        "pathology": 2,
        "pharmacology": 2,
        "physiology": 0,
    }
    assert {row["slug"]: row["count"] for row in body["systems"]}["cardiovascular"] == 1  # one is held
    bad = api.get(f"{API}/bank/", {"pool": "everything"})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {
        "pool": ["Select a valid choice. everything is not one of the available choices."]
    }


def test_my_blocks_are_newest_first_in_pages_of_twenty(api, student, bank):
    blocks = [
        block_finish(block=make_block(student, bank[:1])) for _ in range(21)
    ]  # one open block a question
    first = api.get(BLOCKS).json()
    assert (first["count"], first["num_pages"], first["next"], first["previous"]) == (21, 2, 2, None)
    assert [row["id"] for row in first["results"]] == [block.pk for block in blocks[::-1][:20]]
    assert api.get(BLOCKS, {"page": 2}).json()["results"][0]["id"] == blocks[0].pk
    for page in ("3", "0", "x", "\u0662"):
        assert api.get(BLOCKS, {"page": page}).status_code == 404
    assert api.get(BLOCKS, {"state": "in_progress"}).json()["count"] == 0
    assert api.get(BLOCKS, {"state": "open-ish"}).status_code == 400


def test_finishing_makes_unanswered_items_omitted_and_twice_is_harmless(api, student, bank):
    block = make_block(student, bank[:3])
    api.post(item_url(block, 1, "answer/"), {"choice": correct_letter(bank[0])}, format="json")
    finished = api.post(block_url(block, "finish/")).json()
    assert (
        finished["state"],
        finished["answered_count"],
        finished["correct_count"],
        finished["omitted_count"],
    ) == (
        "finished",
        1,
        1,
        2,
    )
    assert api.post(block_url(block, "finish/")).json() == finished


def test_a_suspended_block_keeps_its_clock_and_a_tutor_block_cannot_be_suspended(api, student, bank):
    timed = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    suspended = api.post(block_url(timed, "suspend/")).json()
    assert suspended["state"] == "suspended" and suspended["suspend_count"] == 1
    assert api.get(block_url(timed)).json()["state"] == "suspended"
    assert api.post(block_url(timed, "resume/")).json()["state"] == "in_progress"
    tutor = make_block(student, bank[2:3])
    refused = api.post(block_url(tutor, "suspend/"))
    assert refused.status_code == 409 and refused.json()["code"] == "tutor"


def test_the_review_shows_every_item_and_the_pages_figures(api, student, bank):
    block = make_block(student, bank[:3], mode=Block.Mode.TIMED)
    api.post(item_url(block, 1, "answer/"), {"choice": correct_letter(bank[0])}, format="json")
    api.post(item_url(block, 2, "answer/"), {"choice": wrong_letter(bank[1])}, format="json")
    api.post(item_url(block, 3, "flag/"), {"flagged": True}, format="json")
    assert api.get(block_url(block, "review/")).json()["code"] == "not_finished"
    api.post(block_url(block, "finish/"))
    review = api.get(block_url(block, "review/")).json()
    assert (
        review["incorrect_count"],
        review["omitted_count"],
        review["flagged_count"],
        review["retake_count"],
    ) == (
        1,
        1,
        1,
        2,
    )
    assert [item["position"] for item in review["items"]] == [1, 2, 3]
    assert review["by_subject"] == [{"name": "Pathology", "total": 3, "correct": 1, "percent": 33}]


def test_retake_builds_a_block_of_the_missed_questions(api, student, bank):
    block = make_block(student, bank[:3])
    api.post(item_url(block, 1, "answer/"), {"choice": wrong_letter(bank[0])}, format="json")
    assert api.post(block_url(block, "retake/"), {"mode": "tutor"}, format="json").status_code == 409
    api.post(block_url(block, "finish/"))
    assert api.post(block_url(block, "retake/"), {"mode": "exam"}, format="json").status_code == 400
    retake = api.post(block_url(block, "retake/"), {"mode": "timed"}, format="json")
    assert retake.status_code == 201
    assert retake.json()["block"]["item_count"] == 3 and retake.json()["block"]["mode"] == "timed"


def test_flags_set_or_toggle_and_marks_are_merged(api, student, bank):
    block = make_block(student, bank[:1])
    assert api.post(item_url(block, 1, "flag/"), {}, format="json").json() == {"position": 1, "flagged": True}
    assert api.post(item_url(block, 1, "flag/"), {"flagged": True}, format="json").json()["flagged"] is True
    assert api.post(item_url(block, 1, "flag/"), {}, format="json").json()["flagged"] is False
    marks = api.post(
        item_url(block, 1, "marks/"), {"highlights": [[5, 9], [0, 6]], "struck": "ca"}, format="json"
    )
    assert marks.json() == {"highlights": [[0, 9]], "struck": "AC"}
    item = Item.objects.get(block=block)
    assert (item.highlights, item.struck, item.flagged) == ([[0, 9]], "AC", False)
    for body, field in [
        ({"highlights": [[1]]}, "highlights"),
        ({"highlights": "0-4"}, "highlights"),
        ({"struck": "AZ"}, "struck"),
    ]:
        refused = api.post(item_url(block, 1, "marks/"), body, format="json")
        assert refused.status_code == 400 and field in refused.json()["errors"]


def test_a_note_is_saved_replaced_and_deleted_by_saving_it_empty(api, student, bank):
    block = make_block(student, bank[:1])
    assert api.put(item_url(block, 1, "note/"), {"text": " beta blockers \r\n"}, format="json").json() == {
        "status": "saved",
        "text": "beta blockers",
    }
    assert api.get(item_url(block, 1)).json()["note"] == "beta blockers"
    assert api.put(item_url(block, 1, "note/"), {"text": ""}, format="json").json()["status"] == "deleted"
    too_long = api.put(item_url(block, 1, "note/"), {"text": "x" * 5001}, format="json")
    assert too_long.status_code == 400
    assert too_long.json()["detail"] == "A note can be at most 5,000 characters (this one has 5,001)."
    assert api.put(item_url(block, 1, "note/"), {"text": "a\x00b"}, format="json").status_code == 400


def test_a_report_once_the_key_is_shown_and_my_reports(api, student, bank):
    block = make_block(student, bank[:2])
    api.post(item_url(block, 1, "answer/"), {"choice": wrong_letter(bank[0])}, format="json")
    early = api.post(item_url(block, 2, "report/"), {"kind": "typo"}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "too_early"
    missing = api.post(item_url(block, 1, "report/"), {"kind": "other"}, format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"] == {
        "comment": ["Say what is wrong: a comment is needed when you choose “Other”."]
    }
    sent = api.post(item_url(block, 1, "report/"), {"kind": "wrong_key", "comment": "B?"}, format="json")
    assert sent.status_code == 201
    again = api.post(
        item_url(block, 1, "report/"), {"kind": "wrong_key", "comment": "Surely B."}, format="json"
    )
    assert again.status_code == 200 and again.json()["id"] == sent.json()["id"]
    mine = api.get(f"{API}/reports/").json()
    assert mine["count"] == 1
    assert mine["results"][0]["comment"] == "Surely B." and mine["results"][0]["position"] == 1
    assert (
        api.post(
            item_url(block, 1, "report/"), {"kind": "typo", "comment": "\x00"}, format="json"
        ).status_code
        == 400
    )

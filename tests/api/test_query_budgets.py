"""Lists and pages of the API cost a fixed number of queries, however long the list."""

import pytest

from quizzes.models import Block
from quizzes.services import block_finish, item_answer
from reports.services import report_submit
from tests.api.conftest import API, block_url, item_url
from tests.conftest import make_block, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def forty(db):
    return [make_question(subject=("Pathology", "Pharmacology")[n % 2]) for n in range(40)]


def test_my_blocks_cost_the_same_for_one_block_or_twenty(api, student, forty, django_assert_max_num_queries):
    for n in range(20):
        block_finish(block=make_block(student, forty[n : n + 1]))
    with django_assert_max_num_queries(5):
        assert len(api.get(f"{API}/blocks/").json()["results"]) == 20


def test_a_40_item_review_and_its_items(api, student, forty, django_assert_max_num_queries):
    block = make_block(student, forty, mode=Block.Mode.TIMED)
    for position in range(1, 21):
        item_answer(block=block, position=position, letter="A")
    with django_assert_max_num_queries(8):
        assert api.get(item_url(block, 40)).status_code == 200
    # token, block, item (404 check), the answer's own (lock, item, choices, last answer, write), the reply's
    with django_assert_max_num_queries(13):
        assert api.post(item_url(block, 21, "answer/"), {"choice": "B"}, format="json").status_code == 200
    with django_assert_max_num_queries(6):
        assert len(api.get(block_url(block)).json()["items"]) == 40
    block_finish(block=block)
    with django_assert_max_num_queries(11):
        assert len(api.get(block_url(block, "review/")).json()["items"]) == 40


def test_my_reports_cost_the_same_for_one_report_or_twenty(
    api, student, forty, django_assert_max_num_queries
):
    block = make_block(student, forty[:20])
    for position in range(1, 21):
        item_answer(block=block, position=position, letter="A")
        report_submit(user=student, block_id=block.pk, position=position, kind="typo", comment="")
    with django_assert_max_num_queries(4):
        assert len(api.get(f"{API}/reports/").json()["results"]) == 20


def test_stats_and_bank_stay_within_the_pages_budgets(api, student, forty, django_assert_max_num_queries):
    block = make_block(student, forty[:20])
    for position in range(1, 21):
        item_answer(block=block, position=position, letter="A")
    api.get(f"{API}/stats/")  # the first rank lookup after a Redis flush rebuilds the board mirror
    # the token and the page's eight (tests/quizzes/test_stats.py)
    with django_assert_max_num_queries(9):
        assert api.get(f"{API}/stats/").status_code == 200
    with django_assert_max_num_queries(10):
        assert api.get(f"{API}/bank/").status_code == 200

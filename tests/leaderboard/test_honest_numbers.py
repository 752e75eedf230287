"""Numbers that agree: /stats/ and the boards, omitted items, percentiles with enough peers,
and a student's own row never contradicted by the cached rows on the same page."""

import re

import pytest
from django.core.cache import cache

from accounts.models import User
from quizzes.models import Block
from quizzes.services import block_finish, item_answer
from tests.conftest import correct_letter, make_block, make_question, make_user, run_tasks, wrong_letter
from tests.leaderboard.test_board_page import URL, give, logged_in, ranks

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(db):
    return [make_question(subject="Pathology") for _ in range(12)]


def test_stats_says_which_accuracy_and_agrees_with_the_board(questions):
    ann = make_user("ann", display_name="Ann")
    give(ann, questions[:4], "ccww")  # first attempts: 2 of 4 right
    # a repeat answered right makes "all answers" differ from first attempts
    block = make_block(ann, [questions[2]])
    logged_in(ann).post(f"/quizzes/{block.pk}/q/1/", {"choice": correct_letter(questions[2])})
    stats = logged_in(ann).get("/stats/").text
    board = logged_in(ann).get(URL).text
    assert (
        '50%</span><span class="tile-label">first-attempt accuracy, as on the leaderboard: 2 right of 4'
        in stats
    )
    assert re.search(r'<td class="num">50%</td></tr>', board)  # the board's accuracy column: the same 50 %
    assert 'Accuracy <span class="th-note">(first attempts)</span>' in board
    assert "of all your answers correct" in stats and "repeats included" in stats


def test_omitted_items_are_counted_on_stats(student, student_client, questions):
    block = make_block(student, questions[:3], mode=Block.Mode.TIMED)
    student_client.post(f"/quizzes/{block.pk}/q/1/", {"choice": correct_letter(questions[0])})
    block_finish(block=block)
    text = student_client.get("/stats/").text
    assert re.search(r'<span class="tile-value">2</span><span class="tile-label">omitted', text)
    assert "+ 2 omitted" in text  # in the Pathology row
    assert "1 right of 3 first attempts" in text  # omitted first attempts count as incorrect


def test_the_trend_chart_has_labelled_axes(student, student_client, questions):
    for pair in (questions[:2], questions[2:4]):
        block_finish(block=make_block(student, pair))
    text = student_client.get("/stats/").text
    for label in ("100%", "50%", "0%", "oldest", "newest block"):
        assert f">{label}</text>" in text


def answer_in_a_tutor_block(user, questions, pattern):
    block = make_block(user, questions)
    for position, (question, mark) in enumerate(zip(questions, pattern, strict=True), start=1):
        letter = correct_letter(question) if mark == "c" else wrong_letter(question)
        item_answer(block=block, position=position, letter=letter)


def test_subject_percentile_only_among_students_with_ten_first_attempts(questions):
    me = make_user("me")
    answer_in_a_tutor_block(me, questions[:10], "cccccccccw")  # 90 %
    for number in range(9):
        correct = number % 5
        answer_in_a_tutor_block(
            make_user(f"peer{number}"), questions[:10], "c" * correct + "w" * (10 - correct)
        )
    answer_in_a_tutor_block(make_user("dabbler"), questions[:3], "www")  # too few first attempts to compare
    client = logged_in(me)
    # The peers' spread is computed by the task worker; until it has run the page does not wait for it.
    assert "better than 100% <span" not in client.get("/stats/").text
    run_tasks()
    text = client.get("/stats/").text
    # by subject (Pathology) and by system (Cardiovascular): 9 others, all below 90 %
    assert text.count('better than 100% <span class="help">of 9</span>') == 2
    # with fewer than ten qualifying students there is no percentile
    cache.clear()
    User.objects.filter(username="peer0").delete()
    client.get("/stats/")
    run_tasks()
    text = client.get("/stats/").text
    assert "too few students yet" in text and "better than 100% <span" not in text


def test_the_spread_is_computed_in_the_database_once_per_refresh(questions, django_assert_max_num_queries):
    from leaderboard.tasks import spread_compute

    for number in range(12):
        answer_in_a_tutor_block(
            make_user(f"s{number}"), questions[:10], "c" * (number % 10) + "w" * (10 - number % 10)
        )
    with django_assert_max_num_queries(5):  # savepoint and its release, the timeout, two grouped queries
        spread = spread_compute()
    assert sum(spread["subject"]["Pathology"]) == 12 and sum(spread["system"]["Cardiovascular"]) == 12
    # students 0 and 10 got none right, 1 and 11 one, 5 five of ten
    histogram = spread["system"]["Cardiovascular"]
    assert (histogram[0], histogram[10], histogram[50], histogram[90]) == (2, 2, 1, 1)


def test_a_newly_hidden_student_is_not_listed_from_the_cached_rows(questions):
    ann = make_user("ann", display_name="Ann")
    ben = make_user("ben", display_name="Ben")
    give(ann, questions[:3], "ccc")
    give(ben, questions[:1], "c")
    client = logged_in(ann)
    assert ranks(client.get(URL)) == [(1, "Ann"), (2, "Ben")]  # the rows are now cached
    client.post("/accounts/profile/", {"display_name": "Ann"})  # hide, within the cache time
    page = client.get(URL).text
    table = page[page.index('<tbody id="board-rows"') :]
    assert "Ann" not in table.split("</tbody>")[0]
    assert "hidden from public boards" in page
    fragment = client.get("/leaderboard/rows/?period=all&page=1").text
    assert "Ann" not in fragment


def test_my_rank_in_the_table_is_never_stale(questions):
    ann = make_user("ann", display_name="Ann")
    ben = make_user("ben", display_name="Ben")
    give(ann, questions[:1], "c")
    give(ben, questions[:2], "cc")
    client = logged_in(ann)
    assert ranks(client.get(URL)) == [(1, "Ben"), (2, "Ann")]  # cached
    give(ann, questions[2:5], "ccc")  # Ann passes Ben; the cached rows still say otherwise
    page = client.get(URL)
    assert "You are <strong>#1</strong>" in page.text
    mine = re.search(rf'<tr data-user="{ann.pk}" class="is-me"[^>]*>\s*<td class="num">(\d+)</td>', page.text)
    assert mine and mine.group(1) == "1"


def test_a_newly_visible_student_missing_from_the_cached_rows_is_pinned(questions):
    ann = make_user("ann", display_name="Ann", show_on_leaderboard=False)
    ben = make_user("ben", display_name="Ben")
    give(ann, questions[:3], "ccc")
    give(ben, questions[:1], "c")
    client = logged_in(ann)
    client.get(URL)  # rows cached without Ann
    client.post("/accounts/profile/", {"display_name": "Ann", "show_on_leaderboard": "on"})
    page = client.get(URL).text
    assert 'class="board board-pinned"' in page and "Ann" in page
    assert "2 students ranked" in page

"""A student who hides from the boards while an answer is being scored stays hidden.

Two real PostgreSQL connections (threads), in both orders: the scorer reads
visibility from the user row it locks, and the Redis mirror is written after
commit under a standing a later move can overrule.
"""

import threading
import time

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django_redis import get_redis_connection

from accounts.models import User
from accounts.services import user_profile_update
from leaderboard import sorted_sets
from leaderboard.models import AllTimeScore
from leaderboard.services import Standing
from quizzes.services import item_answer
from tests.conftest import ADMIN, correct_letter, make_block, make_question, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def on_board(user) -> bool:
    return (
        get_redis_connection("default").zscore(sorted_sets.board_key("all"), sorted_sets.member(user.pk))
        is not None
    )


def wait_until_someone_waits_for_a_lock(timeout: float = 10.0) -> None:
    """Poll PostgreSQL until another connection is blocked on a row lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    raise AssertionError("nobody ever waited for the lock")


def hide(user) -> None:
    fresh = User.objects.get(pk=user.pk)
    user_profile_update(
        user=fresh,
        display_name=fresh.display_name,
        cohort=None,
        graduation_year=None,
        show_on_leaderboard=False,
    )


def in_thread(target) -> threading.Thread:
    def run():
        try:
            target()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_an_answer_scored_while_the_student_hides_leaves_them_hidden():
    """The hide commits first; the answer, already past its start, waits and then reads 'hidden'."""
    student, rival = make_user(), make_user()
    question = make_question()
    block = make_block(student, [question])
    client = Client()
    client.force_login(student)
    client.get("/")  # the signed-in user (visible) is now cached, as in a real request
    locked, release = threading.Event(), threading.Event()

    def hide_and_hold():
        with transaction.atomic():
            hide(student)
            locked.set()
            release.wait(10)

    hider = in_thread(hide_and_hold)
    assert locked.wait(10)
    answer = in_thread(lambda: client.post(f"/quizzes/{block.pk}/q/1/", {"choice": correct_letter(question)}))
    wait_until_someone_waits_for_a_lock()
    release.set()
    hider.join(10)
    answer.join(10)

    score = AllTimeScore.objects.get(user=student)
    assert score.score == 1 and score.visible is False
    assert not on_board(student)
    rival_client = Client()
    rival_client.force_login(rival)
    assert f'data-user="{student.pk}"' not in rival_client.get("/leaderboard/").text


def test_a_student_who_hides_while_their_answer_commits_ends_hidden():
    """The answer holds the lock first; the hide waits, then removes what the answer wrote."""
    student = make_user()
    question = make_question()
    block = make_block(student, [question])
    scored, release = threading.Event(), threading.Event()

    def answer_and_hold():
        with transaction.atomic():
            item_answer(block=block, position=1, letter=correct_letter(question))
            scored.set()
            release.wait(10)

    scorer = in_thread(answer_and_hold)
    assert scored.wait(10)
    hider = in_thread(lambda: hide(student))
    wait_until_someone_waits_for_a_lock()
    release.set()
    scorer.join(10)
    hider.join(10)

    assert AllTimeScore.objects.get(user=student).visible is False
    assert not on_board(student)


def test_a_score_write_made_under_an_older_standing_is_dropped_by_redis():
    """The after-commit writes can run in either order: the standing noted by the later move wins."""
    student = make_user()
    visible, hidden = Standing(cohort_id=None, visible=True), Standing(cohort_id=None, visible=False)
    entry = sorted_sets.Entry(sorted_sets.keys_for("all", None, None), student.pk, 12345)
    sorted_sets.write_standing(user_id=student.pk, token=hidden.token, remove=[entry], add=[])
    assert sorted_sets.write_scores(user_id=student.pk, token=visible.token, add=[entry]) is False
    assert not on_board(student)
    sorted_sets.write_standing(user_id=student.pk, token=visible.token, remove=[], add=[entry])
    assert sorted_sets.write_scores(user_id=student.pk, token=visible.token, add=[entry]) is True
    assert on_board(student)


def test_a_staff_edit_of_visibility_in_the_admin_moves_the_board_entries_at_once(staff_user):
    student = make_user()
    question = make_question()
    item_answer(block=make_block(student, [question]), position=1, letter=correct_letter(question))
    assert on_board(student)
    model_admin = admin.site._registry[User]
    request = RequestFactory().post(f"{ADMIN}")
    request.user = staff_user
    edited = User.objects.get(pk=student.pk)
    edited.show_on_leaderboard = False
    model_admin.save_model(request, edited, form=None, change=True)
    assert not on_board(student)
    assert AllTimeScore.objects.get(user=student).visible is False

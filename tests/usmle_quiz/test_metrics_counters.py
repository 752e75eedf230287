"""Each of the product's counters moves when its event happens through the real pages, and only then.

Counts that a rollback would make a lie are added after the commit: the test transaction never commits,
so those tests run the on-commit callbacks themselves (django_capture_on_commit_callbacks).
"""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.tasks import password_reset_mail
from quizzes.models import Block
from tests.conftest import ADMIN, PASSWORD, correct_letter, make_block, run_tasks
from tests.usmle_quiz.scraping import point_at_dead_redis, scrape, value

pytestmark = pytest.mark.django_db


class Moves:
    """The change of each series between two scrapes."""

    def __init__(self):
        self.before = scrape()

    def __call__(self, name: str, **labels) -> float:
        after = scrape()
        return (value(after, name, **labels) or 0) - (value(self.before, name, **labels) or 0)


def test_a_wrong_then_a_right_password_count_one_failure_then_one_success(student):
    moves = Moves()
    client = Client()
    assert client.post("/accounts/login/", {"username": "alice", "password": "not-it"}).status_code == 200
    assert moves("usmle_logins_total", result="failure") == 1
    assert moves("usmle_logins_total", result="success") == 0
    assert client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    assert moves("usmle_logins_total", result="success") == 1
    assert moves("usmle_logins_total", result="failure") == 1


def test_the_admin_login_counts_too(staff_user):
    moves = Moves()
    Client().post(f"{ADMIN}login/", {"username": staff_user.username, "password": "not-it"})
    assert moves("usmle_logins_total", result="failure") == 1


def test_a_sign_in_held_back_by_the_lockout_counts_as_a_lockout_not_a_failure(student, settings):
    settings.LOGIN_FREE_FAILURES = 1
    guesser = Client(REMOTE_ADDR="203.0.113.8")
    guesser.post("/accounts/login/", {"username": "alice", "password": "guess-1"})
    moves = Moves()
    refused = guesser.post("/accounts/login/", {"username": "alice", "password": "guess-2"})
    assert refused.status_code == 429
    assert moves("usmle_login_lockouts_total") == 1
    assert moves("usmle_logins_total", result="failure") == 0


def test_a_sign_up_counts_once_committed(db, django_capture_on_commit_callbacks):
    moves = Moves()
    data = {
        "username": "newstudent",
        "email": "new@example.org",
        "password1": "mitral-valve-prolapse-42",
        "password2": "mitral-valve-prolapse-42",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post("/accounts/signup/", data).status_code == 302
    assert moves("usmle_signups_total") == 1


def test_a_refused_sign_up_counts_nothing(student, django_capture_on_commit_callbacks):
    moves = Moves()
    with django_capture_on_commit_callbacks(execute=True):
        taken = {
            "username": "alice",
            "email": "x@example.org",
            "password1": "a-b-c-d-e-f-1",
            "password2": "a",
        }
        assert Client().post("/accounts/signup/", taken).status_code == 200
    assert moves("usmle_signups_total") == 0


@pytest.mark.parametrize("mode", ["tutor", "timed"])
def test_a_block_built_answered_and_finished_counts_by_mode(
    mode, student_client, student, bank, django_capture_on_commit_callbacks
):
    moves = Moves()
    with django_capture_on_commit_callbacks(execute=True):
        created = student_client.post("/quizzes/new/", {"mode": mode, "size": "3", "pool": "all"})
        assert created.status_code == 302
        block = Block.objects.filter(owner=student).latest("pk")
        for item in block.items.select_related("question"):
            answered = student_client.post(
                f"/quizzes/{block.pk}/q/{item.position}/", {"choice": correct_letter(item.question)}
            )
            assert answered.status_code in (302, 303)
        # The same letter again (a double click) stores nothing: no second count.
        student_client.post(
            f"/quizzes/{block.pk}/q/1/", {"choice": correct_letter(block.items.get(position=1).question)}
        )
        assert student_client.post(f"/quizzes/{block.pk}/finish/").status_code in (302, 303)
    other = "timed" if mode == "tutor" else "tutor"
    assert moves("usmle_blocks_created_total", mode=mode) == 1
    assert moves("usmle_answers_total", mode=mode) == 3
    assert moves("usmle_blocks_finished_total", mode=mode) == 1
    assert moves("usmle_blocks_created_total", mode=other) == 0


def test_nothing_is_counted_for_work_that_never_commits(student, bank):
    moves = Moves()
    block = make_block(student, bank[:2])  # inside the test's transaction, which is rolled back
    assert block.pk
    assert moves("usmle_blocks_created_total", mode="tutor") == 0


def test_an_answer_refused_by_its_rate_limit_counts_under_that_limit(student_client, student, bank, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "1/m"}
    block = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    moves = Moves()
    student_client.post(f"/quizzes/{block.pk}/q/1/", {"choice": "A"})
    assert student_client.post(f"/quizzes/{block.pk}/q/2/", {"choice": "A"}).status_code == 429
    assert moves("usmle_rate_limited_total", limit="answer") == 1
    assert moves("usmle_rate_limited_total", limit="ip_flood") == 0


def test_the_flood_guard_counts_under_ip_flood(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "ip_flood": "2/m"}
    flooder = Client(REMOTE_ADDR="198.51.100.77")
    moves = Moves()
    statuses = [flooder.get("/").status_code for _ in range(4)]
    assert statuses == [200, 200, 429, 429]
    assert moves("usmle_rate_limited_total", limit="ip_flood") == 2


def test_a_dead_redis_trips_the_breaker_once(settings):
    moves = Moves()  # before: the scrape itself asks Redis
    point_at_dead_redis(settings)
    client = Client()
    for _ in range(3):  # the first call fails and opens the circuit; the next ones skip Redis
        assert client.get("/").status_code == 200
    assert moves("usmle_redis_breaker_trips_total") == 1


def test_an_empty_redis_mirror_is_rebuilt_once_and_counted(student_client):
    moves = Moves()
    assert student_client.get("/leaderboard/").status_code == 200  # the mirror is empty: rebuilt
    assert student_client.get("/leaderboard/").status_code == 200  # now it is ready
    assert moves("usmle_leaderboard_rebuilds_total") == 1


def test_background_tasks_count_by_name_and_result(db, mailoutbox):
    moves = Moves()
    password_reset_mail.enqueue(email="nobody@example.org", domain="testserver", use_https=False)
    password_reset_mail.enqueue(email="nobody@example.org", domain="testserver", use_https=False, bogus=1)
    run_tasks()
    assert moves("usmle_tasks_total", task="password_reset_mail", result="success") == 1
    assert moves("usmle_tasks_total", task="password_reset_mail", result="failure") == 1


def test_an_api_token_issued_counts_once_committed(student, django_capture_on_commit_callbacks):
    from usmle_quiz import metrics

    moves = Moves()
    with django_capture_on_commit_callbacks(execute=True):
        metrics.api_token_issued_counted()  # what accounts.api_tokens.api_token_issue calls
    assert moves("usmle_api_tokens_issued_total") == 1


def test_a_limit_name_outside_the_settings_is_counted_as_other():
    from usmle_quiz import metrics

    moves = Moves()
    metrics.rate_limited_counted(limit="a-name-no-setting-has")
    assert moves("usmle_rate_limited_total", limit="other") == 1
    assert moves("usmle_rate_limited_total", limit="a-name-no-setting-has") == 0

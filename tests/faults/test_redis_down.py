"""Redis stopped or frozen: every page still works, from PostgreSQL, and waits on Redis at most once.

Each test runs its own redis-server (tests/faults/conftest.py), then kills or
freezes it (SIGSTOP: connections open but nothing answers, the worst case).
"""

import pytest
from django.test import Client

from accounts.models import User
from quizzes.models import Block, Item
from tests.conftest import PASSWORD, correct_letter, make_block
from usmle_quiz import redis_breaker

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


def journey(client: Client, student, bank) -> list[tuple[str, int]]:
    """A new day for a student: sign in, build a tutor block, answer it all, finish, review, boards, stats."""
    seen = []

    def visit(method, url, data=None):
        response = getattr(client, method)(url, data or {})
        seen.append((f"{method.upper()} {url}", response.status_code))
        return response

    visit("post", "/accounts/login/", {"username": student.username, "password": PASSWORD})
    visit("get", "/")
    visit("get", "/quizzes/new/")
    created = visit("post", "/quizzes/new/", {"mode": "tutor", "size": "3", "pool": "all"})
    block = Block.objects.filter(owner=student).latest("pk")
    assert created["Location"].startswith(f"/quizzes/{block.pk}/")
    for item in block.items.select_related("question"):
        visit("get", f"/quizzes/{block.pk}/q/{item.position}/")
        visit("post", f"/quizzes/{block.pk}/q/{item.position}/", {"choice": correct_letter(item.question)})
    visit("post", f"/quizzes/{block.pk}/finish/")
    visit("get", f"/quizzes/{block.pk}/review/")
    visit("get", "/leaderboard/")
    visit("get", "/leaderboard/?period=week")
    visit("get", "/stats/")
    visit("get", "/quizzes/")
    return seen


def assert_no_error_page(seen):
    errors = [(request, status) for request, status in seen if status >= 400]
    assert errors == []


def test_with_redis_stopped_a_student_signs_in_takes_a_block_and_sees_the_board(own_redis, student, bank):
    own_redis.stop()
    client = Client()
    seen = journey(client, student, bank)
    assert_no_error_page(seen)
    assert Item.objects.filter(block__owner=student, answered_at__isnull=False).count() == 3
    board = client.get("/leaderboard/")
    assert "Alice A." in board.text  # the board came from PostgreSQL
    assert board.context["position"].rank == 1


def test_sessions_outlive_a_redis_restart(own_redis, student, bank):
    client = Client()
    client.post("/accounts/login/", {"username": student.username, "password": PASSWORD})
    assert client.get("/stats/").status_code == 200
    own_redis.stop()
    own_redis.start()  # empty: every session key is gone from the cache
    redis_breaker.reset()
    assert client.get("/stats/").status_code == 200  # read back from the database


def test_with_redis_frozen_each_process_waits_on_it_once_not_per_call(own_redis, student, bank, settings):
    settings.REDIS_CIRCUIT_OPEN_SECONDS = 60  # longer than the journey, however slow the machine
    client = Client()
    client.post("/accounts/login/", {"username": student.username, "password": PASSWORD})
    own_redis.freeze()
    seen = journey(Client(), student, bank)
    assert_no_error_page(seen)
    # One socket timeout opened the circuit; every later call in the journey skipped Redis at once.
    assert redis_breaker.failures() == 1
    assert redis_breaker.is_open()


def test_readyz_names_the_cache_as_down_and_rate_limits_fail_open(own_redis, student, bank, settings):
    own_redis.stop()
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["cache"].startswith("down") and response.json()["database"] == "ok"
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "1/m"}
    client = Client()
    client.force_login(student)
    block = make_block(student, bank[:3], mode=Block.Mode.TIMED)
    statuses = [client.post(f"/quizzes/{block.pk}/q/{n}/", {"choice": "A"}).status_code for n in (1, 2, 3)]
    assert statuses == [303, 303, 303]  # documented: with the counters away, limits fail open


def test_with_redis_stopped_a_new_student_signs_up_and_practises(own_redis, bank):
    own_redis.stop()
    client = Client()
    signed_up = client.post(
        "/accounts/signup/",
        {
            "username": "newcomer",
            "email": "newcomer@example.org",
            "password1": "loop-of-henle-2027",
            "password2": "loop-of-henle-2027",
        },
    )
    assert signed_up.status_code == 302
    newcomer = User.objects.get(username="newcomer")
    newcomer.set_password(PASSWORD)  # the journey signs in again, as after closing the browser
    newcomer.save()
    client.post("/accounts/logout/")
    seen = journey(client, newcomer, bank)
    assert_no_error_page(seen)
    assert client.get("/leaderboard/").context["position"].rank == 1

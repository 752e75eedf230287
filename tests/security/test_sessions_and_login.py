"""Session fixation, logout, brute force and user enumeration."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client

from tests.conftest import PASSWORD, run_tasks

pytestmark = [pytest.mark.security, pytest.mark.django_db]


def test_the_session_key_changes_at_login_and_the_old_one_is_dead(client, student):
    from django.contrib.sessions.backends.cached_db import SessionStore

    client.get("/accounts/signup/")  # a visitor session exists before logging in
    session = client.session
    session["visited"] = True
    session.save()
    before = client.cookies["sessionid"].value
    response = client.post("/accounts/login/", {"username": student.username, "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    assert not SessionStore().exists(before)
    # an attacker holding the old key is not logged in
    attacker = Client()
    attacker.cookies["sessionid"] = before
    assert attacker.get("/stats/").status_code == 302


def test_logout_is_post_only_and_ends_the_session(student_client):
    key = student_client.cookies["sessionid"].value
    assert student_client.get("/accounts/logout/").status_code == 405
    assert student_client.get("/stats/").status_code == 200
    assert student_client.post("/accounts/logout/").status_code == 302
    from django.contrib.sessions.backends.cached_db import SessionStore

    assert not SessionStore().exists(key)
    assert student_client.get("/stats/").status_code == 302


def test_a_locked_username_does_not_lock_other_students_on_the_same_address(settings, student, other_student):
    settings.LOGIN_FREE_FAILURES = 3
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(4):
        attacker.post("/accounts/login/", {"username": student.username, "password": "wrong-guess"})
    locked = attacker.post("/accounts/login/", {"username": student.username, "password": PASSWORD})
    assert locked.status_code == 429  # even the right password waits out the delay
    neighbour = Client(REMOTE_ADDR="203.0.113.9")
    response = neighbour.post("/accounts/login/", {"username": other_student.username, "password": PASSWORD})
    assert response.status_code == 302


class CountingHasher(PBKDF2PasswordHasher):
    """A real hasher that counts its work, to show unknown usernames cost the same hash."""

    iterations = 1000
    calls = 0

    def encode(self, password, salt, iterations=None):
        CountingHasher.calls += 1
        return super().encode(password, salt, iterations)


def test_login_for_an_unknown_username_looks_and_costs_the_same(client, settings, student):
    settings.PASSWORD_HASHERS = ["tests.security.test_sessions_and_login.CountingHasher"]
    student.set_password(PASSWORD)
    student.save()
    CountingHasher.calls = 0
    known = client.post("/accounts/login/", {"username": student.username, "password": "wrong-guess"})
    hashes_for_known = CountingHasher.calls
    CountingHasher.calls = 0
    unknown = client.post("/accounts/login/", {"username": "nobody-here", "password": "wrong-guess"})
    assert CountingHasher.calls == hashes_for_known == 1  # same work, so the same timing
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_password_reset_answers_the_same_for_known_and_unknown_emails(client, student, mailoutbox):
    known = client.post("/accounts/password_reset/", {"email": student.email})
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    run_tasks()  # the worker sends: one mail, to the known address only
    assert len(mailoutbox) == 1

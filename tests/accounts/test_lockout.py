"""One lockout for every path that checks a password, which an attacker cannot aim at a student.

Each test is named after the attack it stops.
"""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import devices, lockout
from tests.conftest import ADMIN, PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _small_budgets(settings):
    settings.LOGIN_FREE_FAILURES = 3
    settings.LOGIN_MAX_DELAY_SECONDS = 900
    settings.LOGIN_DAILY_FAILURE_LIMIT = 12


def guess(client, username, password="wrong-guess", url=LOGIN):
    return client.post(url, {"username": username, "password": password})


def test_after_the_free_failures_each_guess_waits_longer_and_the_right_password_waits_too():
    make_user("victim")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):  # the free failures
        assert guess(attacker, "victim").status_code == 200
    waiting = guess(attacker, "victim", PASSWORD)  # the next guess waits 2 s, even the right one
    assert waiting.status_code == 429
    assert 1 <= int(waiting["Retry-After"]) <= 2
    assert "Too many failed sign-ins" in waiting.text
    assert "_auth_user_id" not in attacker.session


def test_a_fullwidth_spelling_of_a_locked_username_shares_its_counter():
    make_user("victim")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    spellings = ["victim", "ｖictim", "𝐯𝐢𝐜𝐭𝐢𝐦", "   victim"]  # fullwidth, mathematical bold, padding
    for spelling in spellings:
        guess(attacker, spelling)
    assert guess(attacker, "ｖｉｃｔｉｍ", PASSWORD).status_code == 429


def test_padding_the_username_with_spaces_gives_no_fresh_counter():
    make_user("victim")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for padding in range(4):
        guess(attacker, " " * (146 + padding) + "victim")
    assert guess(attacker, "victim", PASSWORD).status_code == 429


def test_guessing_at_the_admin_login_is_slowed_by_the_same_lockout():
    make_user("boss", is_staff=True, is_superuser=True)
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(2):
        guess(attacker, "boss")  # two through the student login...
    for _ in range(2):
        guess(attacker, "boss", url=f"{ADMIN}login/")  # ...and two through the admin's
    response = guess(attacker, "boss", PASSWORD, url=f"{ADMIN}login/")
    assert response.status_code == 200
    assert "Too many failed sign-ins" in response.text
    assert "_auth_user_id" not in attacker.session


def test_wrong_old_passwords_on_password_change_count_too(student_client, student):
    for _ in range(4):
        response = student_client.post(
            "/accounts/password_change/",
            {
                "old_password": "nope",
                "new_password1": "new-long-pass-77",
                "new_password2": "new-long-pass-77",
            },
        )
        assert response.status_code == 200
    right = student_client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "new-long-pass-77", "new_password2": "new-long-pass-77"},
    )
    assert "Too many failed sign-ins" in right.text
    student.refresh_from_db()
    assert student.check_password(PASSWORD)  # unchanged


def test_an_anonymous_stranger_cannot_lock_a_student_out_of_their_usual_browser():
    make_user("victim")
    own_browser = Client(REMOTE_ADDR="198.51.100.20")
    assert guess(own_browser, "victim", PASSWORD).status_code == 302
    assert devices.COOKIE in own_browser.cookies
    own_browser.post("/accounts/logout/")
    # a stranger exhausts the account's daily budget from many addresses
    for n in range(16):
        guess(Client(REMOTE_ADDR=f"203.0.113.{n}"), "victim")
    assert guess(Client(REMOTE_ADDR="203.0.113.99"), "victim", PASSWORD).status_code == 429
    # the student's own browser signs in at once
    assert guess(own_browser, "victim", PASSWORD).status_code == 302


def test_guesses_from_every_address_together_are_bounded_per_day(settings):
    make_user("victim")
    checked = 0
    for n in range(40):  # a botnet: a fresh address per guess
        if guess(Client(REMOTE_ADDR=f"192.0.2.{n}"), "victim").status_code == 200:
            checked += 1
    assert checked == settings.LOGIN_DAILY_FAILURE_LIMIT


def test_unknown_usernames_are_slowed_like_real_ones():
    make_user("real")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for name in ("real", "ghost"):
        for _ in range(4):
            guess(attacker, name)
    real, ghost = guess(attacker, "real"), guess(attacker, "ghost")
    assert real.status_code == ghost.status_code == 429

    def page(response, name):
        return re.sub(r'nonce="[^"]+"', "", response.text.replace(name, "X"))

    assert page(real, "real") == page(ghost, "ghost")
    assert real["Retry-After"] == ghost["Retry-After"]


def test_neighbours_behind_the_same_address_are_not_slowed():
    make_user("victim")
    make_user("neighbour")
    hall = "192.0.2.50"
    for _ in range(6):
        guess(Client(REMOTE_ADDR=hall), "victim")
    assert guess(Client(REMOTE_ADDR=hall), "neighbour", PASSWORD).status_code == 302


def test_a_completed_password_reset_clears_the_lock(client):
    victim = make_user("victim")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(16):
        guess(Client(REMOTE_ADDR=f"203.0.113.{_}"), "victim")
    assert guess(attacker, "victim", PASSWORD).status_code == 429
    uid = urlsafe_base64_encode(force_bytes(victim.pk))
    token = default_token_generator.make_token(victim)
    form = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)
    new = "mitral-stenosis-88"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert guess(Client(REMOTE_ADDR="203.0.113.99"), "victim", new).status_code == 302


def test_the_wait_grows_with_each_failure(settings):
    who = lockout.Guesser(account="n-test", client="a192.0.2.1")
    waits = []
    for _ in range(7):
        lockout.failed(who)
        waits.append(lockout.retry_after(who))
    assert waits[:2] == [0, 0]
    assert waits[2:] == sorted(waits[2:]) and waits[-1] > waits[2] > 0
    assert all(wait <= settings.LOGIN_MAX_DELAY_SECONDS for wait in waits)
    lockout.succeeded(who)
    assert lockout.retry_after(who) == 0


def test_a_forged_device_cookie_trusts_nothing():
    victim = make_user("victim")
    forged = Client(REMOTE_ADDR="203.0.113.7")
    forged.cookies[devices.COOKIE] = "eyJkIjoieCIsInUiOlsxXX0:forged:signature"
    for n in range(16):
        guess(Client(REMOTE_ADDR=f"203.0.113.{n}"), "victim")
    assert guess(forged, "victim", PASSWORD).status_code == 429
    assert devices.trusted_device(forged.request().wsgi_request, user_id=victim.pk) is None

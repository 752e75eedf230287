"""Names on the boards that cannot impersonate another student (look-alike scripts, case, spacing)."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.services import user_create, user_profile_update

pytestmark = pytest.mark.django_db


def sign_up(username):
    return Client().post(
        "/accounts/signup/",
        {
            "username": username,
            "email": "x@example.org",
            "password1": "tricuspid-42-x",
            "password2": "tricuspid-42-x",
        },
    )


def student(username, display_name=""):
    user = user_create(username=username, email=f"{username}@example.org", password="tricuspid-42-x")
    if display_name:
        user_profile_update(
            user=user, display_name=display_name, cohort=None, graduation_year=None, show_on_leaderboard=True
        )
    return user


# a Cyrillic small IE for the e, an accent, a space, an at sign
@pytest.mark.parametrize("username", ["d\u0435mo", "démo", "de mo", "demo@x"])
def test_a_username_outside_ascii_letters_digits_and_dot_dash_underscore_is_refused(username):
    response = sign_up(username)
    assert response.status_code == 200
    assert "Use only letters A-Z, digits and . _ - in a username" in response.text
    assert not User.objects.exists()


def test_a_username_differing_only_in_case_is_refused():
    student("demo")
    response = sign_up("Demo")
    assert "A user with that username already exists." in response.text
    assert User.objects.count() == 1


def test_a_username_that_looks_like_another_students_public_name_is_refused():
    student("alice", display_name="Dr Bob")
    response = sign_up("drbob")
    assert "looks too much like another student" in response.text


# Cyrillic capital VE and small O, doubled space, fullwidth, capitals, a Greek omicron
@pytest.mark.parametrize("look_alike", ["\u0412\u043eb B.", "bob  b.", "Ｂｏｂ Ｂ.", "BOB B.", "B\u03bfb B."])
def test_a_display_name_that_looks_like_another_students_is_refused(client, look_alike):
    student("bob", display_name="Bob B.")
    alice = student("alice")
    client.force_login(alice)
    response = client.post("/accounts/profile/", {"display_name": look_alike, "show_on_leaderboard": "on"})
    assert response.status_code == 200
    assert "looks too much like another student" in response.text
    alice.refresh_from_db()
    assert alice.display_name == ""


def test_a_display_name_that_imitates_another_students_username_is_refused(client):
    student("carol")
    alice = student("alice")
    client.force_login(alice)
    response = client.post("/accounts/profile/", {"display_name": "caro1", "show_on_leaderboard": "on"})
    assert "looks too much like another student" in response.text


def test_keeping_ones_own_name_is_fine(client):
    alice = student("alice", display_name="Alice A.")
    client.force_login(alice)
    response = client.post("/accounts/profile/", {"display_name": "Alice A.", "show_on_leaderboard": "on"})
    assert response.status_code == 302

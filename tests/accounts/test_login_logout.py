import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_with_right_password_redirects_to_dashboard(client, student):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(student.pk)


def test_login_error_does_not_reveal_whether_the_username_exists(client, student):
    wrong_password = client.post("/accounts/login/", {"username": "alice", "password": "nope-nope-nope"})
    unknown_user = client.post("/accounts/login/", {"username": "nobody-here", "password": "nope-nope-nope"})
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_login_honours_a_safe_next_and_ignores_another_site(client, student):
    credentials = {"username": "alice", "password": PASSWORD}
    assert (
        client.post("/accounts/login/?next=/accounts/profile/", credentials)["Location"]
        == "/accounts/profile/"
    )
    client.logout()
    assert client.post("/accounts/login/?next=https://evil.example/", credentials)["Location"] == "/"


def test_logout_by_get_is_not_allowed(student_client):
    assert student_client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in student_client.session


def test_logout_by_post_ends_the_session(student_client):
    response = student_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in student_client.session


def test_session_lasts_fourteen_days(client, student, settings):
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 3600
    assert client.session.get_expiry_age() == 14 * 24 * 3600

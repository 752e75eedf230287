import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db

URL = "/accounts/signup/"


def signup_data(**overrides):
    data = {
        "username": "newstudent",
        "email": "new@example.org",
        "password1": "mitral-valve-prolapse-42",
        "password2": "mitral-valve-prolapse-42",
    }
    data.update(overrides)
    return data


def test_signup_page_shows_the_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    for field in ("username", "email", "password1", "password2", "cohort"):
        assert f'name="{field}"' in response.text


def test_signup_creates_the_account_logs_in_and_hashes_the_password(client, cohort):
    response = client.post(URL, signup_data(cohort=cohort.pk))
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(username="newstudent")
    assert user.email == "new@example.org"
    assert user.cohort == cohort
    assert user.show_on_leaderboard is True
    assert user.password != "mitral-valve-prolapse-42"
    assert user.check_password("mitral-valve-prolapse-42")
    assert client.get("/").context["user"] == user


def test_signup_without_cohort_is_fine(client):
    assert client.post(URL, signup_data()).status_code == 302
    assert User.objects.get(username="newstudent").cohort is None


def test_duplicate_username_is_rejected(client, student):
    response = client.post(URL, signup_data(username=student.username))
    assert response.status_code == 200
    assert "A user with that username already exists." in response.text
    assert User.objects.filter(username=student.username).count() == 1


def test_signup_never_reveals_that_an_email_has_an_account(client, student):
    taken = client.post(URL, signup_data(email=student.email.upper()))
    client.post("/accounts/logout/")
    fresh = client.post(URL, signup_data(username="otherstudent", email="fresh@example.org"))
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert User.objects.filter(username="newstudent").exists()


def test_mismatched_passwords_are_rejected(client):
    response = client.post(URL, signup_data(password2="something-else-entirely"))
    assert response.status_code == 200
    assert "password fields didn\u2019t match" in response.text
    assert not User.objects.filter(username="newstudent").exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "This password is too short"),
        ("password123", "This password is too common"),
        ("83749201938475", "This password is entirely numeric"),
    ],
)
def test_weak_passwords_are_rejected(client, password, message):
    response = client.post(URL, signup_data(password1=password, password2=password))
    assert response.status_code == 200
    assert message in response.text
    assert not User.objects.filter(username="newstudent").exists()


def test_unknown_cohort_is_a_form_error_not_a_500(client):
    response = client.post(URL, signup_data(cohort="999999"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_signup_form_carries_a_csrf_token(client):
    assert 'name="csrfmiddlewaretoken"' in client.get(URL).text


def test_signup_without_csrf_token_is_refused(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(URL, signup_data())
    assert response.status_code == 403
    assert not User.objects.filter(username="newstudent").exists()


def test_signed_in_student_is_sent_home(student_client):
    assert student_client.get(URL)["Location"] == "/"

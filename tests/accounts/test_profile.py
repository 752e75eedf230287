import pytest

pytestmark = pytest.mark.django_db

URL = "/accounts/profile/"


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_profile_shows_the_current_values(student_client):
    response = student_client.get(URL)
    assert response.status_code == 200
    assert 'value="Alice A."' in response.text


def test_profile_edit_saves_every_field(student_client, student, cohort):
    response = student_client.post(
        URL,
        {"display_name": "Dr. Alice", "cohort": cohort.pk, "graduation_year": "2028"},
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.display_name == "Dr. Alice"
    assert student.cohort == cohort
    assert student.graduation_year == 2028
    # an unticked checkbox is not sent: the student chose to hide from boards
    assert student.show_on_leaderboard is False


def test_profile_rejects_an_implausible_graduation_year(student_client, student):
    response = student_client.post(URL, {"display_name": "X", "graduation_year": "1200"})
    assert response.status_code == 200
    assert "greater than or equal to 1950" in response.text
    student.refresh_from_db()
    assert student.display_name == "Alice A."


def test_profile_rejects_the_wrong_method(student_client):
    assert student_client.delete(URL).status_code == 405


def test_password_change_works(student_client, student):
    response = student_client.post(
        "/accounts/password_change/",
        {
            "old_password": "correct-horse-battery-9",
            "new_password1": "renal-tubular-acidosis-7",
            "new_password2": "renal-tubular-acidosis-7",
        },
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("renal-tubular-acidosis-7")

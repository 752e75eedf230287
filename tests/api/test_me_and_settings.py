"""The signed-in student and the settings the profile page edits: its rules, its messages."""

import pytest

from accounts.names import name_skeleton
from tests.api.conftest import API
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

SETTINGS = f"{API}/me/settings/"


def test_me_is_always_the_signed_in_student(api, other_student):
    me = api.get(f"{API}/me/").json()
    assert (me["username"], me["public_name"], me["cohort"]) == ("alice", "Alice A.", None)
    assert "password" not in me


def test_a_patch_changes_only_what_it_names(api, student, cohort):
    reply = api.patch(
        SETTINGS, {"cohort": "class-of-2028", "theme": "dark", "graduation_year": 2028}, format="json"
    )
    assert reply.status_code == 200
    assert reply.json() == {
        "display_name": "Alice A.",
        "cohort": "class-of-2028",
        "graduation_year": 2028,
        "show_on_leaderboard": True,
        "keyboard_shortcuts": True,
        "theme": "dark",
        "font_size": "normal",
        "high_contrast": False,
    }
    student.refresh_from_db()
    assert (student.cohort, student.theme, student.show_on_leaderboard) == (cohort, "dark", True)
    api.patch(SETTINGS, {"show_on_leaderboard": False, "cohort": None}, format="json")
    student.refresh_from_db()
    assert (student.show_on_leaderboard, student.cohort, student.graduation_year) == (False, None, 2028)


def test_a_name_that_looks_like_another_students_is_refused_with_the_profiles_message(api, student):
    make_user("bobby", display_name="Bob B.", name_skeleton=name_skeleton("Bob B."))
    reply = api.patch(SETTINGS, {"display_name": "\u0412\u043eb B."}, format="json")  # Cyrillic
    assert reply.status_code == 400
    assert reply.json()["errors"] == {
        "display_name": [
            "That name looks too much like another student's name on the boards. Choose another."
        ]
    }
    student.refresh_from_db()
    assert student.display_name == "Alice A."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"graduation_year": 1200}, "graduation_year"),
        ({"theme": "neon"}, "theme"),
        ({"cohort": "no-such-class"}, "cohort"),
        ({"high_contrast": "very"}, "high_contrast"),
        ({"display_name": "x" * 61}, "display_name"),
        ({"display_name": "a\x00b"}, "display_name"),
    ],
)
def test_bad_settings_are_400_by_field_and_nothing_changes(api, student, body, field):
    reply = api.patch(SETTINGS, body, format="json")
    assert reply.status_code == 400
    assert field in reply.json()["errors"]
    student.refresh_from_db()
    assert (student.display_name, student.theme, student.graduation_year) == ("Alice A.", "auto", None)


def test_a_settings_body_must_be_an_object(api):
    assert api.patch(SETTINGS, ["theme", "dark"], format="json").status_code == 400


def test_cohorts_are_listed_for_settings_and_boards(api, cohort):
    assert api.get(f"{API}/cohorts/").json() == [{"slug": "class-of-2028", "name": "Class of 2028"}]

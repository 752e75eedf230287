"""The boards through the API: the page's rows, a hidden student's row never shown, my exact rank."""

import pytest

from accounts.models import Cohort
from tests.api.conftest import API, token_client
from tests.conftest import make_question, make_user
from tests.leaderboard.test_board_page import give

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(db):
    return [make_question(subject="Pathology" if n < 6 else "Pharmacology") for n in range(10)]


def names(reply) -> list[tuple[int, str, bool]]:
    return [(row["rank"], row["name"], row["is_me"]) for row in reply.json()["rows"]]


def test_a_board_page_marks_my_own_row(questions):
    ann, ben = make_user("ann", display_name="Ann"), make_user("ben", display_name="Ben")
    give(ann, questions[:3], "ccc")
    give(ben, questions[:3], "ccw")
    reply = token_client(ben).get(f"{API}/leaderboards/all/")
    assert reply.status_code == 200
    assert names(reply) == [(1, "Ann", False), (2, "Ben", True)]
    assert reply.json()["me"]["rank"] == 2 and reply.json()["on_page"] is True
    # The same cached rows, seen by the other student.
    assert names(token_client(ann).get(f"{API}/leaderboards/all/")) == [(1, "Ann", True), (2, "Ben", False)]


def test_a_student_who_hides_is_off_the_cached_rows_at_once_but_sees_their_rank(questions):
    ann, ben = make_user("ann", display_name="Ann"), make_user("ben", display_name="Ben")
    give(ann, questions[:3], "ccc")
    give(ben, questions[:2], "cc")
    ann_api = token_client(ann)
    assert names(token_client(ben).get(f"{API}/leaderboards/all/"))[0][1] == "Ann"  # now cached
    ann_api.patch(f"{API}/me/settings/", {"show_on_leaderboard": False}, format="json")
    mine = ann_api.get(f"{API}/leaderboards/all/").json()
    assert [row["name"] for row in mine["rows"]] == ["Ben"]
    assert mine["me"]["hidden"] is True and mine["me"]["rank"] == 1 and mine["on_page"] is False
    assert ann_api.get(f"{API}/leaderboards/all/me/").json()["me"]["rank"] == 1


def test_subject_cohort_and_weekly_boards_and_unknown_filters(questions):
    alpha = Cohort.objects.create(name="Alpha", slug="alpha")
    ann = make_user("ann", display_name="Ann", cohort=alpha)
    ben = make_user("ben", display_name="Ben")
    give(ann, questions[:4], "cccc")
    give(ben, questions[6:9], "ccc")
    client = token_client(ann)
    assert [n for _, n, _ in names(client.get(f"{API}/leaderboards/all/", {"subject": "pharmacology"}))] == [
        "Ben"
    ]
    assert [n for _, n, _ in names(client.get(f"{API}/leaderboards/week/", {"cohort": "alpha"}))] == ["Ann"]
    week_subject = client.get(f"{API}/leaderboards/week/", {"subject": "pathology"}).json()
    assert week_subject["board"] == {"period": "all", "subject": "pathology", "cohort": None}
    assert week_subject["notice"] == "Subject boards are all time: there is no weekly board for Pathology."
    assert client.get(f"{API}/leaderboards/all/", {"subject": "astrology"}).json()["detail"] == (
        "There is no such subject."
    )
    assert client.get(f"{API}/leaderboards/month/").status_code == 404
    assert client.get(f"{API}/leaderboards/all/me/", {"cohort": "nobody"}).status_code == 400


def test_page_me_jumps_to_my_page_and_a_page_past_the_end_shows_the_last(
    questions, django_assert_max_num_queries
):
    students = [make_user(f"s{n:03d}", display_name=f"S{n:03d}") for n in range(60)]
    for n, student in enumerate(students):
        give(student, questions[: 1 + n % 10], "c" * (1 + n % 10))
    me = token_client(students[0])  # score 1: on the second page
    me.get(f"{API}/leaderboards/all/")  # the first board read after a Redis flush rebuilds the mirror
    with django_assert_max_num_queries(8):
        mine = me.get(f"{API}/leaderboards/all/", {"page": "me"}).json()
    assert mine["page"] == 2 and mine["num_pages"] == 2 and mine["on_page"] is True
    assert len(me.get(f"{API}/leaderboards/all/", {"page": "1"}).json()["rows"]) == 50
    assert me.get(f"{API}/leaderboards/all/", {"page": "99"}).json()["page"] == 2

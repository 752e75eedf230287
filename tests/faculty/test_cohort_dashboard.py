"""Cohort dashboards: only a cohort's teachers (and superusers) see it; the figures; the CSVs."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Cohort
from faculty.item_analysis import statistics_refresh
from quizzes.models import Item
from tests.conftest import ADMIN, make_question, make_user
from tests.faculty.conftest import answer_block, signed_in

pytestmark = pytest.mark.django_db

LIST_URL = f"{ADMIN}faculty/cohortdashboard/"


def dashboard_url(cohort, suffix=""):
    return f"{LIST_URL}{cohort.pk}/{suffix}"


@pytest.fixture
def teacher(cohort):
    user = make_user("teacher", is_staff=True)
    cohort.faculty.add(user)
    return user


@pytest.fixture
def other_cohort(db):
    return Cohort.objects.create(name="Class of 2029", slug="class-of-2029")


@pytest.fixture
def school(cohort, other_cohort):
    """Four students in the cohort (two hidden from the boards), one outside it who gets everything right.

    Cohort:  Pathology/Renal      ann 8 of 20 right (11 wrong, 1 omitted)                    = 40 %
             Pharmacology/Cardio  ben 2 of 2 (10 days ago), dan 0 of 1 (20 days ago)          = 2/3
    School:  Pathology/Renal      (8 + 20 by eve) / 40 = 70 %;  Pharmacology/Cardio (2 + 2) / 5 = 80 %
    """
    renal = [make_question(subject="Pathology", system="Renal") for _ in range(20)]
    heart = [make_question(subject="Pharmacology", system="Cardiovascular") for _ in range(2)]
    ann = make_user("ann", display_name="=HYPERLINK(1)", cohort=cohort)
    ben = make_user("ben", cohort=cohort, show_on_leaderboard=False)
    make_user("cat", cohort=cohort)  # never answered
    dan = make_user("dan", cohort=cohort, show_on_leaderboard=False)
    eve = make_user("eve", cohort=other_cohort)
    answer_block(ann, renal, "B" * 8 + "A" * 11 + "-")
    answer_block(ben, heart, "BB")
    answer_block(dan, heart[:1], "A")
    answer_block(eve, renal + heart, "B" * 22)
    now = timezone.now()
    Item.objects.filter(block__owner=ben).update(answered_at=now - timedelta(days=10))
    Item.objects.filter(block__owner=dan).update(answered_at=now - timedelta(days=20))
    statistics_refresh()
    return {"renal": renal, "heart": heart}


# --- Who sees what -----------------------------------------------------------------------------


def test_anonymous_and_students_are_sent_to_the_admin_login(client, cohort, student):
    urls = [LIST_URL, dashboard_url(cohort), dashboard_url(cohort, "students.csv")]
    for url in urls:
        assert f"{ADMIN}login/" in client.get(url)["Location"]
    client.force_login(student)
    for url in urls:
        assert f"{ADMIN}login/" in client.get(url)["Location"]


def test_a_teacher_sees_only_the_cohorts_they_teach(client, teacher, cohort, other_cohort):
    signed_in(client, teacher)
    text = client.get(LIST_URL).text
    assert "Class of 2028" in text and "Class of 2029" not in text
    assert client.get(dashboard_url(cohort)).status_code == 200
    for suffix in ("", "students.csv", "questions.csv"):
        assert client.get(dashboard_url(other_cohort, suffix)).status_code == 404
    assert client.get(f"{LIST_URL}999999/").status_code == 404


def test_staff_who_teach_nothing_get_404(client, cohort):
    signed_in(client, make_user("visitor", is_staff=True))
    assert "You teach no cohort yet" in client.get(LIST_URL).text
    assert client.get(dashboard_url(cohort)).status_code == 404


def test_a_superuser_sees_every_cohort(admin_client, cohort, other_cohort):
    text = admin_client.get(LIST_URL).text
    assert "Class of 2028" in text and "Class of 2029" in text
    assert admin_client.get(dashboard_url(other_cohort)).status_code == 200


def test_wrong_methods_are_405(client, teacher, cohort):
    signed_in(client, teacher)
    for url in (LIST_URL, dashboard_url(cohort), dashboard_url(cohort, "questions.csv")):
        assert client.post(url).status_code == 405


# --- The figures -------------------------------------------------------------------------------


def test_the_dashboard_counts_every_student_including_hidden_ones(
    client, teacher, cohort, school, django_assert_max_num_queries
):
    signed_in(client, teacher)
    # user, device, cohort, bank row, students, by subject and by system (cohort and school each), the
    # cohort's reliability, the teacher's permissions (two, for the admin's app list); none per student
    with django_assert_max_num_queries(12):
        response = client.get(dashboard_url(cohort))
    figures = response.context["figures"]
    assert len(figures.students) == 4
    assert figures.active_this_week == 1  # ann; ben answered 10 days ago
    assert [student.username for student in figures.low_activity] == ["cat", "dan"]  # never; 20 days
    assert [student.username for student in figures.low_accuracy] == ["ann"]  # 40 % over 20
    subjects = {area.name: area for area in figures.subjects}
    assert subjects["Pathology"].accuracy == pytest.approx(40)
    assert subjects["Pathology"].school_accuracy == pytest.approx(70)
    assert subjects["Pharmacology"].accuracy == pytest.approx(200 / 3)
    assert subjects["Pharmacology"].school_accuracy == pytest.approx(80)
    systems = {area.name: area.accuracy for area in figures.systems}
    assert systems == {"Renal": pytest.approx(40), "Cardiovascular": pytest.approx(200 / 3)}
    # Pharmacology and Cardiovascular have only 3 first attempts: too few to rank
    assert [(area.kind, area.name) for area in figures.weakest] == [
        ("subject", "Pathology"),
        ("system", "Renal"),
    ]
    text = response.text
    assert "Pathology (subject): 40 % of 20 first attempts; school 70 %" in text
    assert "including those who hide from the public leaderboards" in text
    assert "<caption" in text and 'scope="col"' in text


def test_the_list_of_cohorts_has_a_query_budget(
    admin_client, cohort, other_cohort, django_assert_max_num_queries
):
    for number in range(5):
        Cohort.objects.create(name=f"Cohort {number}", slug=f"cohort-{number}")
    with django_assert_max_num_queries(5):
        response = admin_client.get(LIST_URL)
    assert len(re.findall(rf'href="{LIST_URL}\d+/"', response.text)) == 7


def test_before_any_refresh_the_school_column_is_empty(client, teacher, cohort):
    questions = [make_question() for _ in range(2)]
    answer_block(make_user("zoe", cohort=cohort), questions, "BA")
    signed_in(client, teacher)
    response = client.get(dashboard_url(cohort))
    assert response.context["figures"].subjects[0].school_accuracy is None
    assert "appear once the item analysis has been computed" in response.text


# --- CSV ----------------------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_students_csv(client, teacher, cohort, school, django_assert_max_num_queries):
    signed_in(client, teacher)
    with django_assert_max_num_queries(5):
        rows = read_csv(client.get(dashboard_url(cohort, "students.csv")))
    assert [row["username"] for row in rows] == ["ann", "ben", "cat", "dan"]
    ann, ben, cat, _dan = rows
    assert (ann["attempts"], ann["correct"], ann["accuracy_percent"], ann["omitted"]) == (
        "20",
        "8",
        "40.00",
        "1",
    )
    assert ann["display_name"] == "'=HYPERLINK(1)"  # a formula in a student's own name is quoted
    assert ann["last_active"][:10] == timezone.now().date().isoformat()
    assert (ben["attempts"], ben["correct"]) == ("2", "2")
    assert (cat["attempts"], cat["accuracy_percent"], cat["last_active"]) == ("0", "", "")


def test_the_questions_csv(client, teacher, cohort, school, django_assert_max_num_queries):
    signed_in(client, teacher)
    with django_assert_max_num_queries(5):
        rows = read_csv(client.get(dashboard_url(cohort, "questions.csv")))
    by_id = {int(row["question_id"]): row for row in rows}
    assert len(rows) == 22
    first, last_renal = school["renal"][0], school["renal"][19]
    # renal 1: ann right (cohort 1 of 1); the school adds eve, right too
    assert (by_id[first.pk]["n"], by_id[first.pk]["facility_percent"]) == ("1", "100.00")
    assert by_id[first.pk]["school_facility_percent"] == "100.00"
    # renal 20: ann omitted it (wrong); school: 1 of 2
    assert (by_id[last_renal.pk]["facility_percent"], by_id[last_renal.pk]["school_facility_percent"]) == (
        "0.00",
        "50.00",
    )
    # heart 1: ben right, dan wrong (cohort 1 of 2); the school adds eve: 2 of 3
    heart = by_id[school["heart"][0].pk]
    assert (heart["n"], heart["facility_percent"], heart["school_facility_percent"]) == (
        "2",
        "50.00",
        "66.67",
    )

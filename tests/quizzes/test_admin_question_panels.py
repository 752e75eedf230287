"""The admin's question form shows the item-writing check, the item's figures and its problem reports."""

import re

import pytest

from tests.conftest import ADMIN, make_question, verify_second_factor
from tests.reports.helpers import answered_tutor_block, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    verify_second_factor(client, staff_user)
    return client


def words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_change_form_lists_item_writing_findings(admin_client):
    question = make_question(
        lead_in="Each of the following is a cause EXCEPT which?", educational_objective=""
    )
    page = words(admin_client.get(f"{ADMIN}quizzes/question/{question.pk}/change/"))
    assert "Item-writing check" in page
    assert "Error: negative-lead-in" in page and "Error: missing-objective" in page


def test_the_change_form_shows_what_students_reported(admin_client, student):
    question = make_question()
    send(student, answered_tutor_block(student, [question]), kind="typo", comment="Tachycardia is misspelt")
    page = words(admin_client.get(f"{ADMIN}quizzes/question/{question.pk}/change/"))
    assert "Problem reports" in page
    assert "Open · Typo" in page and "Tachycardia is misspelt" in page
    assert "No first attempts counted yet" in page


def test_the_change_form_stays_within_its_query_budget(admin_client, student, django_assert_max_num_queries):
    question = make_question()
    for _ in range(3):
        send(student, answered_tutor_block(student, [make_question()]), kind="typo", comment="x")
    send(student, answered_tutor_block(student, [question]), kind="unclear", comment="y")
    with django_assert_max_num_queries(30):
        assert admin_client.get(f"{ADMIN}quizzes/question/{question.pk}/change/").status_code == 200


def test_the_report_triage_page_shows_the_items_figures(admin_client, student, other_student):
    from faculty.item_analysis import statistics_refresh
    from reports.models import ProblemReport

    question = make_question()
    send(student, answered_tutor_block(student, [question]), kind="wrong_key", comment="B is right")
    report = ProblemReport.objects.get()
    page = words(admin_client.get(f"{ADMIN}reports/problemreport/{report.pk}/change/"))
    assert "No first attempts counted yet." in page
    answered_tutor_block(other_student, [question])
    statistics_refresh()
    page = words(admin_client.get(f"{ADMIN}reports/problemreport/{report.pk}/change/"))
    assert "n 2, 0 % correct" in page and "1 open report(s)" in page

"""GET /reports/: My reports, newest first, with status and staff note, only the student's own."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from reports.models import ProblemReport
from tests.conftest import correct_letter, make_question
from tests.reports.helpers import answered_tutor_block, finished_timed_block, send
from tests.security.html_audit import active_content

pytestmark = pytest.mark.django_db

URL = "/reports/"


def age(report: ProblemReport, minutes: int) -> None:
    ProblemReport.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))


def reports_on(student, count: int) -> list[ProblemReport]:
    questions = [make_question() for _ in range(count)]
    block = finished_timed_block(student, questions)
    return [send(student, block, position) for position in range(1, count + 1)]


def test_my_reports_shows_kind_status_staff_note_and_question_newest_first(student_client, student, bank):
    block = finished_timed_block(student, bank[:2])
    older = send(student, block, 1, kind="wrong_key", comment="Older: the key should be C")
    send(student, block, 2, kind="other", comment="Newer: image missing")
    age(older, 10)
    ProblemReport.objects.filter(pk=older.pk).update(
        status="rejected", staff_note="C is a distractor: see UpToDate."
    )
    response = student_client.get(URL)
    assert response.status_code == 200
    html = response.text
    assert "<h1>My reports</h1>" in html and "2 reports" in html
    assert html.index("Newer: image missing") < html.index("Older: the key should be C")
    assert 'Wrong answer key · <strong class="report-status report-status-rejected">Rejected</strong>' in html
    assert 'Other · <strong class="report-status report-status-open">Open</strong>' in html
    assert "Staff reply:" in html and "C is a distractor: see UpToDate." in html
    assert bank[0].external_id in html and bank[1].external_id in html


def test_a_finished_block_links_to_the_item_in_the_review(student_client, student, bank):
    block = finished_timed_block(student, bank[:3])
    send(student, block, 3)
    html = student_client.get(URL).text
    assert f'href="/quizzes/{block.pk}/review/#item-3"' in html and ">Open in the review</a>" in html


def test_an_open_tutor_block_or_a_deleted_one_gives_no_link(student_client, student, bank):
    tutor = answered_tutor_block(student, bank[:1])
    send(student, tutor)
    assert "Open in the review" not in student_client.get(URL).text
    tutor.delete()
    html = student_client.get(URL).text
    assert bank[0].external_id in html and "Open in the review" not in html


def test_only_my_own_reports_are_listed(client, student, other_student, bank):
    send(student, finished_timed_block(student, bank[:1]), comment="Report by Alice")
    send(other_student, finished_timed_block(other_student, bank[1:2]), comment="Report by Bob")
    client.force_login(other_student)
    html = client.get(URL).text
    assert "Report by Bob" in html and "Report by Alice" not in html and bank[0].external_id not in html


def test_the_list_never_shows_the_key_or_the_explanation(student_client, student, bank):
    question = bank[0]
    send(student, finished_timed_block(student, [question]), comment="my words")
    correct = question.choices.get(letter=correct_letter(question))
    html = student_client.get(URL).text
    assert "my words" in html
    for secret in (question.explanation, question.educational_objective, correct.text, question.stem):
        assert secret not in html


def test_comments_and_staff_notes_are_plain_text(student_client, student, bank):
    report = send(student, finished_timed_block(student, bank[:1]), comment="<script>alert(1)</script>")
    ProblemReport.objects.filter(pk=report.pk).update(staff_note='<img src=x onerror="x()">')
    response = student_client.get(URL)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    nonce = response["Content-Security-Policy"].partition("'nonce-")[2].partition("'")[0] or None
    assert active_content(response.text, nonce=nonce) == []


def test_no_reports_says_how_to_send_one(student_client):
    assert "No reports yet." in student_client.get(URL).text


def test_reports_are_paginated(student_client, student):
    reports_on(student, 30)
    first = student_client.get(URL)
    assert first.text.count("report-card") == 25 and "Page 1 of 2" in first.text
    assert student_client.get(URL, {"page": "2"}).text.count("report-card") == 5
    assert student_client.get(URL, {"page": "٣"}).status_code == 200
    assert student_client.get(URL, {"page": "999"}).status_code == 200


def test_the_query_count_does_not_grow_with_the_reports(
    student_client, student, django_assert_max_num_queries, django_assert_num_queries
):
    reports_on(student, 2)
    with django_assert_max_num_queries(6) as few:
        student_client.get(URL)
    reports_on(student, 28)
    with django_assert_num_queries(len(few.captured_queries)):
        student_client.get(URL)


def test_anonymous_is_sent_to_login_and_post_is_405(student_client):
    assert Client().get(URL)["Location"].startswith("/accounts/login/")
    assert student_client.post(URL).status_code == 405

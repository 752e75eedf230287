"""The reports admin: staff find reports, resolve them in bulk or one by one, and reply to the student."""

import pytest
from django.utils import timezone

from reports.models import ProblemReport
from tests.conftest import ADMIN, make_user, verify_second_factor
from tests.reports.helpers import finished_timed_block, send

pytestmark = pytest.mark.django_db

LIST = f"{ADMIN}reports/problemreport/"


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    verify_second_factor(client, staff_user)
    return client


@pytest.fixture
def reports(student, bank):
    block = finished_timed_block(student, bank[:3])
    return [send(student, block, 1, kind="wrong_key"), send(student, block, 2), send(student, block, 3)]


def test_the_list_links_each_report_to_its_question_and_filters(admin_client, reports, bank):
    response = admin_client.get(LIST)
    assert response.status_code == 200
    html = response.text
    assert f'<a href="{ADMIN}quizzes/question/{bank[0].pk}/change/">{bank[0].external_id}</a>' in html
    for name in (
        "status__exact",
        "kind__exact",
        "question__subject__id__exact",
        "question__system__id__exact",
    ):
        assert f"?{name}=" in html, name
    only_key = admin_client.get(LIST, {"kind__exact": "wrong_key"}).text
    assert f"{LIST}{reports[0].pk}/change/" in only_key and f"{LIST}{reports[1].pk}/change/" not in only_key
    renal = admin_client.get(LIST, {"question__system__id__exact": bank[1].system_id}).text
    assert f"{LIST}{reports[1].pk}/change/" in renal and f"{LIST}{reports[0].pk}/change/" not in renal


def test_staff_find_reports_by_question_id(admin_client, reports, bank):
    html = admin_client.get(LIST, {"q": bank[2].external_id}).text
    assert f"{LIST}{reports[2].pk}/change/" in html
    assert f"{LIST}{reports[0].pk}/change/" not in html


@pytest.mark.parametrize(
    ("action", "status"), [("accept", "accepted"), ("reject", "rejected"), ("mark_fixed", "fixed")]
)
def test_bulk_actions_change_the_status_and_record_who_and_when(
    admin_client, staff_user, reports, action, status
):
    before = timezone.now()
    chosen = [reports[0].pk, reports[1].pk]
    response = admin_client.post(LIST, {"action": action, "_selected_action": chosen}, follow=True)
    assert response.status_code == 200
    assert "2 reports" in response.text
    for report in ProblemReport.objects.filter(pk__in=chosen):
        assert (report.status, report.resolved_by) == (status, staff_user)
        assert report.resolved_at >= before
    untouched = ProblemReport.objects.get(pk=reports[2].pk)
    assert (untouched.status, untouched.resolved_by, untouched.resolved_at) == ("open", None, None)


def test_the_change_form_writes_the_staff_note_and_records_the_resolution(admin_client, staff_user, reports):
    report = reports[0]
    page = admin_client.get(f"{LIST}{report.pk}/change/")
    assert page.status_code == 200
    response = admin_client.post(
        f"{LIST}{report.pk}/change/",
        {"status": "fixed", "staff_note": "Key corrected to C. Thank you!", "comment": "edited by staff?"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.staff_note, report.resolved_by) == (
        "fixed",
        "Key corrected to C. Thank you!",
        staff_user,
    )
    assert report.resolved_at is not None
    assert report.comment == ""  # the student's words are read-only


def test_reopening_is_refused_while_another_report_of_the_kind_is_open(admin_client, student, reports):
    first = reports[1]
    ProblemReport.objects.filter(pk=first.pk).update(status="rejected")
    second = ProblemReport.objects.create(reporter=student, question=first.question, kind=first.kind)
    response = admin_client.post(f"{LIST}{first.pk}/change/", {"status": "open", "staff_note": ""})
    assert response.status_code == 200
    assert "This student has another open report of this kind on this question" in response.text
    assert ProblemReport.objects.get(pk=first.pk).status == "rejected"
    second.delete()
    assert (
        admin_client.post(f"{LIST}{first.pk}/change/", {"status": "open", "staff_note": ""}).status_code
        == 302
    )
    first.refresh_from_db()
    assert (first.status, first.resolved_by, first.resolved_at) == ("open", None, None)


def test_staff_cannot_add_a_report(admin_client, reports):
    assert admin_client.get(f"{LIST}add/").status_code == 403


def test_a_student_never_reaches_the_reports_admin(client, student, reports):
    client.force_login(student)
    response = client.get(LIST)
    assert response.status_code == 302 and "login" in response["Location"]
    client.post(LIST, {"action": "accept", "_selected_action": [reports[0].pk]})
    assert ProblemReport.objects.get(pk=reports[0].pk).status == "open"


def test_the_list_costs_the_same_queries_for_many_reports(
    admin_client, student, bank, django_assert_max_num_queries, django_assert_num_queries
):
    block = finished_timed_block(student, bank[:2])
    send(student, block, 1)
    with django_assert_max_num_queries(20) as few:
        admin_client.get(LIST)
    for n in range(5):
        other = make_user(f"reporter{n}")
        send(other, finished_timed_block(other, bank[:4]), 1 + n % 4)
    with django_assert_num_queries(len(few.captured_queries)):
        admin_client.get(LIST)

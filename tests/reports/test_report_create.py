"""POST /reports/<block>/q/<n>/: a report on a question whose answer is final and shown."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from quizzes.models import Block
from quizzes.services import block_finish, block_suspend, item_answer
from reports.models import ProblemReport
from reports.services import ReportInvalid
from tests.conftest import correct_letter, make_block
from tests.reports.helpers import answered_tutor_block, finished_timed_block, report_url, send, without_tokens

pytestmark = pytest.mark.django_db

TOO_EARLY = "You can report a problem once this question"


def test_a_tutor_item_cannot_be_reported_before_it_is_answered(student_client, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TUTOR)
    response = student_client.post(report_url(block, 1), {"kind": "typo", "comment": "x"})
    assert response.status_code == 409
    assert TOO_EARLY in response.text
    assert not ProblemReport.objects.exists()


def test_an_answered_tutor_item_takes_a_report_and_goes_back(student_client, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TUTOR)
    item_answer(block=block, position=2, letter=correct_letter(bank[1]))
    here = f"/quizzes/{block.pk}/q/2/"
    response = student_client.post(
        report_url(block, 2),
        {"kind": "wrong_key", "comment": "  Guidelines changed in 2024.\r\n ", "next": here},
    )
    assert response.status_code == 303
    assert response["Location"] == here
    report = ProblemReport.objects.get()
    assert (report.reporter, report.question, report.item.position) == (student, bank[1], 2)
    assert (report.kind, report.comment, report.status) == (
        "wrong_key",
        "Guidelines changed in 2024.",
        "open",
    )
    assert (report.resolved_by, report.resolved_at, report.staff_note) == (None, None, "")
    assert "Thank you: your report is sent." in student_client.get(here).text


def test_a_timed_item_cannot_be_reported_until_the_block_is_finished(student_client, student, bank):
    block = make_block(student, bank[:3], mode=Block.Mode.TIMED)
    item_answer(block=block, position=1, letter=correct_letter(bank[0]))  # right
    item_answer(block=block, position=2, letter="A" if correct_letter(bank[1]) != "A" else "C")  # wrong
    form = {"kind": "typo", "next": f"/quizzes/{block.pk}/"}
    replies = [student_client.post(report_url(block, n), form) for n in (1, 2, 3)]
    assert [reply.status_code for reply in replies] == [409, 409, 409]
    assert len({without_tokens(reply.text) for reply in replies}) == 1  # right, wrong, unanswered: alike
    assert not ProblemReport.objects.exists()
    block_finish(block=block)
    assert student_client.post(report_url(block, 3), {"kind": "typo"}).status_code == 303  # omitted too
    assert ProblemReport.objects.get().item.position == 3


def test_a_suspended_timed_block_takes_no_report(student_client, student, bank):
    block = make_block(student, bank[:1], mode=Block.Mode.TIMED)
    item_answer(block=block, position=1, letter="A")
    block_suspend(block=block)
    assert student_client.post(report_url(block), {"kind": "typo"}).status_code == 409
    assert not ProblemReport.objects.exists()


def test_too_early_is_refused_before_the_form_is_read(student_client, student, bank):
    """A missing kind on an open item is still 409, never a 400 that would say the item is final."""
    block = make_block(student, bank[:1], mode=Block.Mode.TIMED)
    item_answer(block=block, position=1, letter="A")
    assert (
        student_client.post(report_url(block), {"kind": "nonsense", "comment": "x" * 5000}).status_code == 409
    )


def test_another_students_block_or_a_missing_item_is_404(student_client, student, other_student, bank):
    theirs = answered_tutor_block(other_student, bank[:1])
    mine = answered_tutor_block(student, bank[1:2])
    for url in (report_url(theirs, 1), report_url(mine, 2), report_url(mine, 0), "/reports/987654321/q/1/"):
        response = student_client.post(url, {"kind": "typo"})
        assert response.status_code == 404, url
    assert student_client.post(report_url(theirs, 1), {"kind": "bad"}).status_code == 404  # whatever is sent
    assert not ProblemReport.objects.exists()


def test_anonymous_is_sent_to_login_and_get_is_405(student_client, student, bank):
    block = answered_tutor_block(student, bank[:1])
    anonymous = Client().post(report_url(block), {"kind": "typo"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert student_client.get(report_url(block)).status_code == 405
    assert not ProblemReport.objects.exists()


def test_the_form_needs_its_csrf_token(student, bank):
    block = answered_tutor_block(student, bank[:1])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(student)
    assert browser.post(report_url(block), {"kind": "typo"}).status_code == 403
    assert not ProblemReport.objects.exists()
    page = browser.get(f"/quizzes/{block.pk}/q/1/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(report_url(block), {"kind": "typo", "csrfmiddlewaretoken": token}).status_code == 303
    assert ProblemReport.objects.count() == 1


def test_a_second_report_of_the_same_kind_updates_the_open_one(student_client, student, bank):
    block = answered_tutor_block(student, bank[:1])
    student_client.post(report_url(block), {"kind": "typo", "comment": "first"})
    first = ProblemReport.objects.get()
    response = student_client.post(report_url(block), {"kind": "typo", "comment": "second"}, follow=True)
    assert (
        "You had already reported this problem and it is still open: its comment is updated." in response.text
    )
    second = ProblemReport.objects.get()
    assert (second.pk, second.comment, second.created_at) == (first.pk, "second", first.created_at)
    assert second.updated_at > first.updated_at


def test_another_kind_or_a_resolved_report_makes_a_new_row(student_client, student, bank):
    block = answered_tutor_block(student, bank[:1])
    student_client.post(report_url(block), {"kind": "typo"})
    student_client.post(report_url(block), {"kind": "unclear"})
    assert ProblemReport.objects.count() == 2
    ProblemReport.objects.filter(kind="typo").update(status=ProblemReport.Status.FIXED)
    student_client.post(report_url(block), {"kind": "typo", "comment": "still there"})
    assert sorted(ProblemReport.objects.filter(kind="typo").values_list("status", flat=True)) == [
        "fixed",
        "open",
    ]


def test_the_same_question_from_another_block_updates_the_same_open_report(student, bank):
    first = finished_timed_block(student, bank[:1])
    second = answered_tutor_block(student, bank[:1])
    send(student, first, comment="from the timed block")
    report = send(student, second, comment="again")
    assert ProblemReport.objects.get().pk == report.pk
    assert (report.comment, report.item.block_id) == ("again", second.pk)


def test_the_database_holds_one_open_report_per_student_question_and_kind(student, bank):
    block = answered_tutor_block(student, bank[:1])
    send(student, block)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProblemReport.objects.create(reporter=student, question=bank[0], kind="typo")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProblemReport.objects.create(reporter=student, question=bank[0], kind="other", comment="")


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"comment": "no kind"}, "kind", "Choose what is wrong with the question."),
        ({"kind": "lies", "comment": "x"}, "kind", "Choose what is wrong with the question."),
        ({"kind": "other", "comment": "  \r\n "}, "comment", "a comment is needed when you choose “Other”."),
        (
            {"kind": "typo", "comment": "y" * 2001},
            "comment",
            "at most 2,000 characters (this one has 2,001).",
        ),
    ],
)
def test_a_bad_form_is_a_400_tied_to_its_field_that_keeps_what_was_typed(
    student_client, student, bank, form, field, message
):
    block = answered_tutor_block(student, bank[:1])
    response = student_client.post(report_url(block), {**form, "next": "/quizzes/"})
    assert response.status_code == 400
    html = response.text
    error_id = "report-1-kind-error" if field == "kind" else "report-1-comment-error"
    assert f'id="{error_id}" role="alert">' in html and message in html
    assert f'aria-describedby="{error_id}"' in html or f'report-1-help {error_id}"' in html
    assert '<details class="report-problem" id="report-1" open>' in html
    assert 'href="/quizzes/">Back to the question without sending</a>' in html
    if form.get("comment", "").strip():
        assert form["comment"][:50] in html
    assert not ProblemReport.objects.exists()


def test_line_breaks_count_once_as_the_textarea_counts_them(student, bank):
    block = answered_tutor_block(student, bank[:1])
    typed = "\r\n".join(["a" * 99] * 20) + "b" * 119  # 20 * 99 + 19 + 119 = 2,118 with CRLF, 2,099 without
    with pytest.raises(ReportInvalid):
        send(student, block, comment=typed)
    fits = "\r\n".join(["a" * 99] * 20)  # 1,999 characters in the textarea
    assert send(student, block, comment=fits).comment == "\n".join(["a" * 99] * 20)


def test_an_angle_bracket_comment_is_kept_as_text(student_client, student, bank):
    block = answered_tutor_block(student, bank[:1])
    typed = "<script>alert(1)</script>" * 100  # too long: comes back in the form
    html = student_client.post(report_url(block), {"kind": "typo", "comment": typed}).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/path", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_never_leaves_the_site(student_client, student, bank, next_url):
    block = answered_tutor_block(student, bank[:1])
    response = student_client.post(report_url(block), {"kind": "typo", "next": next_url})
    assert response.status_code == 303
    assert response["Location"] == f"/quizzes/{block.pk}/q/1/"


def test_reports_are_rate_limited_per_student(client, student, other_student, bank, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "3/m"}  # a minute window: no flaky boundary
    block = answered_tutor_block(student, bank[:4])
    client.force_login(student)
    for position in (1, 2, 3):
        assert client.post(report_url(block, position), {"kind": "typo"}).status_code == 303
    refused = client.post(report_url(block, 4), {"kind": "typo"})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "You have sent many reports in the last hour." in refused.text
    assert ProblemReport.objects.count() == 3
    htmx = client.post(report_url(block, 4), {"kind": "typo"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 429 and "<html" not in htmx.text  # the too-many partial
    theirs = answered_tutor_block(other_student, bank[4:5])
    client.force_login(other_student)
    assert client.post(report_url(theirs), {"kind": "typo"}).status_code == 303  # per student


def test_the_default_limit_is_ten_an_hour(settings):
    assert settings.RATE_LIMITS["report"] == "10/h"


def test_a_report_costs_a_few_queries(student_client, student, bank, django_assert_max_num_queries):
    block = answered_tutor_block(student, bank[:1])
    with django_assert_max_num_queries(10):
        assert student_client.post(report_url(block), {"kind": "typo"}).status_code == 303


def test_a_deleted_block_keeps_its_reports(student, bank):
    block = answered_tutor_block(student, bank[:1])
    report = send(student, block)
    block.delete()
    report.refresh_from_db()
    assert report.item is None
    assert report.question == bank[0]


def test_hostile_input_gets_a_clear_refusal_never_a_500(student_client, student, bank):
    block = answered_tutor_block(student, bank[:1])
    huge = "9" * 30
    assert student_client.post(f"/reports/{huge}/q/1/", {"kind": "typo"}).status_code == 404
    assert student_client.post(f"/reports/{block.pk}/q/{huge}/", {"kind": "typo"}).status_code == 404
    assert student_client.post(report_url(block), {"kind": "typo", "comment": "a\x00b"}).status_code == 400
    assert student_client.post(report_url(block), {"kind": "typo" * 1000}).status_code == 400
    assert not ProblemReport.objects.exists()

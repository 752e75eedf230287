"""What the Question admin reads: reports_for_question and open_report_counts."""

import pytest

from reports.models import ProblemReport
from reports.selectors import open_report_counts, reports_for_question
from tests.reports.helpers import finished_timed_block, send

pytestmark = pytest.mark.django_db


def test_reports_for_question_lists_every_report_on_it_newest_first(student, other_student, bank):
    mine = send(student, finished_timed_block(student, bank[:2]), 1)
    send(student, finished_timed_block(student, bank[2:3]), 1)  # another question
    theirs = send(other_student, finished_timed_block(other_student, bank[:1]), 1, kind="unclear")
    ProblemReport.objects.filter(pk=mine.pk).update(status="fixed")
    assert [report.pk for report in reports_for_question(bank[0].pk)] == [theirs.pk, mine.pk]


def test_reports_for_question_loads_who_in_one_query(student, bank, django_assert_num_queries):
    send(student, finished_timed_block(student, bank[:1]), 1)
    with django_assert_num_queries(1):
        assert [report.reporter.username for report in reports_for_question(bank[0].pk)] == ["alice"]


def test_open_report_counts_counts_only_open_reports_and_names_every_question(
    student, other_student, bank, django_assert_num_queries
):
    block = finished_timed_block(student, bank[:2])
    send(student, block, 1, kind="typo")
    send(student, block, 1, kind="unclear")
    fixed = send(student, block, 2)
    ProblemReport.objects.filter(pk=fixed.pk).update(status="fixed")
    send(other_student, finished_timed_block(other_student, bank[:1]), 1)
    with django_assert_num_queries(1):
        counts = open_report_counts([bank[0].pk, bank[1].pk, bank[2].pk])
    assert counts == {bank[0].pk: 3, bank[1].pk: 0, bank[2].pk: 0}
    assert open_report_counts([]) == {}

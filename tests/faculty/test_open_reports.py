"""The item analysis counts each question's open problem reports (triaged ones drop out)."""

import pytest

from faculty.item_analysis import statistics_refresh
from faculty.selectors import question_statistic_for
from reports.models import ProblemReport
from tests.conftest import make_question, make_user
from tests.reports.helpers import answered_tutor_block, send

pytestmark = pytest.mark.django_db


def test_open_reports_are_counted_and_triaged_ones_are_not(student, other_student):
    question, quiet = make_question(), make_question()
    send(student, answered_tutor_block(student, [question, quiet]), kind="typo", comment="a typo")
    block = answered_tutor_block(other_student, [question, quiet])
    send(other_student, block, kind="wrong_key", comment="B?")
    third = make_user("carol")
    send(third, answered_tutor_block(third, [question]), kind="unclear", comment="?")
    ProblemReport.objects.filter(reporter=third).update(status=ProblemReport.Status.REJECTED)
    statistics_refresh()
    assert question_statistic_for(question.pk).open_reports == 2
    assert question_statistic_for(quiet.pk).open_reports == 0

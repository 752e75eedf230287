"""CSV downloads of the faculty pages: the item analysis and a cohort's results."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from faculty.models import QuestionStatistic
from faculty.selectors import CohortQuestionResult, StudentResult
from quizzes.models import LETTERS

_CHOICE_LABELS = [*LETTERS, "omitted"]
ITEM_ANALYSIS_HEADER = [
    "question_id",
    "external_id",
    "subject",
    "system",
    "status",
    "n",
    "facility_percent",
    "discrimination",
    *[f"share_{label}_percent" for label in _CHOICE_LABELS],
    *[f"top_{label}_percent" for label in _CHOICE_LABELS],
    *[f"bottom_{label}_percent" for label in _CHOICE_LABELS],
    "key",
    "mean_time_seconds",
    "open_reports",
    "flags",
]
STUDENT_HEADER = [
    "username",
    "display_name",
    "attempts",
    "correct",
    "accuracy_percent",
    "omitted",
    "last_active",
]
COHORT_QUESTION_HEADER = ["question_id", "external_id", "n", "facility_percent", "school_facility_percent"]


class _Echo:
    def write(self, value: str) -> str:
        return value


def cell(value) -> str:
    """A value as a spreadsheet will read it: text that starts like a formula is quoted, since display
    names are the students' own and a spreadsheet runs "=HYPERLINK(...)" as a formula (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def item_rows(statistics: QuerySet[QuestionStatistic]) -> Iterator[list]:
    for row in statistics.iterator(chunk_size=2000):
        shares = row.letter_shares
        question = row.question
        yield [
            row.question_id,
            question.external_id,
            question.subject.name,
            question.system.name,
            question.status,
            row.attempts,
            row.facility,
            row.discrimination,
            *[share.share for share in shares],
            *[share.top for share in shares],
            *[share.bottom for share in shares],
            row.key_letter,
            None if row.mean_time_ms is None else row.mean_time_ms / 1000,
            row.open_reports,
            " ".join(row.flags),
        ]


def student_rows(students: list[StudentResult]) -> Iterator[list]:
    for student in students:
        yield [
            student.username,
            student.display_name,
            student.attempts,
            student.correct,
            student.accuracy,
            student.omitted,
            student.last_active.isoformat(timespec="seconds") if student.last_active else None,
        ]


def cohort_question_rows(results: list[CohortQuestionResult]) -> Iterator[list]:
    for result in results:
        yield [
            result.question_id,
            result.external_id,
            result.attempts,
            result.facility,
            result.school_facility,
        ]


def form_errors_text(form) -> str:
    return "Bad filter: " + "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())

"""Reading problem reports: a student only ever their own; staff per question."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from accounts.models import User
from reports.models import ProblemReport

# What My reports shows. Never the question's stem, explanation, objective or choices:
# the page cannot leak what it never loads.
LIST_FIELDS = (
    "kind",
    "comment",
    "status",
    "staff_note",
    "created_at",
    "updated_at",
    "resolved_at",
    "reporter_id",
    "question__external_id",
    "question__lead_in",
    "item__position",
    "item__block__finished_at",
)


def report_list(*, user: User) -> QuerySet[ProblemReport]:
    """My reports, newest first, each with its question's ID and the item it was sent from
    (`item.block`: the review link, shown only once that block is finished)."""
    return (
        ProblemReport.objects.filter(reporter=user)
        .select_related("question", "item__block")
        .only(*LIST_FIELDS)
        .order_by("-created_at", "-id")
    )


def reports_for_question(question_id: int) -> QuerySet[ProblemReport]:
    """Every report on one question, newest first, with who sent and who resolved it (for staff)."""
    return (
        ProblemReport.objects.filter(question_id=question_id)
        .select_related("reporter", "resolved_by")
        .order_by("-created_at", "-id")
    )


def open_report_counts(question_ids: Iterable[int]) -> dict[int, int]:
    """Open reports per question, in one query; every id asked for is a key (0 when none is open)."""
    question_ids = list(question_ids)
    counts = (
        ProblemReport.objects.filter(question_id__in=question_ids, status=ProblemReport.Status.OPEN)
        .values_list("question_id")
        .annotate(open_count=Count("id"))
        .order_by()
    )
    return dict.fromkeys(question_ids, 0) | dict(counts)


def open_duplicate_exists(*, report: ProblemReport) -> bool:
    """Whether reopening `report` would make a second open report of its student, question and kind."""
    return (
        ProblemReport.objects.filter(
            reporter_id=report.reporter_id,
            question_id=report.question_id,
            kind=report.kind,
            status=ProblemReport.Status.OPEN,
        )
        .exclude(pk=report.pk)
        .exists()
    )

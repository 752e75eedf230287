"""Writing problem reports: a student sends one from a question whose answer is shown; staff resolve it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from quizzes import lifecycle
from quizzes.selectors import block_for_owner, block_item
from reports.models import ProblemReport

Kind = ProblemReport.Kind
Status = ProblemReport.Status


class ReportTooEarly(Exception):
    """The item's answer is not final and shown yet. The same refusal for every such item, whatever
    was chosen, so a report can never be used to probe the key of an open timed block."""

    message = (
        "You can report a problem once this question's answer is shown: right after you answer it "
        "in tutor mode, or in the review once a timed block is finished."
    )


class ReportInvalid(ValueError):
    """What is wrong with the submitted form, by field ("kind", "comment")."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(" ".join(errors.values()))


@dataclass(frozen=True)
class ReportSent:
    report: ProblemReport
    # False: an open report of this kind on this question existed, and its comment was replaced.
    created: bool


def report_problems(*, kind: str, comment: str) -> dict[str, str]:
    """The form's errors by field; empty when the report may be sent. `comment` is already normalised."""
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = "Choose what is wrong with the question."
    if len(comment) > ProblemReport.COMMENT_MAX_LENGTH:
        errors["comment"] = (
            f"A comment can be at most {ProblemReport.COMMENT_MAX_LENGTH:,} characters "
            f"(this one has {len(comment):,})."
        )
    elif kind == Kind.OTHER and not comment:
        errors["comment"] = "Say what is wrong: a comment is needed when you choose “Other”."
    return errors


def normalise_comment(comment: str) -> str:
    # Browsers submit a textarea's line breaks as CRLF but count them as one character against
    # maxlength: count them the same way, so a comment the textarea accepted is never refused here.
    return comment.replace("\r\n", "\n").replace("\r", "\n").strip()


def report_submit(*, user: User, block_id: int, position: int, kind: str, comment: str) -> ReportSent:
    """The student's report on the question of their item `position` of block `block_id`.

    404 for anyone else's block or an item that does not exist (the same answer
    as for a note); ReportTooEarly while the item's key may not be shown;
    ReportInvalid for a missing kind, a missing or too long comment. A second
    report of the same kind while the first is open replaces its comment.
    """
    block = block_for_owner(block_id=block_id, user=user)
    item = block_item(block=block, position=position)
    # Checked before the form, so the reply to an unanswered item is the same whatever was sent.
    if not lifecycle.key_may_be_shown(block=block, item=item):
        raise ReportTooEarly(ReportTooEarly.message)
    comment = normalise_comment(comment)
    errors = report_problems(kind=kind, comment=comment)
    if errors:
        raise ReportInvalid(errors)
    # Two tabs sending the same report at once: update_or_create locks the open row (SELECT ... FOR
    # UPDATE) and, when both try to insert, the partial unique constraint makes the loser update it.
    report, created = ProblemReport.objects.update_or_create(
        reporter=user,
        question_id=item.question_id,
        kind=kind,
        status=Status.OPEN,
        defaults={"comment": comment, "item": item},
    )
    return ReportSent(report, created)


def reports_resolve(*, reports: QuerySet[ProblemReport], status: str, resolved_by: User) -> int:
    """Accept, reject or mark fixed every report in `reports` (one UPDATE), recording who and when.

    Returns how many changed.
    """
    if status not in Status.values or status == Status.OPEN:
        raise ValueError(f"Not a resolution: {status!r}.")
    now = timezone.now()
    # One statement: a report resolved twice at once ends with one of the two, never a mix.
    return reports.update(status=status, resolved_by=resolved_by, resolved_at=now, updated_at=now)


@transaction.atomic
def report_review(*, report_id: int, status: str, staff_note: str, reviewed_by: User) -> ProblemReport:
    """Staff's edit of one report (the admin's change form): its status and the note the student sees.

    A change to a resolution records who and when; reopening clears them. The
    caller checks first that reopening leaves one open report per student,
    question and kind (reports.selectors.open_duplicate_exists).
    """
    # Two staff editing the same report: the row lock makes the second compare with the first's status.
    report = ProblemReport.objects.select_for_update().get(pk=report_id)
    if status not in Status.values:
        raise ValueError(f"Not a status: {status!r}.")
    if status != report.status:
        if status == Status.OPEN:
            report.resolved_by, report.resolved_at = None, None
        else:
            report.resolved_by, report.resolved_at = reviewed_by, timezone.now()
    report.status = status
    report.staff_note = staff_note.replace("\r\n", "\n").strip()
    report.save()
    return report

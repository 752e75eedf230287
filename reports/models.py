"""A student's report of a problem with a question (a wrong key, a typo, ...), and what staff made of it."""

from django.conf import settings
from django.db import models


class ProblemReport(models.Model):
    # Enforced by reports.services.report_submit (and the textarea's maxlength), not by the column:
    # the message can then say how long the refused comment was.
    COMMENT_MAX_LENGTH = 2000

    class Kind(models.TextChoices):
        WRONG_KEY = "wrong_key", "Wrong answer key"
        TYPO = "typo", "Typo or formatting"
        OUTDATED = "outdated", "Outdated"
        UNCLEAR = "unclear", "Unclear or ambiguous"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        FIXED = "fixed", "Fixed"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problem_reports"
    )
    question = models.ForeignKey("quizzes.Question", on_delete=models.CASCADE, related_name="problem_reports")
    # The item the report was sent from: the way back to it in the review. A deleted block keeps its reports.
    item = models.ForeignKey(
        "quizzes.Item", on_delete=models.SET_NULL, null=True, blank=True, related_name="problem_reports"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    comment = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # Written by staff and shown to the student in My reports.
    staff_note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A second report of the same kind while the first is open updates it (report_submit):
            # staff see one row per student, question and kind, however often it is sent.
            models.UniqueConstraint(
                fields=["reporter", "question", "kind"],
                condition=models.Q(status="open"),
                name="report_open_once_per_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["wrong_key", "typo", "outdated", "unclear", "other"]),
                name="report_kind_known",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "accepted", "rejected", "fixed"]),
                name="report_status_known",
            ),
            # "Other" says nothing without the student's words.
            models.CheckConstraint(
                condition=~models.Q(kind="other", comment=""), name="report_other_has_comment"
            ),
        ]
        indexes = [
            # My reports: a student's reports, newest first.
            models.Index(fields=["reporter", "-created_at"], name="report_reporter_recent"),
            # The admin's default view: open reports, newest first.
            models.Index(fields=["status", "-created_at"], name="report_status_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display().lower()}) on {self.question_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from reports.models import ProblemReport
from reports.selectors import open_duplicate_exists
from reports.services import report_review, reports_resolve

Status = ProblemReport.Status


class ProblemReportForm(forms.ModelForm):
    class Meta:
        model = ProblemReport
        fields = ["status", "staff_note"]
        widgets = {"staff_note": forms.Textarea(attrs={"rows": 4})}

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        # The model form cannot check the one-open-report constraint: its other fields are read-only here.
        if (
            status == Status.OPEN
            and self.instance.status != Status.OPEN
            and open_duplicate_exists(report=self.instance)
        ):
            raise forms.ValidationError(
                "This student has another open report of this kind on this question: "
                "resolve that one instead."
            )
        return status


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    """Students write reports; staff resolve them and may write the note the student sees."""

    form = ProblemReportForm
    list_display = [
        "id",
        "question_link",
        "kind",
        "status",
        "reporter",
        "created_at",
        "resolved_by",
        "resolved_at",
    ]
    list_display_links = ["id"]
    list_filter = ["status", "kind", "question__subject", "question__system"]
    list_select_related = ["question", "reporter", "resolved_by"]
    search_fields = ["question__external_id", "reporter__username"]
    search_help_text = "A question ID (or part of one), or the reporter's username."
    actions = ["accept", "reject", "mark_fixed"]

    class Media:
        css = {"all": ["css/admin-extra.css"]}

    ordering = ["-created_at"]
    fields = [
        "question_link",
        "question_figures",
        "item",
        "reporter",
        "kind",
        "comment",
        "created_at",
        "status",
        "staff_note",
        "resolved_by",
        "resolved_at",
        "updated_at",
    ]
    readonly_fields = [
        "question_link",
        "question_figures",
        "item",
        "reporter",
        "kind",
        "comment",
        "created_at",
        "resolved_by",
        "resolved_at",
        "updated_at",
    ]

    @admin.display(description="Question", ordering="question__external_id")
    def question_link(self, report: ProblemReport) -> str:
        url = reverse("admin:quizzes_question_change", args=[report.question_id])
        return format_html('<a href="{}">{}</a>', url, report.question.external_id)

    @admin.display(description="How the item performs (first attempts)")
    def question_figures(self, report: ProblemReport) -> str:
        """The item analysis beside the report: a "wrong key" report on an item whose top students
        prefer a distractor is read differently from one on an item that discriminates well."""
        from faculty.selectors import question_statistic_for

        statistic = question_statistic_for(report.question_id)
        if statistic is None or not statistic.attempts:
            return "No first attempts counted yet."
        flags = ", ".join(label for flagged, label in (
            (statistic.flag_likely_wrong_key, "likely wrong key"),
            (statistic.flag_too_easy, "too easy"),
            (statistic.flag_too_hard, "too hard"),
            (statistic.flag_dead_distractor, "a distractor nobody chooses"),
        ) if flagged)  # fmt: skip
        discrimination = (
            f"{statistic.discrimination:.2f}" if statistic.discrimination is not None else "not enough data"
        )
        return format_html(
            'n {}, {} % correct, discrimination {}, {} open report(s){}. <a href="{}">Item analysis</a>',
            statistic.attempts,
            round(statistic.facility or 0),
            discrimination,
            statistic.open_reports,
            f"; flags: {flags}" if flags else "",
            reverse("admin:faculty_questionstatistic_changelist"),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ProblemReport, form, change: bool) -> None:
        saved = report_review(
            report_id=obj.pk,
            status=form.cleaned_data["status"],
            staff_note=form.cleaned_data["staff_note"],
            reviewed_by=request.user,
        )
        obj.resolved_by, obj.resolved_at, obj.staff_note = (
            saved.resolved_by,
            saved.resolved_at,
            saved.staff_note,
        )

    def _resolve(self, request: HttpRequest, queryset, status: str, done: str) -> None:
        changed = reports_resolve(reports=queryset, status=status, resolved_by=request.user)
        self.message_user(request, f"{changed} report{'s' if changed != 1 else ''} {done}.", messages.SUCCESS)

    @admin.action(description="Accept selected reports", permissions=["change"])
    def accept(self, request: HttpRequest, queryset) -> None:
        self._resolve(request, queryset, Status.ACCEPTED, "accepted")

    @admin.action(description="Reject selected reports", permissions=["change"])
    def reject(self, request: HttpRequest, queryset) -> None:
        self._resolve(request, queryset, Status.REJECTED, "rejected")

    @admin.action(description="Mark selected reports fixed", permissions=["change"])
    def mark_fixed(self, request: HttpRequest, queryset) -> None:
        self._resolve(request, queryset, Status.FIXED, "marked fixed")

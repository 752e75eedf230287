"""The faculty pages inside the admin (faculty.admin wraps each in admin_site.admin_view: staff only,
second factor verified, CSRF-protected, never cached)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from faculty import exports
from faculty.forms import ItemAnalysisFilterForm
from faculty.item_analysis import (
    DEAD_DISTRACTOR_BELOW,
    FLAG_MIN_ATTEMPTS,
    GROUP_SHARE,
    TOO_EASY_ABOVE,
    TOO_HARD_BELOW,
)
from faculty.models import FLAGS
from faculty.selectors import (
    ACTIVE_DAYS,
    INACTIVE_DAYS,
    LOW_ACCURACY_BELOW,
    LOW_ACCURACY_MIN_ATTEMPTS,
    SORTS,
    bank_statistic,
    cohort_figures,
    cohort_question_results,
    cohort_taught_by,
    cohorts_taught_by,
    item_analysis_is_queued,
    question_statistics,
    student_results,
)
from faculty.services import ITEM_ANALYSIS_MAX_AGE, item_analysis_queue, item_analysis_queue_if_stale

PAGE_SIZE = 100
LISTED_STUDENTS = 50  # per list on a dashboard; the CSV has every student
# The sortable columns in the table's order, with their headings.
SORT_HEADINGS = {
    "id": "ID",
    "subject": "Subject",
    "system": "System",
    "status": "Status",
    "n": "n",
    "facility": "Facility",
    "discrimination": "Discrimination",
    "time": "Mean time",
    "reports": "Open reports",
}
assert SORT_HEADINGS.keys() == SORTS.keys()  # noqa: S101 - a column added to one must be added to the other


def _context(request: HttpRequest, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


def _sort_headings(params: dict[str, str], sort: str) -> list[dict]:
    """Each heading's link says in words which way it sorts, and the current column which way it is sorted."""
    current, descending = sort.removeprefix("-"), sort.startswith("-")
    headings = []
    for name, label in SORT_HEADINGS.items():
        is_current = name == current
        next_descending = is_current and not descending
        query = {**params, "o": f"-{name}" if next_descending else name}
        query.pop("page", None)
        headings.append(
            {
                "name": name,
                "label": label,
                "href": "?" + urlencode(query),
                "sorted": ("descending" if descending else "ascending") if is_current else "",
                "action": "sort descending" if next_descending else "sort ascending",
            }
        )
    return headings


@require_GET
def item_analysis(request: HttpRequest) -> HttpResponse:
    form = ItemAnalysisFilterForm(request.GET)
    if not form.is_valid():
        context = _context(request, "Item analysis", form=form)
        return TemplateResponse(request, "faculty/item_analysis_bad_filter.html", context, status=400)
    filters = form.filters()
    bank = bank_statistic()
    computed_at = bank.computed_at if bank else None
    queued = item_analysis_queue_if_stale(computed_at=computed_at) or item_analysis_is_queued()
    page = Paginator(question_statistics(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    params = {key: value for key, value in request.GET.items() if key in form.fields and value}
    context = _context(
        request,
        "Item analysis",
        form=form,
        page=page,
        bank=bank,
        computed_at=computed_at,
        queued=queued,
        postgresql=connection.vendor == "postgresql",
        database_vendor=connection.display_name,
        max_age_minutes=int(ITEM_ANALYSIS_MAX_AGE.total_seconds() // 60),
        headings=_sort_headings(params, filters.sort),
        query=urlencode(params),
        flags=list(FLAGS),
        group_percent=round(GROUP_SHARE * 100),
        thresholds={
            "min_attempts": FLAG_MIN_ATTEMPTS,
            "easy": TOO_EASY_ABOVE,
            "hard": TOO_HARD_BELOW,
            "dead": DEAD_DISTRACTOR_BELOW,
        },
        letters=["A", "B", "C", "D", "E", "F", "Omitted"],
    )
    return TemplateResponse(request, "faculty/item_analysis.html", context)


@require_GET
def item_analysis_csv(request: HttpRequest) -> HttpResponse:
    form = ItemAnalysisFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            exports.form_errors_text(form), status=400, content_type="text/plain; charset=utf-8"
        )
    rows = question_statistics(form.filters())
    return exports.csv_response(
        f"item-analysis-{timezone.now():%Y%m%d-%H%M}.csv",
        exports.ITEM_ANALYSIS_HEADER,
        exports.item_rows(rows),
    )


@require_POST
def item_analysis_refresh_now(request: HttpRequest) -> HttpResponse:
    if item_analysis_queue():
        messages.success(request, "A refresh is queued; the figures update when the task worker has run it.")
    else:
        messages.info(request, "A refresh is already queued or running.")
    return redirect(reverse("admin:faculty_questionstatistic_changelist"))


@require_GET
def cohort_list(request: HttpRequest) -> HttpResponse:
    cohorts = list(cohorts_taught_by(user=request.user))
    return TemplateResponse(
        request, "faculty/cohort_list.html", _context(request, "Cohort dashboards", cohorts=cohorts)
    )


@require_GET
def cohort_dashboard(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_taught_by(user=request.user, cohort_id=cohort_id)
    figures = cohort_figures(cohort=cohort)
    context = _context(
        request,
        f"Cohort dashboard: {cohort.name}",
        cohort=cohort,
        figures=figures,
        active_days=ACTIVE_DAYS,
        inactive_days=INACTIVE_DAYS,
        low_accuracy_below=LOW_ACCURACY_BELOW,
        low_accuracy_min_attempts=LOW_ACCURACY_MIN_ATTEMPTS,
        inactive_caption=f"Students with no answer in {INACTIVE_DAYS} days, or none yet",
        low_accuracy_caption=(
            f"Students below {LOW_ACCURACY_BELOW} % over {LOW_ACCURACY_MIN_ATTEMPTS} or more first attempts"
        ),
        listed=LISTED_STUDENTS,
    )
    return TemplateResponse(request, "faculty/cohort_dashboard.html", context)


@require_GET
def cohort_students_csv(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_taught_by(user=request.user, cohort_id=cohort_id)
    return exports.csv_response(
        f"{cohort.slug}-students.csv",
        exports.STUDENT_HEADER,
        exports.student_rows(student_results(cohort=cohort)),
    )


@require_GET
def cohort_questions_csv(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_taught_by(user=request.user, cohort_id=cohort_id)
    return exports.csv_response(
        f"{cohort.slug}-questions.csv",
        exports.COHORT_QUESTION_HEADER,
        exports.cohort_question_rows(cohort_question_results(cohort=cohort)),
    )

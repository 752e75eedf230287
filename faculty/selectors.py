"""Reads for the faculty pages: the stored item analysis, filtered and sorted as the admin page asks,
and a cohort's dashboard (who teaches which cohort decides who sees it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Cohort, User
from faculty.models import FLAGS, BankStatistic, QuestionStatistic
from faculty.tasks import QUEUED_KEY
from quizzes.models import Item, UserQuestion

# ?o= names and the column behind each; "-name" sorts descending. Blanks (no attempts) sort last both ways.
SORTS = {
    "id": "question_id",
    "subject": "question__subject__name",
    "system": "question__system__name",
    "status": "question__status",
    "n": "attempts",
    "facility": "facility",
    "discrimination": "discrimination",
    "time": "mean_time_ms",
    "reports": "open_reports",
}
DEFAULT_SORT = "id"
# What the table and the CSV show of a question: never its stem or explanation.
_QUESTION_FIELDS = (
    "question__external_id",
    "question__status",
    "question__subject__name",
    "question__system__name",
)


@dataclass(frozen=True)
class ItemAnalysisFilters:
    subject: str = ""  # slug
    system: str = ""  # slug
    status: str = ""
    flag: str = ""  # a key of faculty.models.FLAGS
    sort: str = DEFAULT_SORT  # a key of SORTS, "-" in front for descending


def question_statistic_for(question_id: int) -> QuestionStatistic | None:
    """One question's figures as of the last refresh (None before its first), for its admin form and
    its reports."""
    return QuestionStatistic.objects.filter(question_id=question_id).first()


def question_statistics(filters: ItemAnalysisFilters) -> QuerySet[QuestionStatistic]:
    """The item analysis rows, filtered and sorted (ties by question id)."""
    rows = QuestionStatistic.objects.select_related("question__subject", "question__system")
    rows = rows.only(*[field.name for field in QuestionStatistic._meta.concrete_fields], *_QUESTION_FIELDS)
    if filters.subject:
        rows = rows.filter(question__subject__slug=filters.subject)
    if filters.system:
        rows = rows.filter(question__system__slug=filters.system)
    if filters.status:
        rows = rows.filter(question__status=filters.status)
    if filters.flag:
        rows = rows.filter(**{FLAGS[filters.flag]: True})
    name = filters.sort.removeprefix("-")
    column = F(SORTS[name])
    order = column.desc(nulls_last=True) if filters.sort.startswith("-") else column.asc(nulls_last=True)
    return rows.order_by(order, "question_id")


def bank_statistic(*, cohort_id: int | None = None) -> BankStatistic | None:
    """KR-20 of the whole bank (no cohort) or of one cohort, as of the last refresh."""
    if cohort_id is None:
        return BankStatistic.objects.filter(cohort__isnull=True).first()
    return BankStatistic.objects.filter(cohort_id=cohort_id).first()


def item_analysis_is_queued() -> bool:
    return cache.get(QUEUED_KEY) is not None


# --- Cohort dashboards ------------------------------------------------------------------------

ACTIVE_DAYS = 7  # "active this week"
INACTIVE_DAYS = 14  # "low activity": no answer for this long (or never)
LOW_ACCURACY_BELOW = 50  # percent of first attempts correct ...
LOW_ACCURACY_MIN_ATTEMPTS = 20  # ... over at least this many
WEAK_AREA_MIN_ATTEMPTS = (
    20  # an area needs this many of the cohort's first attempts to rank among the weakest
)
WEAKEST_AREAS = 3


def cohorts_taught_by(*, user: User) -> QuerySet[Cohort]:
    """The cohorts a staff member teaches (Cohort.faculty); a superuser sees every cohort."""
    cohorts = Cohort.objects.all() if user.is_superuser else Cohort.objects.filter(faculty=user)
    return cohorts.annotate(student_count=Count("students", distinct=True)).order_by("name")


def cohort_taught_by(*, user: User, cohort_id: int) -> Cohort:
    """The cohort if this staff member teaches it; 404 otherwise, as for anyone else's object."""
    return get_object_or_404(cohorts_taught_by(user=user), pk=cohort_id)


@dataclass(frozen=True)
class StudentResult:
    user_id: int
    username: str
    display_name: str
    attempts: int  # first attempts
    correct: int
    omitted: int
    last_active: datetime | None  # the student's latest answer (omitted items are not answers)

    @property
    def accuracy(self) -> float | None:
        return 100 * self.correct / self.attempts if self.attempts else None


def student_results(*, cohort: Cohort) -> list[StudentResult]:
    """Every student of the cohort, hidden from the public boards or not, by username (one query)."""
    first = Q(question_history__first_answered_at__isnull=False)
    latest_answer = (
        Item.objects.filter(block__owner=OuterRef("pk"), answered_at__isnull=False)
        .order_by("-answered_at")
        .values("answered_at")[:1]
    )
    rows = (
        User.objects.filter(cohort=cohort)
        .annotate(
            attempts=Count("question_history", filter=first),
            correct=Count("question_history", filter=first & Q(question_history__first_correct=True)),
            omitted=Count("question_history", filter=first & Q(question_history__first_omitted=True)),
            last_active=Subquery(latest_answer),
        )
        .order_by("username")
        .values_list("pk", "username", "display_name", "attempts", "correct", "omitted", "last_active")
    )
    return [StudentResult(*row) for row in rows]


@dataclass(frozen=True)
class AreaAccuracy:
    kind: str  # "subject" or "system"
    name: str
    attempts: int  # the cohort's first attempts in the area
    correct: int
    school_attempts: int  # everyone's, as of the last item analysis refresh
    school_correct: int

    @property
    def accuracy(self) -> float | None:
        return 100 * self.correct / self.attempts if self.attempts else None

    @property
    def school_accuracy(self) -> float | None:
        return 100 * self.school_correct / self.school_attempts if self.school_attempts else None


def _area_accuracy(*, cohort: Cohort, kind: str) -> list[AreaAccuracy]:
    """The cohort's first-attempt accuracy per subject (or system), live, beside the whole school's
    from the stored item analysis (summing its 20,000 rows, not the millions of first attempts)."""
    area = f"question__{kind}"
    cohort_rows = (
        UserQuestion.objects.filter(user__cohort=cohort, first_answered_at__isnull=False)
        .values(f"{area}__name")
        .annotate(attempts=Count("pk"), correct=Count("pk", filter=Q(first_correct=True)))
        .values_list(f"{area}__name", "attempts", "correct")
    )
    school_rows = (
        QuestionStatistic.objects.values(f"{area}__name")
        .annotate(attempts=Sum("attempts"), correct=Sum("correct"))
        .values_list(f"{area}__name", "attempts", "correct")
    )
    school = {name: (attempts, correct) for name, attempts, correct in school_rows}
    areas = [
        AreaAccuracy(kind, name, attempts, correct, *school.get(name, (0, 0)))
        for name, attempts, correct in cohort_rows
    ]
    return sorted(areas, key=lambda area: area.name)


@dataclass(frozen=True)
class CohortFigures:
    cohort: Cohort
    students: list[StudentResult]
    subjects: list[AreaAccuracy]
    systems: list[AreaAccuracy]
    reliability: BankStatistic | None
    computed_at: datetime | None  # of the school figures and the reliability
    now: datetime

    @property
    def active_this_week(self) -> int:
        since = self.now - timedelta(days=ACTIVE_DAYS)
        return sum(1 for student in self.students if student.last_active and student.last_active >= since)

    @property
    def weakest(self) -> list[AreaAccuracy]:
        ranked = [area for area in self.subjects + self.systems if area.attempts >= WEAK_AREA_MIN_ATTEMPTS]
        return sorted(ranked, key=lambda area: (area.accuracy, -area.attempts, area.name))[:WEAKEST_AREAS]

    @property
    def low_activity(self) -> list[StudentResult]:
        since = self.now - timedelta(days=INACTIVE_DAYS)
        return [
            student for student in self.students if not student.last_active or student.last_active < since
        ]

    @property
    def low_accuracy(self) -> list[StudentResult]:
        return [
            student
            for student in self.students
            if student.attempts >= LOW_ACCURACY_MIN_ATTEMPTS and student.accuracy < LOW_ACCURACY_BELOW
        ]


def cohort_figures(*, cohort: Cohort) -> CohortFigures:
    """What a cohort's teachers see: six queries whatever the cohort's size."""
    bank = bank_statistic()
    return CohortFigures(
        cohort=cohort,
        students=student_results(cohort=cohort),
        subjects=_area_accuracy(cohort=cohort, kind="subject"),
        systems=_area_accuracy(cohort=cohort, kind="system"),
        reliability=bank_statistic(cohort_id=cohort.pk),
        computed_at=bank.computed_at if bank else None,
        now=timezone.now(),
    )


@dataclass(frozen=True)
class CohortQuestionResult:
    question_id: int
    external_id: str
    attempts: int  # the cohort's first attempts
    correct: int
    school_facility: float | None  # percent, as of the last refresh

    @property
    def facility(self) -> float | None:
        return 100 * self.correct / self.attempts if self.attempts else None


def cohort_question_results(*, cohort: Cohort) -> list[CohortQuestionResult]:
    """Per question the cohort attempted: its facility within the cohort beside the school's (one query)."""
    rows = (
        UserQuestion.objects.filter(user__cohort=cohort, first_answered_at__isnull=False)
        .values("question_id", "question__external_id", "question__statistic__facility")
        .annotate(attempts=Count("pk"), correct=Count("pk", filter=Q(first_correct=True)))
        .order_by("question_id")
        .values_list(
            "question_id", "question__external_id", "attempts", "correct", "question__statistic__facility"
        )
    )
    return [CohortQuestionResult(*row) for row in rows]

"""What /stats/ shows a student: accuracy by subject and system, usage, time, trend.

Statistics count final answers given since the student's last history reset;
the score counts first attempts, which a reset never touches.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from accounts.models import User
from quizzes.bank_cache import bank_cached
from quizzes.lifecycle import final_attempts
from quizzes.models import Block, Item, Question, UserQuestion


@dataclass(frozen=True)
class AccuracyRow:
    name: str
    answered: int
    correct: int
    omitted: int = 0
    standing: object = None  # leaderboard.selectors.AreaStanding (set by the /stats/ view)

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.answered) if self.answered else 0


@dataclass(frozen=True)
class TrendPoint:
    block_id: int
    percent: int
    x: float
    y: float


@dataclass(frozen=True)
class Performance:
    answered: int
    correct: int
    average_ms: int
    score: int
    used: int
    published: int
    by_subject: list[AccuracyRow]
    by_system: list[AccuracyRow]
    trend: list[TrendPoint]
    omitted: int = 0
    first_attempts: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.answered) if self.answered else 0

    @property
    def first_attempt_percent(self) -> int | None:
        """The boards' accuracy: first attempts right of first attempts (omitted ones included)."""
        return round(100 * self.score / self.first_attempts) if self.first_attempts else None

    @property
    def remaining(self) -> int:
        return max(0, self.published - self.used)

    @property
    def trend_points(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.trend)


TREND_BLOCKS = 20
TREND_WIDTH, TREND_HEIGHT = 300, 100


def final_answers(*, user: User) -> QuerySet[Item]:
    """Answers that are final (quizzes.lifecycle): tutor answers, and answers in finished timed blocks."""
    items = Item.objects.filter(block__owner=user, answered_at__isnull=False).filter(final_attempts())
    if user.history_reset_at:
        items = items.filter(answered_at__gte=user.history_reset_at)
    return items


def omitted_items(*, user: User) -> QuerySet[Item]:
    """Items left unanswered when their block finished (since the last reset): spent, incorrect."""
    items = Item.objects.filter(block__owner=user, omitted=True)
    if user.history_reset_at:
        items = items.filter(block__finished_at__gte=user.history_reset_at)
    return items


def _accuracy(cells, column: int, omitted: dict[str, int]) -> list[AccuracyRow]:
    """Roll the (subject, system) cells up to one row per subject or per system, by name."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for cell in cells:
        totals[cell[column]][0] += cell[2]
        totals[cell[column]][1] += cell[3]
    for name in omitted:
        totals[name]  # a subject seen only as omitted items still gets its row
    return [
        AccuracyRow(name, answered, correct, omitted.get(name, 0))
        for name, (answered, correct) in sorted(totals.items())
    ]


def _trend(user: User) -> list[TrendPoint]:
    blocks = Block.objects.filter(owner=user, finished_at__isnull=False)
    if user.history_reset_at:
        blocks = blocks.filter(created_at__gte=user.history_reset_at)
    recent = list(
        blocks.order_by("-finished_at").values_list("id", "correct_count", "item_count")[:TREND_BLOCKS]
    )[::-1]
    step = TREND_WIDTH / (len(recent) - 1) if len(recent) > 1 else 0
    points = []
    for index, (block_id, correct, total) in enumerate(recent):
        percent = round(100 * (correct or 0) / total)
        points.append(
            TrendPoint(block_id, percent, index * step, TREND_HEIGHT - percent * TREND_HEIGHT / 100)
        )
    return points


def performance_for(*, user: User) -> Performance:
    """Five queries, however much the student has answered (the published count is cached)."""
    # One grouped query gives the totals and both breakdowns: (subject, system, answered, correct, ms).
    cells = list(
        final_answers(user=user)
        .values_list("question__subject__name", "question__system__name")
        .annotate(
            answered=Count("id"), correct=Count("id", filter=Q(is_correct=True)), ms=Sum("time_spent_ms")
        )
        .order_by()
    )
    answered = sum(cell[2] for cell in cells)
    omitted_cells = list(
        omitted_items(user=user)
        .values_list("question__subject__name", "question__system__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    omitted_by_subject: dict[str, int] = defaultdict(int)
    omitted_by_system: dict[str, int] = defaultdict(int)
    for subject, system, n in omitted_cells:
        omitted_by_subject[subject] += n
        omitted_by_system[system] += n
    history = UserQuestion.objects.filter(user=user).aggregate(
        score=Count("id", filter=Q(first_correct=True)),
        used=Count("id", filter=Q(seen=True, question__status=Question.Status.PUBLISHED)),
        first_attempts=Count("id", filter=Q(first_answered_at__isnull=False)),
    )
    return Performance(
        answered=answered,
        correct=sum(cell[3] for cell in cells),
        average_ms=sum(cell[4] or 0 for cell in cells) // answered if answered else 0,
        score=history["score"],
        used=history["used"],
        published=bank_cached("published-count", lambda: Question.objects.published().count()),
        by_subject=_accuracy(cells, 0, omitted_by_subject),
        by_system=_accuracy(cells, 1, omitted_by_system),
        trend=_trend(user),
        omitted=sum(omitted_by_subject.values()),
        first_attempts=history["first_attempts"],
    )

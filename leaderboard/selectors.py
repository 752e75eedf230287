"""Reading the boards: a page of ranked rows, and a student's own exact rank.

Redis sorted sets answer both in O(log N) when they are complete; otherwise
PostgreSQL answers from the same aggregates (slower at depth, never wrong).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Cohort, User
from leaderboard import sorted_sets
from leaderboard.models import AllTimeScore, SubjectScore, WeeklyScore
from leaderboard.ranking import week_of
from quizzes.models import Subject

PAGE_SIZE = 50
RANK_PERCENTILE_MIN = 10


@dataclass(frozen=True)
class Board:
    period: str  # "all" or "week"
    week: date | None = None
    subject: Subject | None = None
    cohort: Cohort | None = None

    @classmethod
    def of(
        cls, *, period: str = "all", subject: Subject | None = None, cohort: Cohort | None = None
    ) -> Board:
        # Subject boards are all-time: there is no per-subject weekly aggregate.
        if subject is not None:
            period = "all"
        week = week_of(timezone.now()) if period == "week" else None
        return cls(period=period, week=week, subject=subject, cohort=cohort)

    @property
    def kind(self) -> str:
        return "subject" if self.subject else ("week" if self.period == "week" else "all")

    @property
    def scope(self) -> object:
        return self.subject.pk if self.subject else self.week

    @property
    def redis_key(self) -> str:
        return sorted_sets.board_key(self.kind, self.scope, self.cohort.pk if self.cohort else None)

    @property
    def cache_id(self) -> str:
        return f"{self.kind}:{self.scope}:{self.cohort.pk if self.cohort else '-'}"

    def scoped_rows(self) -> QuerySet:
        """The aggregate rows of this board's period or subject, hidden students and every cohort included."""
        if self.subject:
            return SubjectScore.objects.filter(subject=self.subject)
        if self.week:
            return WeeklyScore.objects.filter(week=self.week)
        return AllTimeScore.objects.all()

    def rows(self) -> QuerySet:
        """Every row shown on this board, in PostgreSQL."""
        rows = self.scoped_rows().filter(visible=True)
        return rows.filter(cohort=self.cohort) if self.cohort else rows

    def row_of(self, user: User):
        """This student's row on this board (hidden or not), or None if they have no first attempt on it."""
        return self.scoped_rows().filter(user=user).first()


class NoSuchBoard(ValueError):
    """The period, subject or cohort asked for names no board; the message says which."""


def board_for(*, period: str = "all", subject_slug: str = "", cohort_slug: str = "") -> Board:
    """The board the page's filters (or the API's) name; NoSuchBoard when one of them names nothing."""
    period = period or "all"
    if period not in ("all", "week"):
        raise NoSuchBoard("The period must be “all” or “week”.")
    subject = cohort = None
    if subject_slug:
        subject = Subject.objects.filter(slug=subject_slug).first()
        if subject is None:
            raise NoSuchBoard("There is no such subject.")
    if cohort_slug:
        cohort = Cohort.objects.filter(slug=cohort_slug).first()
        if cohort is None:
            raise NoSuchBoard("There is no such cohort.")
    return Board.of(period=period, subject=subject, cohort=cohort)


ORDER = ["-rank_key", "user_id"]


@dataclass(frozen=True)
class BoardRow:
    rank: int
    user_id: int
    name: str
    cohort: str
    score: int
    answered: int

    @property
    def accuracy(self) -> int:
        return round(100 * self.score / self.answered) if self.answered else 0


@dataclass(frozen=True)
class BoardPage:
    rows: list[BoardRow]
    total: int
    number: int
    source: str  # "redis" or "postgresql"

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def _rows_for(board: Board, user_ids: list[int], first_rank: int) -> list[BoardRow]:
    # The ids already come from this board, so look the rows up by their unique
    # (user, week/subject) key alone: repeating the cohort and visibility filters
    # only tempts the planner into scanning the cohort's whole index.
    rows = {
        row.user_id: row
        for row in board.scoped_rows()
        .filter(user_id__in=user_ids)
        .select_related("user", "user__cohort")
        .only(
            "user_id",
            "score",
            "answered",
            "visible",
            "user__username",
            "user__display_name",
            "user__cohort__name",
        )
    }
    return [
        BoardRow(
            rank=first_rank + index,
            user_id=user_id,
            name=rows[user_id].user.public_name,
            cohort=rows[user_id].user.cohort.name if rows[user_id].user.cohort else "",
            score=rows[user_id].score,
            answered=rows[user_id].answered,
        )
        for index, user_id in enumerate(user_ids)
        # A second defence: a student PostgreSQL says is hidden is never shown, even if the mirror lags.
        if user_id in rows and rows[user_id].visible
    ]


def leaderboard_page(*, board: Board, page: int) -> BoardPage:
    """Page `page` (1-based, clamped to the last page) of the board."""
    redis = sorted_sets.ready_client()
    if redis is not None:
        try:
            total = redis.zcard(board.redis_key)
            page = max(1, min(page, max(1, -(-total // PAGE_SIZE))))
            start = (page - 1) * PAGE_SIZE
            members = redis.zrevrange(board.redis_key, start, start + PAGE_SIZE - 1)
            user_ids = [sorted_sets.user_of(m) for m in members]
            return BoardPage(_rows_for(board, user_ids, start + 1), total, page, "redis")
        except Exception:
            sorted_sets.trip()
    # PostgreSQL: a page by OFFSET over the board's index. Slower deep down,
    # which is why Redis answers whenever it can.
    rows = board.rows()
    total = rows.count()
    page = max(1, min(page, max(1, -(-total // PAGE_SIZE))))
    start = (page - 1) * PAGE_SIZE
    user_ids = list(rows.order_by(*ORDER).values_list("user_id", flat=True)[start : start + PAGE_SIZE])
    return BoardPage(_rows_for(board, user_ids, start + 1), total, page, "postgresql")


@dataclass(frozen=True)
class Position:
    rank: int
    total: int  # students on the board, counting this one even when hidden
    row: BoardRow
    hidden: bool

    @property
    def page(self) -> int:
        return (self.rank - 1) // PAGE_SIZE + 1

    @property
    def percentile_shown(self) -> bool:
        """ "Better than 100 % of students" on a board of one says nothing: shown from RANK_PERCENTILE_MIN."""
        return self.total >= RANK_PERCENTILE_MIN

    @property
    def better_than_percent(self) -> int:
        """Share of the other students on the board ranked below this one."""
        if self.total <= 1:
            return 100
        return round(100 * (self.total - self.rank) / (self.total - 1))


def rank_of(*, board: Board, user: User) -> Position | None:
    """The student's exact rank on the board (None before their first attempt there)."""
    row = board.row_of(user)
    if row is None:
        return None
    if board.cohort and row.cohort_id != board.cohort.pk:
        return None
    hidden = not row.visible
    rank, total = _rank_from_redis(board, user, row, hidden)
    if rank is None:
        ahead = board.rows().filter(
            Q(rank_key__gt=row.rank_key) | Q(rank_key=row.rank_key, user_id__lt=user.pk)
        )
        rank, total = ahead.count() + 1, board.rows().count() + (1 if hidden else 0)
    own = BoardRow(
        rank=rank,
        user_id=user.pk,
        name=user.public_name,
        cohort=user.cohort.name if user.cohort else "",
        score=row.score,
        answered=row.answered,
    )
    return Position(rank=rank, total=total, row=own, hidden=hidden)


def rows_with_own(*, rows: list[BoardRow], user_id: int, position: Position | None) -> tuple[list, bool]:
    """A (cached) page's rows with the student's own as it is now, so a page never contradicts itself:
    hidden, or not on this board, their row is taken out; visible, it is their live row. Also returns
    whether it is on the page. (The board page applies the same rule to its cached HTML: views._own_row.)"""
    shown, on_page = [], False
    for row in rows:
        if row.user_id != user_id:
            shown.append(row)
        elif position is not None and not position.hidden:
            shown.append(position.row)
            on_page = True
    return shown, on_page


def _rank_from_redis(board: Board, user: User, row, hidden: bool) -> tuple[int | None, int]:
    redis = sorted_sets.ready_client()
    if redis is None:
        return None, 0
    key, member = board.redis_key, sorted_sets.member(user.pk)
    try:
        if hidden:
            # Where the student would stand: everyone strictly ahead, plus equal keys with lower ids.
            ahead = redis.zcount(key, f"({row.rank_key}", "+inf")
            ties = redis.zrangebyscore(key, row.rank_key, row.rank_key)
            ahead += sum(1 for m in ties if sorted_sets.user_of(m) < user.pk)
            return ahead + 1, redis.zcard(key) + 1
        pipe = redis.pipeline(transaction=False)
        pipe.zscore(key, member)
        pipe.zrevrank(key, member)
        pipe.zcard(key)
        score, rank, total = pipe.execute()
        if score is None or int(score) != row.rank_key:
            # Self-heal: the mirror missed a write (Redis was briefly away). PostgreSQL is right.
            redis.zadd(key, {member: row.rank_key})
            rank, total = redis.zrevrank(key, member), redis.zcard(key)
        return rank + 1, total
    except Exception:
        sorted_sets.trip()
        return None, 0


# --- Percentile by subject and by system ----------------------------------------------------

# A student's accuracy in a subject or system is compared only among students with this many
# first attempts there (fewer say more about luck), and only when there are this many of them.
PERCENTILE_MIN_ANSWERS = 10
PERCENTILE_MIN_STUDENTS = 10
SUBJECT_PERCENTILE_MIN_ANSWERS = PERCENTILE_MIN_ANSWERS  # the name /stats/ used first


@dataclass(frozen=True)
class AreaStanding:
    """Where a student's first-attempt accuracy in one subject or system stands among other students'."""

    accuracy: int
    answered: int
    peers: int  # students with enough first attempts there, this one included
    better_than_percent: int | None  # None below PERCENTILE_MIN_STUDENTS peers or answers

    @property
    def shown(self) -> bool:
        return self.better_than_percent is not None

    @property
    def others(self) -> int:
        return max(0, self.peers - 1)


SubjectStanding = AreaStanding


def _standing(accuracy: int, answered: int, counts: list[int] | None) -> AreaStanding:
    counts = counts or [0] * 101
    peers = sum(counts)
    better = None
    if answered >= PERCENTILE_MIN_ANSWERS and peers >= PERCENTILE_MIN_STUDENTS:
        others = peers - 1  # the histogram includes this student, at their own bucket
        below = sum(counts[:accuracy])
        ties = max(0, counts[accuracy] - 1)
        better = round(100 * (below + ties / 2) / others) if others else 100
    return AreaStanding(accuracy, answered, peers, better)


def area_standings(*, user: User) -> tuple[dict[str, AreaStanding], dict[str, AreaStanding]]:
    """By subject name and by system name: the student's first-attempt accuracy and the share of
    qualifying peers it beats (ties count half). Two small queries over the student's own rows;
    the peers' spread is a histogram the task worker refreshes (`peer_spread_refresh`), so a
    page never waits on the millions of rows behind it (before its first run: no percentiles)."""
    from django.db.models import Count, Q

    from leaderboard.tasks import spread_cached
    from quizzes.models import UserQuestion

    spread = spread_cached()
    by_subject = {
        name: _standing(100 * score // answered, answered, spread["subject"].get(name))
        for name, score, answered in SubjectScore.objects.filter(user=user, answered__gt=0).values_list(
            "subject__name", "score", "answered"
        )
    }
    systems = (
        UserQuestion.objects.filter(user=user, first_answered_at__isnull=False)
        .values_list("question__system__name")
        .annotate(n=Count("id"), right=Count("id", filter=Q(first_correct=True)))
        .order_by()
    )
    by_system = {
        name: _standing(100 * right // n, n, spread["system"].get(name)) for name, n, right in systems
    }
    return by_subject, by_system

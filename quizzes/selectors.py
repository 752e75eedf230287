"""Reads of the question bank and of blocks that carry a rule.

Students only ever see published questions, only their own blocks, and
never the key of an item before it may be shown.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from quizzes import lifecycle
from quizzes.bank_cache import bank_cached
from quizzes.models import Block, Choice, Item, Question, Subject, System, UserQuestion


def published_questions() -> QuerySet[Question]:
    return Question.objects.published()


@dataclass(frozen=True)
class TaxonomyCount:
    name: str
    slug: str
    count: int


@dataclass(frozen=True)
class BankCounts:
    total: int
    by_system: list[TaxonomyCount]
    by_subject: list[TaxonomyCount]


def bank_counts() -> BankCounts:
    """Published questions per system and per subject (cached until the bank changes)."""
    return bank_cached("counts", _bank_counts)


def _bank_counts() -> BankCounts:
    published = Q(questions__status=Question.Status.PUBLISHED)

    def counts(model: type[Subject] | type[System]) -> list[TaxonomyCount]:
        rows = model.objects.annotate(count=Count("questions", filter=published)).filter(count__gt=0)
        return [TaxonomyCount(row.name, row.slug, row.count) for row in rows]

    by_system = counts(System)
    return BankCounts(
        total=sum(row.count for row in by_system),
        by_system=by_system,
        by_subject=counts(Subject),
    )


# --- Pools ----------------------------------------------------------------


def pool_questions(
    *,
    user: User,
    pool: str,
    subject_ids: Iterable[int] = (),
    system_ids: Iterable[int] = (),
) -> QuerySet[Question]:
    """Published questions in the student's pool, filtered by subjects and systems (none = all)."""
    questions = Question.objects.published()
    subject_ids, system_ids = list(subject_ids), list(system_ids)
    if subject_ids:
        questions = questions.filter(subject_id__in=subject_ids)
    if system_ids:
        questions = questions.filter(system_id__in=system_ids)
    history = UserQuestion.objects.filter(user=user, question=OuterRef("pk"))
    if pool == Block.Pool.UNUSED:
        questions = questions.exclude(Exists(history.filter(seen=True)))
    elif pool == Block.Pool.INCORRECT:
        questions = questions.filter(Exists(history.filter(last_correct=False, last_omitted=False)))
    elif pool == Block.Pool.OMITTED:
        questions = questions.filter(Exists(history.filter(last_omitted=True)))
    elif pool == Block.Pool.FLAGGED:
        questions = questions.filter(Exists(history.filter(flagged=True)))
    return questions


@dataclass(frozen=True)
class PoolCounts:
    matching: int
    by_subject: dict[int, int]
    by_system: dict[int, int]
    held: int = 0  # would match, but sit in the student's open blocks (one open block per question)


def pool_counts(*, user: User, pool: str, subject_ids: list[int], system_ids: list[int]) -> PoolCounts:
    """How many questions each box would offer a new block, and how many match the whole choice.

    A subject's count respects the ticked systems and a system's count the
    ticked subjects, so the numbers answer "what do I get if I tick this too".
    Questions in the student's open blocks are not drawable, so they are left
    out and counted apart (`held`). The "all" pool is the same for everyone,
    so its counts are cached and only the student's open items are subtracted.
    """
    held = _held_counts(user, pool, subject_ids, system_ids)
    if pool == Block.Pool.ALL:
        key = f"pool-all:{sorted(subject_ids)}:{sorted(system_ids)}"
        everyone = bank_cached(key, lambda: _pool_counts(user, pool, subject_ids, system_ids))
        return PoolCounts(
            matching=everyone.matching - held.matching,
            by_subject=_minus(everyone.by_subject, held.by_subject),
            by_system=_minus(everyone.by_system, held.by_system),
            held=held.matching,
        )
    drawable = _pool_counts(user, pool, subject_ids, system_ids, drawable_only=True)
    return PoolCounts(drawable.matching, drawable.by_subject, drawable.by_system, held=held.matching)


def _minus(counts: dict[int, int], less: dict[int, int]) -> dict[int, int]:
    return {key: count - less.get(key, 0) for key, count in counts.items()}


def _held_counts(user: User, pool: str, subject_ids: list[int], system_ids: list[int]) -> PoolCounts:
    """The same counts over the pool's questions that sit in the student's open blocks (at most a few
    hundred rows: one grouped query)."""
    cells = list(
        pool_questions(user=user, pool=pool)
        .filter(pk__in=lifecycle.open_block_items(user=user).values("question_id"))
        .values_list("subject_id", "system_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_subject: dict[int, int] = defaultdict(int)
    by_system: dict[int, int] = defaultdict(int)
    matching = 0
    for subject_id, system_id, n in cells:
        subject_ok = not subject_ids or subject_id in subject_ids
        system_ok = not system_ids or system_id in system_ids
        if system_ok:
            by_subject[subject_id] += n
        if subject_ok:
            by_system[system_id] += n
        if subject_ok and system_ok:
            matching += n
    return PoolCounts(matching=matching, by_subject=dict(by_subject), by_system=dict(by_system))


def _pool_counts(
    user: User, pool: str, subject_ids: list[int], system_ids: list[int], *, drawable_only: bool = False
) -> PoolCounts:
    def questions(**filters) -> QuerySet[Question]:
        found = pool_questions(user=user, pool=pool, **filters)
        return lifecycle.questions_drawable(found, user=user) if drawable_only else found

    by_subject = dict(
        questions(system_ids=system_ids).values_list("subject_id").annotate(n=Count("id")).order_by()
    )
    by_system = dict(
        questions(subject_ids=subject_ids).values_list("system_id").annotate(n=Count("id")).order_by()
    )
    if subject_ids:
        matching = sum(count for subject_id, count in by_subject.items() if subject_id in subject_ids)
    else:
        matching = sum(by_subject.values())
    return PoolCounts(matching=matching, by_subject=by_subject, by_system=by_system)


def draw_question_ids(questions: QuerySet[Question], size: int) -> list[int]:
    """Up to `size` distinct question ids, uniformly at random, in random order.

    Reads only the ids of the candidates (an index-only scan) and samples in
    Python: no ORDER BY random() sorting whole rows. docs/PERFORMANCE.md has
    the figure for 20,000 questions and a student with 5,000 answered.
    """
    ids = list(questions.order_by().values_list("id", flat=True))
    return random.sample(ids, min(size, len(ids)))


# --- Blocks ---------------------------------------------------------------


def block_for_owner(*, block_id: int, user: User) -> Block:
    """The block, or 404 for anyone but its owner (never 403: no hint it exists)."""
    block = get_object_or_404(Block, pk=block_id, owner=user)
    block.owner = user  # known now: whatever reads the owner later needs no query
    return block


def blocks_for_owner(*, user: User) -> QuerySet[Block]:
    return Block.objects.filter(owner=user).order_by("-created_at", "-id")


def block_item(*, block: Block, position: int) -> Item:
    return get_object_or_404(
        Item.objects.select_related("question"),
        block=block,
        position=position,
    )


def item_choices(*, item: Item) -> QuerySet[Choice]:
    """Unevaluated: the question page runs it only when its cached question body misses."""
    return item.question.choices.all()


@dataclass(frozen=True)
class NavigatorCell:
    position: int
    answered: bool
    flagged: bool
    time_spent_ms: int = 0


def block_navigator(*, block: Block) -> list[NavigatorCell]:
    rows = block.items.order_by("position").values_list(
        "position", "chosen_letter", "flagged", "time_spent_ms"
    )
    return [
        NavigatorCell(position, bool(letter), flagged, spent) for position, letter, flagged, spent in rows
    ]


def first_unanswered_position(*, block: Block) -> int:
    position = (
        block.items.filter(chosen_letter="").order_by("position").values_list("position", flat=True).first()
    )
    return position or 1


def review_items(*, block: Block) -> list[Item]:
    """Every item of the block with its question, subject, system and choices, in four queries."""
    return list(
        block.items.select_related("question", "question__subject", "question__system")
        .prefetch_related("question__choices")
        .order_by("position")
    )


def review_breakdown(items: list[Item], key) -> list[dict]:
    """The review's right-of-total per subject or system (`key` names a question's), by name."""
    rows = defaultdict(lambda: {"total": 0, "correct": 0})
    for item in items:
        row = rows[key(item.question)]
        row["total"] += 1
        row["correct"] += bool(item.is_correct)
    return [
        {"name": name, **row, "percent": round(100 * row["correct"] / row["total"])}
        for name, row in sorted(rows.items())
    ]


# Below this many answered first attempts a share says more about chance than about the question.
PEER_SHARES_MIN = 10


@dataclass(frozen=True)
class PeerShares:
    """How all students' answered first attempts at one question split over its letters."""

    total: int = 0
    percents: dict[str, int] | None = None

    @property
    def shown(self) -> bool:
        return self.total >= PEER_SHARES_MIN

    @property
    def needed(self) -> int:
        return PEER_SHARES_MIN

    def percent(self, letter: str) -> int:
        return (self.percents or {}).get(letter, 0)


NO_SHARES = PeerShares()


def peer_shares(*, question_ids: Iterable[int]) -> dict[int, PeerShares]:
    """Per question, the percentage of all students' answered first attempts that chose each letter.

    Omitted first attempts chose nothing, so they are left out of the shares;
    below PEER_SHARES_MIN answers the page shows the count, not percentages.
    """
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        UserQuestion.objects.filter(question_id__in=list(question_ids), first_answered_at__isnull=False)
        .exclude(first_letter="")
        .values_list("question_id", "first_letter")
        .annotate(n=Count("id"))
        .order_by()
    )
    for question_id, letter, n in rows:
        counts[question_id][letter] = n
    shares = {}
    for question_id, letters in counts.items():
        total = sum(letters.values())
        percents = {letter: round(100 * n / total) for letter, n in letters.items()}
        shares[question_id] = PeerShares(total=total, percents=percents)
    return shares

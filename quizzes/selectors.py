"""Reads of the question bank that carry a rule: students only ever see published questions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from quizzes.models import Question, Subject, System


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
    """Published questions per system and per subject, in two grouped queries."""
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

"""Writes to the question bank: render, import, publish."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from quizzes.bank_cache import bank_changed
from quizzes.images import image_keys_in
from quizzes.markdown import render_markdown
from quizzes.models import Choice, Question, Subject, System, Taxonomy
from quizzes.question_format import QuestionData
from quizzes.services.images import images_by_key


def question_render(*, question: Question, images: dict | None = None) -> None:
    """Refresh the sanitised HTML from the Markdown; call before every save that edits text.

    `images` (key -> QuestionImage) saves the lookup when an import renders many questions at once.
    """
    if images is None:
        images = images_by_key(image_keys_in(question.stem, question.explanation))
    question.stem_html = render_markdown(question.stem, images=images)
    question.explanation_html = render_markdown(question.explanation, images=images)


def taxonomy_get_or_create(*, model: type[Taxonomy], name: str) -> Taxonomy:
    existing = model.objects.filter(name__iexact=name).first()
    if existing:
        return existing
    slug = slugify(name.replace("/", " "))
    item, _ = model.objects.get_or_create(slug=slug, defaults={"name": name})
    return item


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def questions_import(*, questions: list[QuestionData], images: dict | None = None) -> ImportResult:
    """Create or update each question by external_id; identical questions are left untouched.

    The caller validated the whole file first (question_format.parse_bank), so
    this either writes every question or, on any database error, none.
    """
    result = ImportResult()
    if images is None:  # one lookup for every image the file's questions refer to
        images = images_by_key(
            image_keys_in(*(text for data in questions for text in (data.stem, data.explanation)))
        )
    subjects: dict[str, Subject] = {}
    systems: dict[str, System] = {}
    existing = {
        question.external_id: question
        for question in Question.objects.filter(
            external_id__in=[data.external_id for data in questions]
        ).prefetch_related("choices")
    }
    for data in questions:
        if data.subject not in subjects:
            subjects[data.subject] = taxonomy_get_or_create(model=Subject, name=data.subject)
        if data.system not in systems:
            systems[data.system] = taxonomy_get_or_create(model=System, name=data.system)
        outcome = _question_upsert(
            data=data,
            question=existing.get(data.external_id),
            subject=subjects[data.subject],
            system=systems[data.system],
            images=images,
        )
        setattr(result, outcome, getattr(result, outcome) + 1)
    if result.created or result.updated:
        transaction.on_commit(bank_changed)
    return result


def _question_upsert(
    *, data: QuestionData, question: Question | None, subject: Subject, system: System, images: dict
) -> str:
    fields = {
        "stem": data.stem,
        "lead_in": data.lead_in,
        "explanation": data.explanation,
        "educational_objective": data.objective,
        "subject_id": subject.id,
        "system_id": system.id,
        "difficulty": data.difficulty,
        "status": data.status,
    }
    wanted_choices = {(c.letter, c.text, c.is_correct) for c in data.choices}
    if question is None:
        question = Question(external_id=data.external_id, **fields)
        question_render(question=question, images=images)
        question.save()
        Choice.objects.bulk_create(
            Choice(question=question, letter=c.letter, text=c.text, is_correct=c.is_correct)
            for c in data.choices
        )
        return "created"

    current_choices = {(c.letter, c.text, c.is_correct) for c in question.choices.all()}
    if current_choices == wanted_choices and all(
        getattr(question, name) == value for name, value in fields.items()
    ):
        return "unchanged"
    for name, value in fields.items():
        setattr(question, name, value)
    question_render(question=question, images=images)
    question.save()
    question.choices.all().delete()
    Choice.objects.bulk_create(
        Choice(question=question, letter=c.letter, text=c.text, is_correct=c.is_correct) for c in data.choices
    )
    return "updated"


def questions_set_status(*, questions: QuerySet[Question], status: str) -> int:
    """Publish or unpublish many questions at once; returns how many changed."""
    changed = questions.exclude(status=status).update(status=status, updated_at=timezone.now())
    if changed:
        transaction.on_commit(bank_changed)
    return changed

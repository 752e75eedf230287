"""The JSON format questions are imported and exported in (docs/QUESTION_FORMAT.md).

Parsing never touches the database: it returns plain data and one problem
line per mistake, so a bad file can be rejected whole before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from quizzes.models import Question
from quizzes.question_rules import ChoiceData, choice_problems

FORMAT = "usmle-quiz/1"
_TEXT_LIMITS = {"external_id": 100, "subject": 80, "system": 80, "lead_in": 300}
_REQUIRED_TEXT = ["external_id", "subject", "system", "stem", "lead_in", "explanation", "objective"]


@dataclass(frozen=True)
class QuestionData:
    external_id: str
    subject: str
    system: str
    difficulty: int
    status: str
    stem: str
    lead_in: str
    choices: tuple[ChoiceData, ...]
    explanation: str
    objective: str


class BankFormatError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def parse_bank(raw: str | bytes) -> list[QuestionData]:
    """Every question in the file, or BankFormatError listing every problem."""
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise BankFormatError([f"not valid JSON: {error}"]) from None
    if not isinstance(document, dict) or not isinstance(document.get("questions"), list):
        raise BankFormatError(['the file must be an object with a "questions" list'])
    if document.get("format", FORMAT) != FORMAT:
        raise BankFormatError([f'unknown format {document.get("format")!r}; expected "{FORMAT}"'])

    questions, problems, seen = [], [], {}
    for number, item in enumerate(document["questions"], start=1):
        question, item_problems = _parse_item(item)
        external_id = item.get("external_id") if isinstance(item, dict) else None
        if isinstance(external_id, str) and external_id.strip():
            first = seen.setdefault(external_id.strip(), number)
            if first != number:
                item_problems.append(f"external_id {external_id.strip()!r} is already used by item {first}")
        problems.extend(f"item {number}: {problem}" for problem in item_problems)
        if question and not item_problems:
            questions.append(question)
    if problems:
        raise BankFormatError(problems)
    return questions


def _parse_item(item: Any) -> tuple[QuestionData | None, list[str]]:
    if not isinstance(item, dict):
        return None, ["must be an object"]
    problems = []
    for key in _REQUIRED_TEXT:
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f'"{key}" must be a non-empty string')
        elif key in _TEXT_LIMITS and len(value.strip()) > _TEXT_LIMITS[key]:
            problems.append(f'"{key}" must be at most {_TEXT_LIMITS[key]} characters')
    difficulty = item.get("difficulty", 3)
    if isinstance(difficulty, bool) or not isinstance(difficulty, int) or not 1 <= difficulty <= 5:
        problems.append('"difficulty" must be a whole number from 1 to 5')
    status = item.get("status", Question.Status.PUBLISHED)
    if status not in Question.Status.values:
        problems.append(f'"status" must be "draft" or "published", not {status!r}')
    choices = _parse_choices(item.get("choices"), problems)
    if problems:
        return None, problems
    return (
        QuestionData(
            external_id=item["external_id"].strip(),
            subject=item["subject"].strip(),
            system=item["system"].strip(),
            difficulty=difficulty,
            status=status,
            stem=item["stem"].strip(),
            lead_in=item["lead_in"].strip(),
            choices=choices,
            explanation=item["explanation"].strip(),
            objective=item["objective"].strip(),
        ),
        [],
    )


def _parse_choices(raw: Any, problems: list[str]) -> tuple[ChoiceData, ...]:
    if not isinstance(raw, list):
        problems.append('"choices" must be a list')
        return ()
    choices = []
    for position, choice in enumerate(raw, start=1):
        if (
            not isinstance(choice, dict)
            or not isinstance(choice.get("letter"), str)
            or not isinstance(choice.get("text"), str)
            or not isinstance(choice.get("correct", False), bool)
        ):
            problems.append(f'choice {position} needs "letter" and "text" strings and a true/false "correct"')
            continue
        choices.append(
            ChoiceData(choice["letter"].strip().upper(), choice["text"].strip(), choice.get("correct", False))
        )
    problems.extend(choice_problems(choices))
    return tuple(sorted(choices, key=lambda choice: choice.letter))


def dump_bank(questions: Iterable[Question]) -> dict:
    """The file for these questions (choices prefetched, subject and system selected)."""
    return {
        "format": FORMAT,
        "questions": [
            {
                "external_id": question.external_id,
                "subject": question.subject.name,
                "system": question.system.name,
                "difficulty": question.difficulty,
                "status": question.status,
                "stem": question.stem,
                "lead_in": question.lead_in,
                "choices": [
                    {"letter": choice.letter, "text": choice.text, "correct": choice.is_correct}
                    for choice in question.choices.all()
                ],
                "explanation": question.explanation,
                "objective": question.educational_objective,
            }
            for question in questions
        ],
    }

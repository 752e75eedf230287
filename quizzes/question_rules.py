"""The invariants every question's choices obey, in one place.

The admin's inline formset, the importer and the services all call
`choice_problems`; PostgreSQL enforces the same rules again at commit.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from quizzes.models import LETTERS, MAX_CHOICES, MIN_CHOICES


@dataclass(frozen=True)
class ChoiceData:
    letter: str
    text: str
    is_correct: bool


def choice_problems(choices: Iterable[ChoiceData]) -> list[str]:
    choices = list(choices)
    problems = []
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        problems.append(f"a question needs {MIN_CHOICES} to {MAX_CHOICES} choices, not {len(choices)}")
    letters = Counter(choice.letter for choice in choices)
    bad_letters = sorted(letter for letter in letters if letter not in LETTERS)
    if bad_letters:
        problems.append(f"choice letters must be A-F, not {', '.join(map(repr, bad_letters))}")
    duplicates = sorted(letter for letter, count in letters.items() if count > 1)
    if duplicates:
        problems.append(f"choice letter {', '.join(duplicates)} is used more than once")
    if any(not choice.text.strip() for choice in choices):
        problems.append("every choice needs text")
    correct = sum(1 for choice in choices if choice.is_correct)
    if correct != 1:
        problems.append(f"exactly one choice must be correct, not {correct}")
    return problems

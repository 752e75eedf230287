"""Aiken: the simplest multiple-choice text format, one question per paragraph.

    A 24-year-old woman has fatigue and a microcytic anemia. Which of the following is most likely low?
    A. Ferritin
    B) Haptoglobin
    C. Vitamin B12
    D. Folate
    ANSWER: A

Aiken has no explanation, subject, system or objective: the explanation and objective come in
empty (said in the mapping line), the subject and system from the import's defaults.
"""

from __future__ import annotations

import re

from quizzes.formats.candidates import (
    BankBuilder,
    Candidate,
    ImportOptions,
    ParsedBank,
    decode_text,
    describe,
    short_title,
)
from quizzes.formats.mapping import TaxonomyHints
from quizzes.formats.markup import split_lead_in
from quizzes.question_rules import ChoiceData

_OPTION = re.compile(r"^\s*([A-Z])\s*[.)]\s+(\S.*?)\s*$")
_ANSWER = re.compile(r"^\s*ANSWER\s*:\s*(\S*)\s*$", re.IGNORECASE)


def parse_aiken(raw: bytes, options: ImportOptions) -> ParsedBank:
    text = decode_text(raw)
    builder = BankBuilder(options, id_prefix="aiken")
    for number, (first_line, lines) in enumerate(_blocks(text), start=1):
        _add_question(builder, number, first_line, lines)
    return builder.result()


def _blocks(text: str):
    """(line number, lines) per question: a blank line or an ANSWER: line ends one."""
    lines: list[str] = []
    start = 0
    for line_number, line in enumerate([*text.splitlines(), ""], start=1):
        if line.strip():
            if not lines:
                start = line_number
            lines.append(line)
            if not _ANSWER.match(line):
                continue
        if lines:
            yield start, lines
        lines = []


def _add_question(builder: BankBuilder, number: int, first_line: int, lines: list[str]) -> None:
    label = f"question {number}"
    question_lines: list[str] = []
    options: list[tuple[str, str]] = []
    answer = None
    problems = []
    for offset, line in enumerate(lines):
        option, answered = _OPTION.match(line), _ANSWER.match(line)
        if answered:
            answer = answered.group(1).upper()
        elif option and (options or question_lines):
            options.append((option.group(1), option.group(2)))
        elif not options:
            question_lines.append(line.strip())
        else:
            problems.append(
                f'line {first_line + offset}: expected an option ("A. text") or "ANSWER: B", '
                f'not "{short_title(line)}"'
            )
    question = "\n".join(question_lines)
    title = short_title(question)
    letters = [letter for letter, _ in options]
    expected = [chr(ord("A") + index) for index in range(len(letters))]
    if letters != expected:
        problems.append(
            f"the options must be lettered {', '.join(expected) or 'A, B, ...'} in order, "
            f"not {', '.join(letters)}"
        )
    explained = ()
    if answer is None:
        problems.append('no "ANSWER:" line')
        explained = ("exactly one choice",)
    elif answer not in letters:
        shown = f"{letters[0]}-{letters[-1]}" if letters else "none"
        problems.append(f"ANSWER: {answer or '(empty)'} names no option (the options are {shown})")
        explained = ("exactly one choice",)
    split = split_lead_in(question, html=False)
    if split is None:
        problems.append('no lead-in: the question has no sentence ending in "?"')
    stem, lead_in = split or (question, "")
    if not options:
        builder.problem(f"{describe(label, title)}: " + "; ".join([*problems, "no options"]))
        return
    builder.add(
        Candidate(
            label=label,
            title=title,
            stem=stem,
            lead_in=lead_in,
            choices=[ChoiceData(letter, text, letter == answer) for letter, text in options],
            explanation="",
            hints=TaxonomyHints(),
            explanation_optional=True,
            explained=explained,
            problems=problems,
        )
    )

"""Questions as a file gives them, checked against the bank's rules in one place for every format.

Each parser turns its items into `Candidate`s (plus skip lines for question types the bank cannot
hold); `BankBuilder` then names the subject and system, fills what the file cannot say from the
import options (saying so in a mapping line), checks every rule and either returns the whole
`ParsedBank` or raises `BankFormatError` listing every problem.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from quizzes.formats.mapping import TaxonomyHints, taxonomy_resolve
from quizzes.models import LETTERS, Question, Subject
from quizzes.question_format import BankFormatError, QuestionData
from quizzes.question_rules import ChoiceData, choice_problems

# Bigger than any bank faculty export (the 110-question demo bank is ~250 KB) and small enough that a
# parse never holds much memory; the upload view reads it to refuse larger files with a 413.
MAX_FILE_BYTES = 20 * 1024 * 1024
# The column sizes, read from the models so a migration that widens one widens the check too.
EXTERNAL_ID_LIMIT = Question._meta.get_field("external_id").max_length
LEAD_IN_LIMIT = Question._meta.get_field("lead_in").max_length
TAXONOMY_LIMIT = Subject._meta.get_field("name").max_length


@dataclass(frozen=True)
class ImportOptions:
    known_subjects: tuple[
        str, ...
    ] = ()  # names already in the bank (the caller reads the DB; parsers never do)
    known_systems: tuple[str, ...] = ()
    default_subject: str = ""  # used when the file gives none; if empty and none found -> a problem line
    default_system: str = ""
    default_difficulty: int = 3
    status: str = "draft"  # external formats import as draft unless the faculty member chooses otherwise


@dataclass
class ParsedBank:
    questions: list[QuestionData] = field(default_factory=list)  # ready for quizzes.services.questions_import
    skipped: list[str] = field(default_factory=list)  # one line per question not imported, and why
    mapping: list[str] = field(default_factory=list)  # one line per question: where subject/system came from
    attachments: dict[str, bytes] = field(default_factory=dict)  # embedded files by the name the text uses


@dataclass
class Candidate:
    """One question read from a file, before the bank's rules are checked."""

    label: str  # how messages name it: "question 3", "row 4"
    title: str
    stem: str
    lead_in: str
    choices: list[ChoiceData]
    explanation: str
    objective: str = ""
    external_id: str = ""  # empty: made from a hash of the content
    hints: TaxonomyHints = field(default_factory=TaxonomyHints)
    difficulty: int | None = None  # None: the format cannot say; the import option is used
    difficulty_source: str = "tag"
    status: str | None = None
    status_source: str = "tag"
    # Aiken cannot carry an explanation at all; the question comes in (as a draft) with a visible note.
    explanation_optional: bool = False
    missing_explanation: str = "the explanation is empty"
    # Choice rules the parser already explained in its own words ("ANSWER: F names no option"), so
    # choice_problems' echo of them ("exactly one choice must be correct, not 0") is left out.
    explained: tuple[str, ...] = ()
    problems: list[str] = field(default_factory=list)  # what the parser already found wrong


def check_size(raw: bytes) -> None:
    if len(raw) > MAX_FILE_BYTES:
        megabytes = len(raw) / 1024 / 1024
        raise BankFormatError(
            [f"the file is {megabytes:.1f} MB; at most {MAX_FILE_BYTES // 1024 // 1024} MB"]
        )


def describe(label: str, title: str) -> str:
    return f'{label} "{title}"' if title else label


def short_title(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def content_id(prefix: str, candidate: Candidate) -> str:
    """The same question text and choices always give the same id, so importing a file again
    updates what the first import made instead of adding copies."""
    parts = [candidate.stem, candidate.lead_in, *(choice.text for choice in candidate.choices)]
    digest = hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()
    return f"{prefix}-{digest[:12]}"


def lettered_choices(texts_and_correct: list[tuple[str, bool]]) -> list[ChoiceData]:
    """Choices lettered A, B, ... in file order (past F the letters go on, and the rules say so)."""
    letters = LETTERS + "GHIJKLMNOPQRSTUVWXYZ"
    return [
        ChoiceData(letters[index] if index < len(letters) else "?", text, correct)
        for index, (text, correct) in enumerate(texts_and_correct)
    ]


class BankBuilder:
    def __init__(self, options: ImportOptions, *, id_prefix: str):
        self.options = options
        self.id_prefix = id_prefix
        self.bank = ParsedBank()
        self.problems: list[str] = []
        self._ids: dict[str, str] = {}

    def skip(self, label: str, title: str, kind: str, reason: str) -> None:
        self.bank.skipped.append(f"{describe(label, title)} ({kind}): {reason}")

    def problem(self, line: str) -> None:
        self.problems.append(line)

    def add(self, candidate: Candidate) -> None:
        name = describe(candidate.label, candidate.title)
        problems = list(candidate.problems)
        options = self.options
        subject, subject_note = taxonomy_resolve(
            "subject", candidate.hints, options.known_subjects, options.default_subject, problems
        )
        system, system_note = taxonomy_resolve(
            "system", candidate.hints, options.known_systems, options.default_system, problems
        )
        for kind, value in (("subject", subject), ("system", system)):
            if len(value) > TAXONOMY_LIMIT:
                problems.append(f"the {kind} name is {len(value)} characters; at most {TAXONOMY_LIMIT}")
        difficulty, difficulty_source = candidate.difficulty, candidate.difficulty_source
        if difficulty is None:
            difficulty, difficulty_source = options.default_difficulty, "default"
        status, status_source = candidate.status, candidate.status_source
        if status is None:
            status, status_source = options.status, "default"
        problems.extend(_text_problems(candidate))
        external_id = candidate.external_id.strip()
        if len(external_id) > EXTERNAL_ID_LIMIT:
            problems.append(f"the id is {len(external_id)} characters; at most {EXTERNAL_ID_LIMIT}")
        hashed = not external_id
        external_id = external_id or content_id(self.id_prefix, candidate)
        first = self._ids.setdefault(external_id, name)
        if first != name:
            problems.append(
                f"the same question text and choices as {first}"
                if hashed
                else f"id {external_id!r} is already used by {first}"
            )
        if problems:
            self.problems.extend(f"{name}: {problem}" for problem in problems)
            return
        notes = [
            f"subject {subject} ({subject_note})",
            f"system {system} ({system_note})",
            f"difficulty {difficulty} ({difficulty_source})",
            f"status {status} ({status_source})",
        ]
        if not candidate.explanation.strip():
            notes.append("no explanation (the format has none)")
        if not candidate.objective.strip():
            notes.append("no educational objective")
        self.bank.mapping.append(f"{name}: {', '.join(notes)}")
        self.bank.questions.append(
            QuestionData(
                external_id=external_id,
                subject=subject,
                system=system,
                difficulty=difficulty,
                status=status,
                stem=candidate.stem.strip(),
                lead_in=candidate.lead_in.strip(),
                choices=tuple(sorted(candidate.choices, key=lambda choice: choice.letter)),
                explanation=candidate.explanation.strip(),
                objective=candidate.objective.strip(),
            )
        )

    def result(self) -> ParsedBank:
        if self.problems:
            raise BankFormatError(self.problems)
        return self.bank


def _text_problems(candidate: Candidate) -> list[str]:
    problems = []
    lead_in = candidate.lead_in.strip()
    if lead_in and not candidate.stem.strip():
        problems.append("nothing comes before the lead-in: a question needs a vignette (stem)")
    if len(lead_in) > LEAD_IN_LIMIT:
        problems.append(f"the lead-in is {len(lead_in)} characters; at most {LEAD_IN_LIMIT}")
    if not candidate.explanation.strip() and not candidate.explanation_optional:
        problems.append(candidate.missing_explanation)
    found = choice_problems(candidate.choices)
    explained = candidate.explained
    if len(candidate.choices) > len(LETTERS):
        explained = (*explained, "choice letters")  # the count is the mistake; letters past F its echo
    found = [problem for problem in found if not problem.startswith(explained or ("\0",))]
    problems.extend(found)
    return problems


def decode_text(raw: bytes) -> str:
    """A text format's bytes as text (UTF-8, with or without a BOM), or the whole file refused."""
    check_size(raw)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BankFormatError([f"the file is not UTF-8 text (byte {error.start})"]) from None

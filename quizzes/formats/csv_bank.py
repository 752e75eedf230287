"""CSV: one question per row, for banks kept in a spreadsheet (docs/QUESTION_FORMAT.md lists the columns).

UTF-8 with or without a BOM (Excel writes one), comma-separated, a header row first. Rows are named
as the spreadsheet numbers them: the header is row 1, the first question row 2.
"""

from __future__ import annotations

import csv
import io

from quizzes.formats.candidates import (
    BankBuilder,
    Candidate,
    ImportOptions,
    ParsedBank,
    check_size,
    short_title,
)
from quizzes.formats.mapping import TaxonomyHints
from quizzes.formats.markup import image_problems
from quizzes.models import LETTERS
from quizzes.question_format import BankFormatError
from quizzes.question_rules import ChoiceData

CHOICE_COLUMNS = tuple(f"choice_{letter.lower()}" for letter in LETTERS)
REQUIRED_COLUMNS = ("stem", "lead_in", *CHOICE_COLUMNS[:4], "answer", "explanation")
OPTIONAL_COLUMNS = (
    "external_id",
    "subject",
    "system",
    "difficulty",
    "status",
    "objective",
    *CHOICE_COLUMNS[4:],
)
COLUMNS = (
    "external_id", "subject", "system", "difficulty", "status", "stem", "lead_in", *CHOICE_COLUMNS,
    "answer", "explanation", "objective",
)  # fmt: skip


def parse_csv(raw: bytes, options: ImportOptions) -> ParsedBank:
    check_size(raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BankFormatError(
            [f"the file is not UTF-8 text (byte {error.start}); save it as CSV UTF-8"]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        columns = _check_header(header)
        builder = BankBuilder(options, id_prefix="csv")
        for row_number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue  # spreadsheets leave empty rows at the end
            _add_row(builder, row_number, row, header, columns)
    except csv.Error as error:
        raise BankFormatError([f"not valid CSV: {error}"]) from None
    return builder.result()


def _check_header(header: list[str]) -> dict[str, int]:
    if not any(header):
        raise BankFormatError(["the file is empty: the first row must name the columns"])
    problems = []
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        problems.append(
            f"unknown column {', '.join(repr(name) for name in unknown)}; "
            f"the columns are {', '.join(COLUMNS)}"
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        problems.append(f"column {', '.join(repr(name) for name in repeated)} appears more than once")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        problems.append(f"missing column {', '.join(repr(name) for name in missing)}")
    if problems:
        raise BankFormatError(problems)
    return {name: index for index, name in enumerate(header)}


def _add_row(builder: BankBuilder, number: int, row: list[str], header: list[str], columns: dict) -> None:
    def cell(name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    problems = []
    explained: tuple[str, ...] = ()
    if len(row) > len(header):
        problems.append(f"the row has {len(row)} cells but the header names {len(header)} columns")
    texts = [cell(name) for name in CHOICE_COLUMNS]
    while texts and not texts[-1]:
        texts.pop()
    if "" in texts:
        gap = CHOICE_COLUMNS[texts.index("")]
        problems.append(
            f"{gap} is empty but a later choice is not: choices fill choice_a, choice_b, ... in order"
        )
        explained += ("every choice needs text",)
    answer = cell("answer").upper()
    if answer not in LETTERS[: len(texts)] or len(answer) != 1:
        problems.append(
            f"answer must be the letter of a choice (A-{LETTERS[max(len(texts), 1) - 1]}), "
            f'not "{cell("answer")}"'
        )
        explained += ("exactly one choice",)
    choices = [ChoiceData(LETTERS[index], text, LETTERS[index] == answer) for index, text in enumerate(texts)]
    difficulty = None
    if cell("difficulty"):
        if cell("difficulty").isdigit() and 1 <= int(cell("difficulty")) <= 5:
            difficulty = int(cell("difficulty"))
        else:
            problems.append(f'difficulty must be a whole number from 1 to 5, not "{cell("difficulty")}"')
    status = cell("status").lower() or None
    if status not in (None, "draft", "published"):
        problems.append(f'status must be draft or published, not "{cell("status")}"')
    if not cell("lead_in"):
        problems.append("lead_in is empty")
    for name in ("stem", "explanation", *CHOICE_COLUMNS):
        problems += image_problems(cell(name), name)
    builder.add(
        Candidate(
            label=f"row {number}",
            title=short_title(cell("external_id") or cell("stem")),
            stem=cell("stem"),
            lead_in=cell("lead_in"),
            choices=choices,
            explanation=cell("explanation"),
            objective=cell("objective"),
            external_id=cell("external_id"),
            hints=TaxonomyHints(
                explicit_subject=cell("subject"), explicit_system=cell("system"), explicit_source="column"
            ),
            difficulty=difficulty,
            difficulty_source="column",
            status=status,
            status_source="column",
            explained=explained,
            problems=problems,
        )
    )

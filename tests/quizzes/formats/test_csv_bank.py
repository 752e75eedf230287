"""Reading CSV (quizzes.formats.csv_bank): pure parsing, no database."""

import re

import pytest

from quizzes.formats import CSV_COLUMNS, BankFormatError, parse_questions
from tests.quizzes.formats.samples import options, read


def parse(raw: bytes, **changes):
    return parse_questions(raw, format="csv", options=options(**changes))


def problems_of(raw: bytes, **changes) -> list[str]:
    with pytest.raises(BankFormatError) as error:
        parse(raw, **changes)
    return error.value.problems


@pytest.fixture(scope="module")
def bank():
    return parse(read("bank.csv"), default_subject="Pathology", default_system="Nervous")


def test_rows_become_questions_with_a_bom_quoted_and_multi_line_cells(bank):
    assert read("bank.csv").startswith(b"\xef\xbb\xbf")
    first, second = bank.questions
    assert first.external_id == "neuro-001"
    assert (
        first.stem.split("\n\n")[1]
        == "She asks which antiseizure drug carries the highest risk of neural tube defects."
    )
    assert second.stem.startswith('A 45-year-old man has "the worst headache of my life"')
    assert first.explanation.endswith("- **(D) Carbamazepine** also raises the risk, but less.")
    assert (
        first.objective == "Valproate is the antiseizure drug with the highest risk of neural tube defects."
    )


def test_the_answer_letter_marks_the_correct_choice_and_choice_e_is_optional(bank):
    first, second = bank.questions
    assert [(choice.letter, choice.is_correct) for choice in first.choices] == [
        ("A", False),
        ("B", False),
        ("C", True),
        ("D", False),
    ]
    assert [choice.letter for choice in second.choices] == ["A", "B", "C", "D", "E"]


def test_columns_give_subject_system_difficulty_and_status_and_empty_cells_the_defaults(bank):
    first, second = bank.questions
    assert (first.subject, first.system, first.difficulty, first.status) == (
        "Pharmacology",  # "pharmacology" in the file, spelled as the bank spells it
        "Nervous",
        4,
        "published",
    )
    assert bank.mapping == [
        'row 2 "neuro-001": subject Pharmacology (column), system Nervous (column), difficulty 4 (column), '
        "status published (column)",
        'row 3 "A 45-year-old man has "the worst headache of my life" and n…": subject Pathology (default), '
        "system Nervous (default), difficulty 3 (default), status draft (default), no educational objective",
    ]
    assert re.fullmatch(r"csv-[0-9a-f]{12}", second.external_id)
    assert second.objective == ""


def test_a_subject_column_may_name_a_new_subject():
    raw = read("bank.csv").replace(b"neuro-001,pharmacology", b"neuro-001,Neuropharmacology")
    bank = parse(raw, default_subject="Pathology", default_system="Nervous")
    assert bank.questions[0].subject == "Neuropharmacology"
    assert "subject Neuropharmacology (column, new subject)" in bank.mapping[0]


def test_unknown_or_missing_columns_reject_the_file():
    assert problems_of(read("bank_unknown_column.csv")) == [
        f"unknown column 'correct_answer', 'notes'; the columns are {', '.join(CSV_COLUMNS)}",
        "missing column 'answer'",
    ]


def test_bad_rows_are_each_named_by_their_spreadsheet_row():
    assert problems_of(read("bank_bad_rows.csv")) == [
        'row 2 "neuro-101": answer must be the letter of a choice (A-D), not "G"',
        'row 3 "neuro-102": choice_d is empty but a later choice is not: '
        "choices fill choice_a, choice_b, ... in order",
        'row 3 "neuro-102": difficulty must be a whole number from 1 to 5, not "seven"',
        'row 3 "neuro-102": status must be draft or published, not "final"',
        'row 4 "neuro-101": id \'neuro-101\' is already used by row 2 "neuro-101"',
    ]


def test_a_file_that_is_not_utf8_or_is_empty_is_refused():
    assert problems_of("stem,lead_in\nCaf\xe9,x\n".encode("latin-1")) == [
        "the file is not UTF-8 text (byte 16); save it as CSV UTF-8"
    ]
    assert problems_of(b"") == ["the file is empty: the first row must name the columns"]


def test_an_image_without_alt_text_in_a_cell_is_a_problem():
    raw = read("bank.csv").replace(b"She asks which", b"![](https://example.org/x.png) She asks which")
    assert problems_of(raw, default_subject="Pathology", default_system="Nervous") == [
        'row 2 "neuro-001": the image https://example.org/x.png in the stem has no alt text '
        "(describe what it shows)"
    ]

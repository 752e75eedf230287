"""The package's front door: parse_questions, FORMATS, detect_format and the JSON wrapper."""

import json
from pathlib import Path

import pytest

from quizzes.formats import (
    FORMATS,
    MAX_FILE_BYTES,
    BankFormatError,
    ImportOptions,
    detect_format,
    parse_questions,
)
from quizzes.formats.markup import split_lead_in, split_objective
from tests.quizzes.formats.samples import read

DEMO_BANK = Path(__file__).resolve().parents[3] / "quizzes" / "fixtures" / "demo_bank.json"


def test_every_agreed_format_has_a_parser():
    assert list(FORMATS) == ["json", "moodle", "gift", "aiken", "csv"]


def test_json_wraps_parse_bank_and_says_the_file_named_everything():
    bank = parse_questions(DEMO_BANK.read_bytes(), format="json", options=ImportOptions())
    assert len(bank.questions) == 110 and bank.skipped == [] and bank.attachments == {}
    assert (
        bank.mapping[0] == 'item 1 "demo-cv-001": subject Pharmacology (file), system Cardiovascular (file)'
    )


def test_json_problems_are_parse_banks_own():
    with pytest.raises(BankFormatError) as error:
        parse_questions(json.dumps({"questions": [{}]}).encode(), format="json", options=ImportOptions())
    assert error.value.problems[0] == 'item 1: "external_id" must be a non-empty string'


def test_an_unknown_format_is_a_problem_not_a_crash():
    with pytest.raises(BankFormatError) as error:
        parse_questions(b"x", format="docx", options=ImportOptions())
    assert error.value.problems == ["unknown format 'docx'; expected one of json, moodle, gift, aiken, csv"]


@pytest.mark.parametrize("name", ["json", "gift", "aiken", "csv"])
def test_every_format_refuses_a_file_over_the_limit(name):
    with pytest.raises(BankFormatError) as error:
        parse_questions(b"a" * (MAX_FILE_BYTES + 1), format=name, options=ImportOptions())
    assert error.value.problems == ["the file is 20.0 MB; at most 20 MB"]


@pytest.mark.parametrize(
    ("filename", "sample", "expected"),
    [
        ("bank.json", None, "json"),
        ("export.xml", "moodle_cardio_renal.xml", "moodle"),
        ("questions.txt", "gift_renal.gift", "gift"),
        ("questions.gift", "gift_renal.gift", "gift"),
        ("questions.txt", "aiken_heme.txt", "aiken"),
        ("bank.csv", "bank.csv", "csv"),
        ("upload", "bank.csv", "csv"),
        ("upload", "moodle_cardio_renal.xml", "moodle"),
        ("notes.txt", None, None),
        ("slides.pdf", None, None),
        ("feed.xml", None, None),
    ],
)
def test_detect_format_from_name_and_content(filename, sample, expected):
    raw = (
        read(sample)
        if sample
        else {"bank.json": b'{"questions": []}', "feed.xml": b"<rss/>"}.get(filename, b"Just some notes.")
    )
    assert detect_format(filename, raw) == expected


SPLITS = [
    # (question text, is HTML, stem, lead-in)
    (
        "A man has pain. Which drug, e.g. aspirin, helps?",
        False,
        "A man has pain.",
        "Which drug, e.g. aspirin, helps?",
    ),
    # A "?" inside a tag's attribute is not a question.
    ('<p>See <a href="x?y=1">it</a>. Why?</p>', True, '<p>See <a href="x?y=1">it</a>.</p>', "Why?"),
    (
        "A woman has fever.\n\n**Which of the following is *most* likely?**",
        False,
        "A woman has fever.",
        "Which of the following is *most* likely?",
    ),
    ("A boy falls. **Which bone is broken?**", False, "A boy falls.", "Which bone is broken?"),
    (
        'A nurse asks, "Is it safe?" Which is the best reply?',
        False,
        'A nurse asks, "Is it safe?"',
        "Which is the best reply?",
    ),
]


@pytest.mark.parametrize(("text", "html", "stem", "lead_in"), SPLITS)
def test_lead_in_is_the_final_bold_paragraph_or_the_last_question_sentence(text, html, stem, lead_in):
    assert split_lead_in(text, html=html) == (stem, lead_in)


def test_text_without_a_question_sentence_has_no_lead_in():
    assert split_lead_in("Choose the best drug. Use the table?x", html=False) is None


def test_objective_is_split_from_a_final_paragraph_only():
    assert split_objective("Why.\n\n**Educational objective:** One sentence.", html=False) == (
        "Why.",
        "One sentence.",
    )
    assert split_objective("The educational objective: mid-text stays.", html=False) == (
        "The educational objective: mid-text stays.",
        "",
    )
    html = "<p>Why.</p><p><strong>Educational objective:</strong> One &amp; only.</p>"
    assert split_objective(html, html=True) == ("<p>Why.</p>", "One & only.")

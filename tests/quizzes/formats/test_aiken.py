"""Reading Aiken (quizzes.formats.aiken): pure parsing, no database."""

import re

import pytest

from quizzes.formats import BankFormatError, parse_questions
from tests.quizzes.formats.samples import options, read

DEFAULTS = {"default_subject": "Pathology", "default_system": "Hematology/Oncology"}


@pytest.fixture(scope="module")
def bank():
    return parse_questions(read("aiken_heme.txt"), format="aiken", options=options(**DEFAULTS))


def test_questions_with_dot_or_parenthesis_options_and_an_answer_line_are_read(bank):
    assert len(bank.questions) == 3
    assert [choice.text for choice in bank.questions[1].choices][:2] == [
        "Decreased vibration sense in the legs",
        "Splenomegaly",
    ]
    assert [
        [choice.letter for choice in question.choices if choice.is_correct] for question in bank.questions
    ] == [
        ["A"],
        ["A"],
        ["A"],
    ]


def test_the_question_text_is_split_into_stem_and_lead_in(bank):
    first, multi_line = bank.questions[0], bank.questions[1]
    assert first.lead_in == "Which of the following serum values is most likely decreased?"
    assert first.stem.endswith("the MCV is 71 fL.")
    assert multi_line.stem == (
        "A 62-year-old man has a smooth red tongue, paresthesias of the feet and an MCV of 112 fL.\n"
        "Antibodies against intrinsic factor are present."
    )


def test_an_answer_line_ends_a_question_even_without_a_blank_line(bank):
    assert bank.questions[2].lead_in == "Which of the following is most likely seen on a peripheral smear?"


def test_what_aiken_cannot_say_comes_from_the_defaults_and_the_mapping_says_so(bank):
    assert all(question.explanation == "" and question.objective == "" for question in bank.questions)
    assert bank.mapping[0] == (
        'question 1 "A 24-year-old woman has fatigue and heavy menstrual periods…": '
        "subject Pathology (default), "
        "system Hematology/Oncology (default), difficulty 3 (default), status draft (default), "
        "no explanation (the format has none), no educational objective"
    )
    assert all(re.fullmatch(r"aiken-[0-9a-f]{12}", question.external_id) for question in bank.questions)


def test_no_answer_line_or_an_answer_naming_no_option_is_a_problem():
    with pytest.raises(BankFormatError) as error:
        parse_questions(read("aiken_broken.txt"), format="aiken", options=options(**DEFAULTS))
    assert error.value.problems == [
        'question 1 "A 19-year-old man has hemarthrosis after a minor fall. PT i…": no "ANSWER:" line',
        'question 2 "A 30-year-old woman has a DVT and a prolonged aPTT that doe…": '
        "ANSWER: F names no option "
        "(the options are A-D)",
    ]


def test_without_defaults_each_question_is_a_problem_asking_for_one():
    with pytest.raises(BankFormatError) as error:
        parse_questions(read("aiken_heme.txt"), format="aiken", options=options(default_subject="Pathology"))
    assert len(error.value.problems) == 3
    assert error.value.problems[0].endswith("no system: the file gives none; choose a default system")


def test_options_out_of_order_or_a_stray_line_are_problems():
    text = "A man has pain. Which is it?\nA. One\nC. Two\nB. Three\nnot an option\nD. Four\nANSWER: A\n"
    with pytest.raises(BankFormatError) as error:
        parse_questions(text.encode(), format="aiken", options=options(**DEFAULTS))
    assert error.value.problems == [
        'question 1 "A man has pain. Which is it?": line 5: expected an option ("A. text") or "ANSWER: B", '
        'not "not an option"',
        'question 1 "A man has pain. Which is it?": the options must be lettered A, B, C, D in order, '
        "not A, C, B, D",
    ]

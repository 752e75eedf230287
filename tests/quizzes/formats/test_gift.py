"""Reading GIFT (quizzes.formats.gift): pure parsing, no database."""

import re

import pytest

from quizzes.formats import BankFormatError, parse_questions
from tests.quizzes.formats.samples import options, read


def parse_text(text: str, **changes):
    return parse_questions(text.encode(), format="gift", options=options(**changes))


def problems_of(raw: bytes, **changes) -> list[str]:
    with pytest.raises(BankFormatError) as error:
        parse_questions(raw, format="gift", options=options(**changes))
    return error.value.problems


@pytest.fixture(scope="module")
def bank():
    return parse_questions(read("gift_renal.gift"), format="gift", options=options())


def test_multiple_choice_questions_are_read_with_titles_comments_and_categories(bank):
    assert [question.external_id for question in bank.questions][::3] == ["gift-renal-01", "gift-pharm-05"]
    assert [line.split(":")[0] for line in bank.mapping] == [
        'question 1 "Primary hyperaldosteronism"',
        'question 2 "Tubuloglomerular feedback"',
        'question 3 "Free water clearance"',
        'question 4 "A 67-year-old man starts a drug for benign prostatic hyperp…"',
    ]


def test_multi_line_text_is_split_into_stem_and_lead_in(bank):
    first = bank.questions[0]
    assert first.stem == (
        "A 44-year-old woman has hypertension (168/102 mm Hg) and muscle weakness.\n"
        "Serum K: 2.9 mEq/L, HCO₃⁻ 31 mEq/L, plasma renin activity low; arterial pH 7.48 = alkalemia."
    )
    assert first.lead_in == "Which of the following best explains her hypokalemia?"


def test_escaped_special_characters_come_back_as_themselves(bank):
    texts = [choice.text for choice in bank.questions[0].choices]
    assert "Increased activity of the Na⁺-K⁺-2Cl⁻ cotransporter {NKCC2}" in texts
    assert "Gastrointestinal loss ~ vomiting" in texts
    assert "negative # and CH₂O positive" in bank.questions[2].explanation


def test_one_equals_answer_is_correct_and_answer_feedback_joins_the_explanation(bank):
    first = bank.questions[0]
    assert [(choice.letter, choice.is_correct) for choice in first.choices] == [
        ("A", True),
        ("B", False),
        ("C", False),
        ("D", False),
        ("E", False),
    ]
    assert first.explanation.split("\n\n")[0].startswith("An aldosterone-producing adenoma")
    assert "- **(B) Decreased proximal HCO₃⁻ reabsorption**: That would cause acidosis, not alkalosis." in (
        first.explanation
    )


def test_general_feedback_ending_in_an_educational_objective_gives_the_objective(bank):
    assert bank.questions[0].objective == (
        "Aldosterone excess causes hypertension, hypokalemia and metabolic alkalosis with low renin."
    )
    assert "Educational objective" not in bank.questions[0].explanation
    assert bank.questions[1].objective == ""


def test_html_text_is_kept_and_text_after_the_answer_block_joins_the_stem(bank):
    html = bank.questions[1]
    assert html.stem == (
        "<p>In an isolated perfused nephron, NaCl delivery to the macula densa is raised.</p>\n\n"
        "<p>(Adapted from a 2019 physiology examination.)</p>"
    )
    assert html.lead_in == "Which of the following changes in the afferent arteriole follows?"
    assert html.choices[2].text == "Dilation, mediated by prostaglandin E2"  # answers are plain text


def test_markdown_text_keeps_its_table_with_escaped_line_breaks(bank):
    markdown = bank.questions[2]
    assert markdown.stem.splitlines()[2:4] == ["| Test | Value |", "|---|---|"]
    assert markdown.explanation.startswith("**Dilute urine**")


def test_id_and_tag_comments_set_the_id_difficulty_status_and_category_the_taxonomy(bank):
    assert bank.mapping[0] == (
        'question 1 "Primary hyperaldosteronism": subject Physiology (category), system Renal (category), '
        "difficulty 2 (tag), status draft (default)"
    )
    assert bank.questions[3].subject == "Pharmacology" and bank.questions[3].status == "published"


def test_questions_without_an_id_get_a_stable_hash():
    first, again = (parse_questions(read("gift_renal.gift"), format="gift", options=options()) for _ in "12")
    hashed = [
        question.external_id for question in first.questions if question.external_id.startswith("gift-")
    ]
    assert len([value for value in hashed if re.fullmatch(r"gift-[0-9a-f]{12}", value)]) == 2
    assert [q.external_id for q in first.questions] == [q.external_id for q in again.questions]


def test_other_question_types_are_skipped_with_a_reason_each(bank):
    assert bank.skipped == [
        'question 5 "Thiazides and calcium" (true/false): '
        "only single-best-answer multiple choice is imported",
        'question 6 "Name the diuretic" (short answer): only single-best-answer multiple choice is imported',
        'question 7 "Filtration fraction" (numerical): only single-best-answer multiple choice is imported',
        'question 8 "Explain the countercurrent multiplier" (essay): '
        "only single-best-answer multiple choice is imported",
        'question 9 "Diuretic sites" (weighted answers): answers with %weights% give partial credit; '
        "only single-best-answer multiple choice is imported",
        'question 10 "Match the diuretic" (matching): only single-best-answer multiple choice is imported',
        'question 11 "Reading instructions" (description): text without an answer block is not a question',
    ]


def test_a_broken_file_is_rejected_whole_with_one_line_per_problem():
    assert problems_of(read("gift_broken.gift"), default_system="Respiratory") == [
        'question 1 "Two right answers": exactly one choice must be correct, not 2',
        'question 2 "No lead-in": no lead-in: the question text has no sentence ending in "?"',
        'question 3 "No explanation": '
        "no explanation: the question has no general feedback and no answer feedback",
        'question 4 "Never closed": the answer block opened by "{" is never closed',
    ]


def test_a_category_naming_no_known_subject_without_a_default_is_a_problem():
    text = "$CATEGORY: $course$/top/Week 2\n\nA man has chest pain. Which drug helps?{=Aspirin#Yes ~B ~C ~D}"
    assert problems_of(text.encode(), default_system="Cardiovascular") == [
        'question 1 "A man has chest pain. Which drug helps?": no subject: category "$course$/top/Week 2" '
        "names none of the known subjects; choose a default subject"
    ]
    bank = parse_text(text, default_system="Cardiovascular", default_subject="pharmacology")
    assert bank.questions[0].subject == "Pharmacology"  # the default, spelled as the bank spells it
    assert "subject Pharmacology (default)" in bank.mapping[0]


def test_a_category_naming_two_known_subjects_is_a_problem_a_subject_tag_settles():
    question = "A man has chest pain. Which drug helps?{=Aspirin#Yes ~B ~C ~D}"
    text = f"$CATEGORY: $course$/top/Pathology/Pharmacology/Cardiovascular\n\n{question}"
    assert problems_of(text.encode()) == [
        'question 1 "A man has chest pain. Which drug helps?": more than one subject: category '
        '"$course$/top/Pathology/Pharmacology/Cardiovascular" names Pathology and Pharmacology; '
        "tag the question subject:Name to choose"
    ]
    bank = parse_text(text.replace("\n\n", "\n\n// [tag:subject:Pharmacology]\n"))
    assert (
        bank.mapping[0]
        .split(": ", 1)[1]
        .startswith("subject Pharmacology (tag), system Cardiovascular (category)")
    )

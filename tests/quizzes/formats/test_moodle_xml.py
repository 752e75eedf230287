"""Reading Moodle XML (quizzes.formats.moodle_xml): pure parsing, no database."""

import re

import pytest

from quizzes.formats import MAX_FILE_BYTES, PLUGINFILE_REFERENCE, BankFormatError, parse_questions
from tests.quizzes.formats.samples import PNG_SIGNATURE, options, read


def parse(name="moodle_cardio_renal.xml", **changes):
    return parse_questions(read(name), format="moodle", options=options(**changes))


def problems_of(raw: bytes, **changes) -> list[str]:
    with pytest.raises(BankFormatError) as error:
        parse_questions(raw, format="moodle", options=options(**changes))
    return error.value.problems


@pytest.fixture(scope="module")
def bank():
    return parse_questions(
        read("moodle_cardio_renal.xml"), format="moodle", options=options(default_subject="Physiology")
    )


def by_id(bank, external_id):
    return next(question for question in bank.questions if question.external_id == external_id)


def test_single_answer_multichoice_becomes_questions_in_file_order(bank):
    assert [question.lead_in for question in bank.questions] == [
        "Which of the following drugs most likely precipitated her toxicity?",
        "Which of the following is the most appropriate first step in management?",
        "Which transporter does this drug inhibit?",
        "Deficiency of which of the following is the most likely cause?",
    ]


def test_the_last_question_sentence_is_split_out_of_html_as_the_lead_in(bank):
    question = by_id(bank, "cv-dig-01")
    assert question.stem.startswith("<p>A 78-year-old woman with heart failure")
    assert question.stem.endswith("K<sup>+</sup> is 5.8 mEq/L.</p>")  # the HTML is kept, closed properly
    assert "Which of the following" not in question.stem


def test_a_final_bold_paragraph_is_the_lead_in_and_leaves_no_empty_tags(bank):
    question = bank.questions[1]
    assert question.lead_in == "Which of the following is the most appropriate first step in management?"
    assert "<strong>" not in question.stem and "<p></p>" not in question.stem


def test_cdata_and_escaped_html_both_read_with_entities_decoded_where_text_is_plain(bank):
    digoxin = by_id(bank, "cv-dig-01")
    # CDATA: the HTML is kept as written, entities and all, for the sanitising renderer.
    assert "3.1&nbsp;ng/mL (therapeutic &lt;&nbsp;2.0)" in digoxin.stem
    # Choices hold plain text: tags go, entities become characters.
    assert [choice.text for choice in digoxin.choices] == [
        "Atenolol",
        "Diltiazem",
        "Metoprolol",
        "Verapamil",
        "Ivabradine & rest",
    ]
    # Escaped markup (&lt;p&gt;, no CDATA) is HTML once XML has decoded it.
    assert bank.questions[1].stem.startswith("<p>A 66-year-old man receiving hemodialysis")


def test_choices_are_lettered_in_file_order_with_the_100_percent_answer_correct(bank):
    digoxin = by_id(bank, "cv-dig-01")
    assert [(choice.letter, choice.is_correct) for choice in digoxin.choices] == [
        ("A", False),
        ("B", False),
        ("C", False),
        ("D", True),
        ("E", False),
    ]
    # A negative fraction (a guessing penalty) is a wrong answer; a blank answer slot is dropped.
    assert [choice.is_correct for choice in bank.questions[1].choices] == [True, False, False, False]
    assert len(bank.questions[2].choices) == 4
    assert len(by_id(bank, "heme-ttp-02").choices) == 6


def test_general_feedback_is_the_explanation_with_answer_feedback_listed_after_it(bank):
    digoxin = by_id(bank, "cv-dig-01")
    assert digoxin.explanation == (
        "<p><strong>Verapamil</strong> inhibits P-glycoprotein in the kidney &amp; gut, reducing digoxin "
        "clearance; the serum level rises and toxicity follows.</p>\n\n"
        "- **(A) Atenolol**: β-blockers slow the rate but do not change digoxin clearance."
    )
    only_answer_feedback = bank.questions[1]
    assert only_answer_feedback.explanation.splitlines() == [
        "- **(A) Intravenous calcium gluconate**: Calcium stabilises the cardiac membrane within minutes.",
        "- **(B) Oral sodium polystyrene sulfonate**: Works over hours: too slow with ECG changes.",
        "- **(D) Urgent hemodialysis**: Definitive, but the heart is protected first.",
    ]


def test_a_final_educational_objective_paragraph_is_the_objective_otherwise_none(bank):
    assert by_id(bank, "cv-dig-01").objective == (
        "Verapamil, amiodarone and quinidine raise digoxin levels by inhibiting P-glycoprotein."
    )
    assert by_id(bank, "heme-ttp-02").objective == "TTP is caused by deficient ADAMTS13 activity."
    assert "Educational objective" not in by_id(bank, "heme-ttp-02").explanation
    assert bank.questions[1].objective == ""
    assert bank.mapping[1].endswith("no educational objective")


def test_embedded_files_become_attachments_under_the_name_the_text_uses(bank):
    assert set(bank.attachments) == {"peaked%20t%20waves.png", "image.png", "q4-image.png"}
    assert all(data.startswith(PNG_SIGNATURE) for data in bank.attachments.values())
    references = {name for question in bank.questions for name in PLUGINFILE_REFERENCE.findall(question.stem)}
    assert references == set(bank.attachments)


def test_two_questions_embedding_different_files_of_one_name_keep_both(bank):
    # Moodle scopes "image.png" to one question's text; here two differ, so the second is renamed.
    assert bank.attachments["image.png"] != bank.attachments["q4-image.png"]
    assert "@@PLUGINFILE@@/image.png" in bank.questions[2].stem
    assert "@@PLUGINFILE@@/q4-image.png" in by_id(bank, "heme-ttp-02").stem


def test_idnumber_is_the_external_id_otherwise_a_stable_content_hash(bank):
    assert by_id(bank, "heme-ttp-02")
    hashed = [
        question.external_id for question in bank.questions if question.external_id.startswith("moodle-")
    ]
    assert len(hashed) == 2 and all(re.fullmatch(r"moodle-[0-9a-f]{12}", value) for value in hashed)
    again = parse(default_subject="Physiology")
    assert [question.external_id for question in again.questions] == [q.external_id for q in bank.questions]


def test_every_other_question_type_is_skipped_with_a_line_saying_why(bank):
    assert bank.skipped == [
        'question 5 "Warfarin and vitamin K" (truefalse): '
        "only single-best-answer multiple choice is imported",
        'question 6 "Renal essay" (essay): only single-best-answer multiple choice is imported',
        'question 7 "Antidote for heparin" (shortanswer): '
        "only single-best-answer multiple choice is imported",
        'question 8 "Creatinine clearance" (numerical): only single-best-answer multiple choice is imported',
        'question 9 "Match the antidote" (matching): only single-best-answer multiple choice is imported',
        'question 10 "Causes of high anion gap" (multichoice, multiple answers): '
        "only single-best-answer multiple choice is imported",
        'question 11 "Block instructions" (description): only single-best-answer multiple choice is imported',
        'question 12 "Cloze: nephron" (cloze): only single-best-answer multiple choice is imported',
        'question 13 "Half credit" (multichoice, partial credit): an answer gives 50% credit; '
        "only single-best-answer multiple choice is imported",
    ]


def test_mapping_lines_say_where_subject_system_difficulty_and_status_came_from(bank):
    assert bank.mapping[0] == (
        'question 1 "Digoxin toxicity": subject Pharmacology (category), system Cardiovascular (category), '
        "difficulty 4 (tag), status draft (default)"
    )
    # Nested category "$course$/top/Week 2/Renal": the system is known, the subject is not.
    assert bank.mapping[2].startswith(
        'question 3 "Loop diuretic site": subject Physiology (default), system Renal (category)'
    )
    # An explicit tag names the subject (matched case-insensitively); "Hematology//Oncology" is one name.
    assert bank.mapping[3].startswith(
        'question 4 "Smear with schistocytes": subject Pathology (tag), system Hematology/Oncology (category)'
    )
    assert by_id(bank, "heme-ttp-02").status == "published"  # a status: tag beats the import default
    assert [question.status for question in bank.questions[:3]] == ["draft"] * 3


def test_a_category_naming_no_known_subject_without_a_default_is_a_problem():
    problems = problems_of(read("moodle_cardio_renal.xml"))
    assert problems == [
        'question 3 "Loop diuretic site": no subject: category "$course$/top/Week 2/Renal" names none of '
        "the known subjects; choose a default subject"
    ]


def test_a_subject_tag_may_name_a_subject_the_bank_does_not_have_yet():
    raw = read("moodle_cardio_renal.xml").replace(b"subject:pathology", b"subject:Hematopathology")
    bank = parse_questions(raw, format="moodle", options=options(default_subject="Physiology"))
    assert bank.questions[3].subject == "Hematopathology"
    assert "subject Hematopathology (tag, new subject)" in bank.mapping[3]


def test_a_broken_file_is_rejected_whole_with_one_line_per_problem():
    assert problems_of(read("moodle_broken.xml")) == [
        'question 1 "Two keys": exactly one choice must be correct, not 2',
        'question 2 "Three options": a question needs 4 to 6 choices, not 3',
        'question 3 "No question mark": no lead-in: the question text has no sentence ending in "?"',
        'question 4 "Missing picture": '
        "the question text refers to @@PLUGINFILE@@/xray.png, which the file lacks",
        'question 5 "No alt": the image @@PLUGINFILE@@/ecg.png in the question text has no alt text '
        "(describe what it shows)",
        'question 6 "Bad base64": the file "st.png" in the question text is not valid base64',
        'question 7 "No feedback": '
        "no explanation: the question has no general feedback and no answer feedback",
        'question 8 "Copied id": id \'cv-broken-1\' is already used by question 1 "Two keys"',
        'question 9 "Seven options": a question needs 4 to 6 choices, not 7',
        'question 10 "Too hard": the tag "difficulty:9" must give a difficulty from 1 to 5',
        'question 11 "Week two orphan": no subject: category "$course$/top/Week 2" names none of the known '
        "subjects; choose a default subject",
        'question 11 "Week two orphan": no system: category "$course$/top/Week 2" names none of the known '
        "systems; choose a default system",
    ]


def test_the_same_question_twice_without_idnumber_is_a_duplicate():
    raw = read("moodle_cardio_renal.xml")
    start = raw.index(b"<!-- question: 1202")
    end = raw.index(b'<question type="category">', start)
    doubled = raw[:end] + raw[start:end] + raw[end:]
    problems = problems_of(doubled, default_subject="Physiology")
    assert problems == [
        'question 3 "Peaked T waves": the same question text and choices as question 2 "Peaked T waves"'
    ]


def test_a_lead_in_longer_than_300_characters_is_a_problem():
    long_question = b"Which " + b"very " * 70 + b"likely finding is present?"
    raw = read("moodle_cardio_renal.xml").replace(
        b"Which of the following drugs most likely precipitated her toxicity?", long_question
    )
    problems = problems_of(raw, default_subject="Physiology")
    assert problems == [
        f'question 1 "Digoxin toxicity": the lead-in is {len(long_question)} characters; at most 300'
    ]


def test_an_entity_expansion_bomb_is_refused_before_parsing():
    assert problems_of(read("moodle_entity_bomb.xml")) == [
        "the file declares a DOCTYPE or entities, which Moodle never writes; it is refused unread"
    ]


def test_malformed_xml_names_the_line():
    assert problems_of(read("moodle_not_well_formed.xml")) == [
        "not well-formed XML: mismatched tag: line 6, column 4"
    ]


def test_a_file_that_is_not_a_moodle_quiz_is_refused():
    assert problems_of(b'<?xml version="1.0"?><rss><channel/></rss>') == [
        "not a Moodle XML question file: the root element is <rss>, not <quiz>"
    ]
    assert problems_of(b'<?xml version="1.0" encoding="ISO-8859-1"?><quiz/>') == [
        "the file must be UTF-8, not ISO-8859-1"
    ]


def test_a_file_over_the_size_limit_is_refused_without_being_read():
    raw = b"<quiz>" + b" " * MAX_FILE_BYTES + b"</quiz>"
    assert problems_of(raw) == ["the file is 20.0 MB; at most 20 MB"]

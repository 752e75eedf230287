"""Writing Moodle XML (dump_moodle_xml) and reading it back: every field survives the round trip."""

from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest

from quizzes.formats import ImportOptions, dump_moodle_xml, parse_questions
from quizzes.models import Question
from quizzes.question_format import QuestionData, parse_bank
from quizzes.question_rules import ChoiceData
from tests.quizzes.formats.samples import PNG_SIGNATURE, read

DEMO_BANK = Path(__file__).resolve().parents[3] / "quizzes" / "fixtures" / "demo_bank.json"
ECG_KEY, SMEAR_KEY = "a" * 32, "b" * 32


class _Choices(list):
    def all(self):
        return self


def unsaved(data: QuestionData, **changes):
    """What dump_moodle_xml reads from a Question (choices prefetched, subject and system selected)."""
    fields = {
        "external_id": data.external_id,
        "subject": SimpleNamespace(name=data.subject),
        "system": SimpleNamespace(name=data.system),
        "difficulty": data.difficulty,
        "status": data.status,
        "stem": data.stem,
        "lead_in": data.lead_in,
        "explanation": data.explanation,
        "educational_objective": data.objective,
        "choices": _Choices(
            SimpleNamespace(letter=choice.letter, text=choice.text, is_correct=choice.is_correct)
            for choice in data.choices
        ),
    }
    fields.update(changes)
    return SimpleNamespace(**fields)


def sample(**changes) -> QuestionData:
    fields = {
        "external_id": "cv-img-1",
        "subject": "Pathology",
        "system": "Hematology/Oncology",
        "difficulty": 5,
        "status": Question.Status.DRAFT,
        "stem": f"A 70-year-old man has palpitations.\n\n![12-lead ECG, irregular rhythm](image:{ECG_KEY})",
        "lead_in": "Which of the following is the most likely diagnosis?",
        "choices": tuple(
            ChoiceData(letter, text, letter == "B")
            for letter, text in zip("ABCD", ["Flutter", "Atrial fibrillation", "MAT", "Sinus"], strict=True)
        ),
        "explanation": f'Irregularly irregular.\n\n<img src="image:{SMEAR_KEY}" alt="Smear">',
        "objective": "",
    }
    fields.update(changes)
    return QuestionData(**fields)


def roundtrip(questions, image_files=None):
    raw = dump_moodle_xml(questions, image_files=image_files or {})
    return raw, parse_questions(raw, format="moodle", options=ImportOptions())


@pytest.fixture(scope="module")
def demo():
    return parse_bank(DEMO_BANK.read_bytes())


def test_the_demo_bank_comes_back_field_for_field(demo):
    _, bank = roundtrip([unsaved(question) for question in demo])
    assert len(bank.questions) == 110
    assert bank.questions == demo
    assert bank.skipped == []


def test_the_export_is_well_formed_moodle_xml(demo):
    raw, _ = roundtrip([unsaved(question) for question in demo[:12]])
    root = ElementTree.fromstring(raw)  # noqa: S314 - our own output
    assert root.tag == "quiz"
    questions = root.findall("question")
    assert {question.get("type") for question in questions} == {"category", "multichoice"}
    assert len([q for q in questions if q.get("type") == "multichoice"]) == 12
    first = next(q for q in questions if q.get("type") == "multichoice")
    assert first.findtext("single") == "true"
    assert first.findtext("idnumber") == demo[0].external_id
    assert [answer.get("fraction") for answer in first.findall("answer")] == ["0", "100", "0", "0", "0"]
    assert first.find("questiontext").get("format") == "markdown"
    # What Moodle has no field for is visible to a Moodle user: tags and the text's final paragraphs.
    assert [tag.findtext("text") for tag in first.findall("tags/tag")] == [
        "subject:Pharmacology",
        "system:Cardiovascular",
        "difficulty:2",
        "status:published",
    ]
    assert first.find("questiontext").findtext("text").endswith(f"\n\n**{demo[0].lead_in}**")
    assert (
        first.find("generalfeedback")
        .findtext("text")
        .endswith(f"**Educational objective:** {demo[0].objective}")
    )


def test_categories_are_subject_then_system_with_a_slash_in_a_name_doubled():
    raw, _ = roundtrip(
        [unsaved(sample())], {ECG_KEY: ("ecg.png", read_png()), SMEAR_KEY: ("s.png", read_png())}
    )
    categories = [q.findtext("category/text") for q in ElementTree.fromstring(raw).findall("question")]  # noqa: S314
    assert categories[0] == "$course$/top/Pathology/Hematology//Oncology"


def read_png() -> bytes:
    raw = read("moodle_cardio_renal.xml")
    import base64

    start = raw.index(b'encoding="base64">') + len(b'encoding="base64">')
    return base64.b64decode(raw[start : raw.index(b"</file>", start)])


def test_images_are_embedded_beside_the_text_that_uses_them_and_read_back():
    png = read_png()
    choice_with_image = ChoiceData("D", f"Sinus rhythm ![Rhythm strip](image:{ECG_KEY})", False)
    question = sample(choices=(*sample().choices[:3], choice_with_image))
    raw, bank = roundtrip([unsaved(question)], {ECG_KEY: ("ecg.png", png), SMEAR_KEY: ("smear 1.png", png)})
    root = ElementTree.fromstring(raw)  # noqa: S314
    multichoice = root.find("question[@type='multichoice']")
    assert [file.get("name") for file in multichoice.findall("questiontext/file")] == ["ecg.png"]
    assert [file.get("name") for file in multichoice.findall("generalfeedback/file")] == ["smear 1.png"]
    assert b"image:" not in raw
    [back] = bank.questions
    assert back.stem.endswith("![12-lead ECG, irregular rhythm](@@PLUGINFILE@@/ecg.png)")
    assert '<img src="@@PLUGINFILE@@/smear%201.png" alt="Smear">' in back.explanation
    assert back.choices[3].text == "Sinus rhythm ![Rhythm strip](@@PLUGINFILE@@/ecg.png)"
    assert set(bank.attachments) == {"ecg.png", "smear%201.png"}
    assert bank.attachments["ecg.png"] == png and png.startswith(PNG_SIGNATURE)


def test_draft_status_difficulty_and_an_empty_objective_survive():
    question = sample(stem="A 70-year-old man has palpitations.", explanation="Irregularly irregular.")
    _, bank = roundtrip([unsaved(question)])
    assert bank.questions == [question]
    assert bank.mapping == [
        'question 1 "cv-img-1: A 70-year-old man has palpitations.": subject Pathology (tag, new subject), '
        "system Hematology/Oncology (tag, new system), difficulty 5 (tag), status draft (tag), "
        "no educational objective"
    ]


def test_markup_characters_and_carriage_returns_survive_byte_for_byte():
    question = sample(
        stem="Na⁺ < 120 & K⁺ > 6 <b>bold</b> ]]> tail\r\nsecond line\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        explanation="**Bold** & <i>html</i>\n\n- **(A) Flutter** is wrong",
        objective='Objective with a colon: and "quotes".',
    )
    _, bank = roundtrip([unsaved(question)])
    assert bank.questions == [question]


@pytest.mark.django_db
def test_saved_questions_round_trip_through_the_database(demo):
    from quizzes.services import questions_import

    questions_import(questions=demo[:20])
    saved = Question.objects.select_related("subject", "system").prefetch_related("choices").order_by("id")
    raw = dump_moodle_xml(list(saved), image_files={})
    bank = parse_questions(raw, format="moodle", options=ImportOptions())
    assert sorted(bank.questions, key=lambda q: q.external_id) == sorted(
        demo[:20], key=lambda q: q.external_id
    )

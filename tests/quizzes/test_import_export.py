import json

import pytest
from django.core.management import CommandError, call_command

from quizzes.models import Choice, Question, Subject, System

pytestmark = pytest.mark.django_db


def item(external_id="imp-001", correct="C", **overrides):
    data = {
        "external_id": external_id,
        "subject": "Pharmacology",
        "system": "Hematology/Oncology",
        "difficulty": 3,
        "status": "published",
        "stem": "A 64-year-old woman receiving **heparin** develops a falling platelet count.",
        "lead_in": "Which of the following is the most appropriate next step?",
        "choices": [
            {"letter": letter, "text": f"Option {letter}", "correct": letter == correct} for letter in "ABCDE"
        ],
        "explanation": "Stop heparin and start a direct thrombin inhibitor.",
        "objective": "Heparin-induced thrombocytopenia is treated with a non-heparin anticoagulant.",
    }
    data.update(overrides)
    return data


def write_bank(tmp_path, items, name="bank.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"format": "usmle-quiz/1", "questions": items}))
    return path


def test_import_creates_questions_choices_and_taxonomy(tmp_path):
    call_command("import_questions", write_bank(tmp_path, [item(), item("imp-002")]))
    assert Question.objects.count() == 2
    question = Question.objects.get(external_id="imp-001")
    assert question.subject.name == "Pharmacology"
    assert System.objects.get(slug="hematology-oncology").name == "Hematology/Oncology"
    assert question.choices.get(is_correct=True).letter == "C"
    assert "<strong>heparin</strong>" in question.stem_html
    assert question.is_published


def test_importing_the_same_file_twice_changes_nothing(tmp_path, capsys):
    path = write_bank(tmp_path, [item(), item("imp-002")])
    call_command("import_questions", path)
    before = {q.external_id: q.updated_at for q in Question.objects.all()}
    choice_ids = set(Choice.objects.values_list("id", flat=True))
    call_command("import_questions", path)
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out
    assert {q.external_id: q.updated_at for q in Question.objects.all()} == before
    assert set(Choice.objects.values_list("id", flat=True)) == choice_ids
    assert Subject.objects.count() == 1


def test_a_changed_question_is_updated_by_external_id(tmp_path, capsys):
    call_command("import_questions", write_bank(tmp_path, [item()]))
    changed = item(correct="A", lead_in="What is the mechanism of the drug that should be started?")
    call_command("import_questions", write_bank(tmp_path, [changed], "v2.json"))
    assert "0 created, 1 updated, 0 unchanged" in capsys.readouterr().out
    question = Question.objects.get(external_id="imp-001")
    assert question.lead_in.startswith("What is the mechanism")
    assert question.choices.get(is_correct=True).letter == "A"
    assert question.choices.count() == 5


def test_a_file_with_one_bad_question_is_rejected_whole(tmp_path, capsys):
    items = [item(f"ok-{n}") for n in range(1, 12)]
    bad = item("bad-12")
    for choice in bad["choices"]:
        choice["correct"] = True
    items.append(bad)
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_questions", write_bank(tmp_path, items))
    assert "item 12: exactly one choice must be correct, not 5" in capsys.readouterr().err
    assert Question.objects.count() == 0
    assert Subject.objects.count() == 0


def test_every_problem_is_listed_one_line_each(tmp_path, capsys):
    items = [
        item("a", difficulty=9),
        item("b", choices=[{"letter": "A", "text": "x", "correct": True}]),
        item("a"),
        {"stem": "no id"},
    ]
    with pytest.raises(CommandError):
        call_command("import_questions", write_bank(tmp_path, items))
    err = capsys.readouterr().err
    assert 'item 1: "difficulty" must be a whole number from 1 to 5' in err
    assert "item 2: a question needs 4 to 6 choices, not 1" in err
    assert "item 3: external_id 'a' is already used by item 1" in err
    assert 'item 4: "external_id" must be a non-empty string' in err


def test_a_file_that_is_not_json_is_refused(tmp_path, capsys):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(CommandError):
        call_command("import_questions", path)
    assert "not valid JSON" in capsys.readouterr().err


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_questions", tmp_path / "missing.json")


def test_export_then_import_round_trips(tmp_path, capsys):
    items = [item("rt-1"), item("rt-2", status="draft", correct="E", difficulty=5)]
    call_command("import_questions", write_bank(tmp_path, items))
    exported = tmp_path / "export.json"
    call_command("export_questions", "--output", exported)
    assert json.loads(exported.read_text())["questions"] == items

    Question.objects.all().delete()
    call_command("import_questions", exported)
    capsys.readouterr()
    call_command("export_questions")
    assert json.loads(capsys.readouterr().out)["questions"] == items

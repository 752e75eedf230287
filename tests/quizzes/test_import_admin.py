# ruff: noqa: E501 - the sample Moodle file keeps its lines as Moodle writes them
"""Importing question files in the admin and from the command line: upload, preview, confirm, progress."""

from __future__ import annotations

import base64
import json
import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from PIL import Image

from quizzes.models import Question, QuestionImage, QuestionImport
from tests.conftest import ADMIN, make_taxonomy, run_tasks, verify_second_factor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def taxonomy(db):
    """The bank's subjects and systems, which Moodle categories are matched against."""
    from quizzes.models import Subject, System

    return make_taxonomy(Subject, "Pharmacology"), make_taxonomy(System, "Cardiovascular")


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    verify_second_factor(client, staff_user)
    return client


def png_b64(color=(180, 20, 20)) -> str:
    out = BytesIO()
    Image.new("RGB", (60, 40), color).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def moodle_file(*, with_image: bool = True, second_answer_right: bool = False) -> bytes:
    image = (
        '<p><img src="@@PLUGINFILE@@/ecg%20strip.png" alt="Rhythm strip: irregularly irregular, no P waves"></p>'
        if with_image
        else ""
    )
    files = f'<file name="ecg strip.png" path="/" encoding="base64">{png_b64()}</file>' if with_image else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Pharmacology/Cardiovascular</text></category></question>
  <question type="multichoice">
    <name><text>Rate control in AF</text></name>
    <questiontext format="html"><text><![CDATA[<p>A 71-year-old woman has palpitations for 2 days. Her pulse is
      132/min and irregular; blood pressure is 128/76 mm Hg. Her rhythm strip is shown.</p>{image}
      <p>Which of the following drugs slows the ventricular rate by prolonging AV nodal refractoriness?</p>]]></text>
      {files}</questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>Beta blockers such as metoprolol slow AV nodal
      conduction &amp; control the ventricular rate.</p>]]></text></generalfeedback>
    <single>true</single>
    <answer fraction="100" format="html"><text>Metoprolol</text><feedback><text>Right: AV nodal blocker.</text></feedback></answer>
    <answer fraction="{100 if second_answer_right else 0}" format="html"><text>Adenosine</text><feedback><text>Too short-acting.</text></feedback></answer>
    <answer fraction="0" format="html"><text>Lidocaine</text><feedback><text>Ventricular arrhythmias only.</text></feedback></answer>
    <answer fraction="0" format="html"><text>Hydralazine</text><feedback><text>A vasodilator.</text></feedback></answer>
    <answer fraction="0" format="html"><text>Atropine</text><feedback><text>Speeds AV conduction.</text></feedback></answer>
  </question>
  <question type="essay">
    <name><text>Essay on anticoagulation</text></name>
    <questiontext format="html"><text>Discuss CHA2DS2-VASc.</text></questiontext>
  </question>
</quiz>
""".encode()


def text_of(response) -> str:
    """The page's words without its tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def upload(admin_client, content: bytes, name: str, **fields):
    data = {"file": SimpleUploadedFile(name, content), "format": "", "status": "draft", **fields}
    return admin_client.post(f"{ADMIN}quizzes/question/import/", data)


def test_upload_preview_confirm_and_import_a_moodle_file_with_an_image(admin_client, staff_user):
    response = upload(admin_client, moodle_file(), "week1.xml")
    assert response.status_code == 302
    job = QuestionImport.objects.get()
    assert job.format == "moodle" and job.status == "previewed" and job.created_by == staff_user

    preview = text_of(admin_client.get(response["Location"]))
    assert (
        "1 question in the file: 1 to create, 0 to change, 0 unchanged" in preview
        and "1 to create" in preview
    )
    assert "1 new image" in preview
    assert "essay" in preview.lower()  # skipped, with the reason
    assert "Pharmacology" in preview and "Cardiovascular" in preview
    assert not Question.objects.exists()  # a preview writes nothing

    confirmed = admin_client.post(response["Location"])
    assert confirmed.status_code == 302
    job.refresh_from_db()
    assert job.status == "queued" and job.total == 1
    run_tasks()
    job.refresh_from_db()
    assert job.status == "done" and job.processed == 1
    assert job.result["created"] == 1 and job.result["images"] == 1 and job.result["skipped"] == 1

    question = Question.objects.get()
    image = QuestionImage.objects.get()
    assert question.status == "draft"  # Moodle has no objective: a draft until faculty write one
    assert f"image:{image.key}" in question.stem and "@@PLUGINFILE@@" not in question.stem
    assert f"/media/question-images/{image.key}/web.webp" in question.stem_html
    assert image.alt_text == "Rhythm strip: irregularly irregular, no P waves"
    done_page = admin_client.get(response["Location"]).content.decode()
    assert "1 created" in done_page


def test_importing_the_same_file_again_changes_nothing(admin_client):
    for _ in range(2):
        response = upload(admin_client, moodle_file(), "week1.xml")
        admin_client.post(response["Location"])
        run_tasks()
    second = QuestionImport.objects.order_by("-pk").first()
    assert second.result["created"] == 0 and second.result["unchanged"] == 1 and second.result["images"] == 0
    assert Question.objects.count() == 1 and QuestionImage.objects.count() == 1


def test_a_bad_file_is_rejected_whole_with_a_message_per_problem(admin_client):
    response = upload(admin_client, moodle_file(second_answer_right=True), "broken.xml")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was written" in page and "exactly one choice must be correct" in page.lower()
    assert not QuestionImport.objects.exists() and not Question.objects.exists()


def test_a_file_in_no_known_format_is_refused(admin_client):
    response = upload(admin_client, b"\x00\x01 random bytes", "scan.pdf")
    assert response.status_code == 400
    assert "format could not be told" in response.content.decode()


def test_a_confirmation_sent_twice_queues_one_import(admin_client):
    response = upload(admin_client, moodle_file(with_image=False), "week1.xml")
    admin_client.post(response["Location"])
    admin_client.post(response["Location"])
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path__endswith="question_import_run").count() == 1
    run_tasks()
    assert Question.objects.count() == 1


def test_progress_is_reported_as_json_while_it_runs(admin_client):
    response = upload(admin_client, moodle_file(with_image=False), "week1.xml")
    admin_client.post(response["Location"])
    job = QuestionImport.objects.get()
    page = admin_client.get(response["Location"]).content.decode()
    assert "<progress" in page and "0 of 1 questions written" in page
    progress = admin_client.get(f"{ADMIN}quizzes/question/import/{job.pk}/progress/").json()
    assert progress == {
        "status": "queued",
        "status_text": "Waiting for the task worker",
        "processed": 0,
        "total": 1,
        "result": {},
        "error": "",
    }


def test_defaults_fill_what_an_aiken_file_cannot_say_and_say_so(admin_client):
    subject = make_taxonomy(__import__("quizzes.models", fromlist=["Subject"]).Subject, "Microbiology")
    system = make_taxonomy(__import__("quizzes.models", fromlist=["System"]).System, "Respiratory")
    aiken = (
        b"A 6-month-old has a staccato cough and conjunctivitis. Which organism is most likely?\n"
        b"A. Chlamydia trachomatis\nB. Bordetella pertussis\nC. Respiratory syncytial virus\n"
        b"D. Streptococcus pneumoniae\nE. Haemophilus influenzae\nANSWER: A\n"
    )
    refused = upload(admin_client, aiken, "week2.txt")
    assert refused.status_code == 400 and "subject" in refused.content.decode()
    response = upload(
        admin_client, aiken, "week2.txt", default_subject=subject.name, default_system=system.name
    )
    assert response.status_code == 302
    preview = admin_client.get(response["Location"]).content.decode()
    assert "default" in preview and "no educational objective" in preview


def test_students_and_anonymous_visitors_cannot_import(client, student):
    assert client.get(f"{ADMIN}quizzes/question/import/").status_code == 302
    client.force_login(student)
    response = client.post(
        f"{ADMIN}quizzes/question/import/", {"file": SimpleUploadedFile("a.xml", moodle_file())}
    )
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not QuestionImport.objects.exists()


def test_the_command_imports_a_moodle_file_and_a_dry_run_writes_nothing(tmp_path, capsys):
    path = tmp_path / "week1.xml"
    path.write_bytes(moodle_file())
    call_command("import_questions", str(path), "--dry-run")
    assert "would create 1" in capsys.readouterr().out and not Question.objects.exists()
    call_command("import_questions", str(path))
    out = capsys.readouterr()
    assert "1 created, 0 updated, 0 unchanged, 1 skipped, 1 image(s) stored." in out.out
    assert "skipped:" in out.err
    call_command("import_questions", str(path))
    assert "0 created, 0 updated, 1 unchanged" in capsys.readouterr().out


def test_the_command_rejects_a_bad_file_with_its_problems(tmp_path, capsys):
    path = tmp_path / "broken.xml"
    path.write_bytes(moodle_file(second_answer_right=True))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_questions", str(path))
    assert "exactly one choice must be correct" in capsys.readouterr().err.lower()


def test_export_as_moodle_xml_and_json_carries_the_images_and_round_trips(admin_client, tmp_path, capsys):
    path = tmp_path / "week1.xml"
    path.write_bytes(moodle_file())
    call_command("import_questions", str(path))
    Question.objects.update(educational_objective="Beta blockers control the rate in AF.")
    before = Question.objects.get()
    response = admin_client.get(f"{ADMIN}quizzes/question/export/?format=moodle")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert "attachment;" in response["Content-Disposition"]
    exported = response.content
    assert b"@@PLUGINFILE@@/" in exported and b'encoding="base64"' in exported
    json_export = admin_client.get(f"{ADMIN}quizzes/question/export/?format=json")
    document = json.loads(json_export.content)
    assert document["images"][0]["key"] == QuestionImage.objects.get().key
    assert admin_client.get(f"{ADMIN}quizzes/question/export/?format=pdf").status_code == 400
    # Back in through Moodle XML: the same question, the same image, nothing changed.
    path.write_bytes(exported)
    call_command("import_questions", str(path))
    assert "0 created, 0 updated, 1 unchanged" in capsys.readouterr().out
    after = Question.objects.get()
    assert (after.stem, after.explanation, after.educational_objective) == (
        before.stem,
        before.explanation,
        before.educational_objective,
    )
    assert QuestionImage.objects.count() == 1


def test_a_json_export_with_images_moves_to_another_site(admin_client, tmp_path, capsys):
    path = tmp_path / "week1.xml"
    path.write_bytes(moodle_file())
    call_command("import_questions", str(path))
    Question.objects.update(educational_objective="Beta blockers control the rate in AF.", status="published")
    exported = tmp_path / "bank.json"
    call_command("export_questions", "-o", str(exported))
    # Another site: no questions, no images.
    Question.objects.all().delete()
    QuestionImage.objects.all().delete()
    call_command("import_questions", str(exported))
    assert "1 created" in capsys.readouterr().out
    question, image = Question.objects.get(), QuestionImage.objects.get()
    assert f"image:{image.key}" in question.stem
    assert f"/media/question-images/{image.key}/web.webp" in question.stem_html
    call_command("import_questions", str(exported))  # and again: nothing changes
    assert "1 unchanged" in capsys.readouterr().out and QuestionImage.objects.count() == 1


def test_a_json_file_with_a_broken_image_is_refused(tmp_path):
    document = {
        "questions": [],
        "images": [{"key": "0" * 32, "alt": "x", "data": "%%% not base64"}],
    }
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError):
        call_command("import_questions", str(path))

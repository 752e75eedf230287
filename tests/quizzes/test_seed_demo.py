import pytest
from django.core.management import call_command

from accounts.models import User
from quizzes.models import Question
from quizzes.selectors import bank_counts

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_a_bank_of_100_plus_questions_over_10_systems_and_7_subjects(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    counts = bank_counts()
    assert counts.total >= 100
    assert len(counts.by_system) >= 10
    assert len(counts.by_subject) >= 7
    assert "username 'demo', password 'demo-student-pass'" in out
    for question in Question.objects.prefetch_related("choices"):
        choices = list(question.choices.all())
        assert [c.letter for c in choices] == list("ABCDE"), question.external_id
        assert sum(c.is_correct for c in choices) == 1, question.external_id
        assert question.educational_objective.strip(), question.external_id
        # the explanation says why each distractor is wrong
        for choice in choices:
            if not choice.is_correct:
                assert f"({choice.letter})" in question.explanation, (question.external_id, choice.letter)


def test_seed_demo_is_idempotent_and_the_printed_credentials_work(client, capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    assert "Demo bank: 0 created, 0 updated" in capsys.readouterr().out.splitlines()[-3]
    assert User.objects.filter(username__in=["demo", "admin"]).count() == 2
    assert client.login(username="demo", password="demo-student-pass")
    assert client.login(username="admin", password="demo-admin-pass")
    assert User.objects.get(username="admin").is_staff
    assert not User.objects.get(username="demo").is_staff


def test_demo_student_dashboard_shows_the_bank(client):
    call_command("seed_demo")
    client.login(username="demo", password="demo-student-pass")
    response = client.get("/")
    assert response.status_code == 200
    assert "Hematology/Oncology" in response.text
    assert "Behavioral science" in response.text

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from leaderboard.models import AllTimeScore, SubjectScore, WeeklyScore
from quizzes.models import Choice, Question, UserQuestion
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_generates_students_questions_and_attempts_then_the_boards(client):
    call_command(
        "generate_load_data", students=300, questions=60, attempts=3000, cohorts=4, password=PASSWORD
    )
    assert User.objects.filter(username__startswith="load-").count() == 300
    assert Question.objects.published().filter(external_id__startswith="load-q-").count() == 60
    assert Choice.objects.filter(question__external_id__startswith="load-q-", is_correct=True).count() == 60
    history = UserQuestion.objects.filter(user__username__startswith="load-")
    assert history.count() == 3000
    # heavy-tailed: the most active student did far more than the median one
    per_student = sorted(AllTimeScore.objects.values_list("answered", flat=True))
    assert per_student[-1] >= 5 * per_student[len(per_student) // 2]
    accuracy = history.filter(first_correct=True).count() / 3000
    assert 0.45 < accuracy < 0.85
    assert WeeklyScore.objects.values("week").distinct().count() >= 10  # spread over ~12 weeks
    # each student's own attempts vary: several weeks, right and wrong answers
    busiest = AllTimeScore.objects.order_by("-answered").first()
    assert WeeklyScore.objects.filter(user_id=busiest.user_id).count() >= 5
    assert 0 < busiest.score < busiest.answered
    assert SubjectScore.objects.exists()
    # a wrong first letter is never the correct one
    for row in history.select_related("question")[:200]:
        correct = row.question.choices.get(is_correct=True).letter
        assert (row.first_letter == correct) == row.first_correct

    # the aggregates are exactly what a rebuild computes, and the students can log in
    before = sorted(AllTimeScore.objects.values_list("user_id", "score", "answered", "rank_key"))
    call_command("rebuild_leaderboards")
    assert sorted(AllTimeScore.objects.values_list("user_id", "score", "answered", "rank_key")) == before
    assert client.login(username="load-0000001", password=PASSWORD)
    response = client.get("/leaderboard/")
    assert response.status_code == 200
    assert response.context["shared"].total == AllTimeScore.objects.filter(visible=True).count()


def test_refuses_a_database_with_real_students():
    make_user("a-real-student")
    with pytest.raises(CommandError, match="real student"):
        call_command("generate_load_data", students=10, questions=10, attempts=20)
    assert not User.objects.filter(username__startswith="load-").exists()


def test_the_leaderboard_benchmark_runs_and_writes_its_report(tmp_path, capsys):
    call_command("generate_load_data", students=120, questions=30, attempts=900, cohorts=3)
    doc = tmp_path / "PERFORMANCE.md"
    doc.write_text("# Performance\n")
    report = tmp_path / "bench.json"
    call_command("bench_leaderboard", requests=3, output=report, doc=doc)
    text = doc.read_text()
    assert "<!-- bench-leaderboard:start -->" in text and "| board page 1 |" in text
    assert "EXPLAIN" in text and "Index" in text
    import json

    results = json.loads(report.read_text())["results"]
    assert any(label.startswith("median student's own rank") for label in results)
    call_command("bench_leaderboard", requests=2, output=report, doc=doc)
    assert doc.read_text().count("<!-- bench-leaderboard:start -->") == 1  # replaced, not appended


def test_a_rerun_gives_generated_students_a_hash_with_the_current_parameters(settings):
    call_command("generate_load_data", students=20, questions=10, attempts=40, cohorts=2, password=PASSWORD)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    call_command("generate_load_data", students=20, questions=10, attempts=40, cohorts=2, password=PASSWORD)
    hashes = set(User.objects.filter(username__startswith="load-").values_list("password", flat=True))
    assert len(hashes) == 1
    assert hashes.pop().startswith("pbkdf2_sha256$")
    assert User.objects.get(username="load-0000007").check_password(PASSWORD)

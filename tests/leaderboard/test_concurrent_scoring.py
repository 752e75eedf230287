"""Twenty real PostgreSQL connections answering for one student at the same moment."""

import pytest
from django.db.models import Sum
from django_redis import get_redis_connection

from leaderboard import sorted_sets
from leaderboard.models import AllTimeScore, SubjectScore, WeeklyScore
from quizzes.models import UserQuestion
from tests.conftest import correct_letter, make_block, make_question, make_user, wrong_letter
from tests.quizzes.test_answer_races import logged_in_client, run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # One student posting many answers at once is the point here, not a flood.
    settings.RATELIMIT_ENABLE = False


def test_twenty_concurrent_answers_lose_no_update():
    student = make_user()
    # Twenty open tutor blocks of one question each (a question sits in one open block at a time).
    questions = [make_question(subject=("Pathology", "Pharmacology")[n % 2]) for n in range(20)]
    jobs = []
    for n in range(20):
        question = questions[n]
        block = make_block(student, [question])
        letter = correct_letter(question) if n % 3 else wrong_letter(question)
        jobs.append((logged_in_client(student), f"/quizzes/{block.pk}/q/1/", letter))
    results = run_together(
        [lambda c=c, url=url, letter=letter: c.post(url, {"choice": letter}) for c, url, letter in jobs]
    )
    assert all(getattr(result, "status_code", None) == 303 for result in results), results

    distinct_correct = UserQuestion.objects.filter(user=student, first_correct=True).count()
    total = AllTimeScore.objects.get(user=student)
    assert total.answered == 20
    assert total.score == distinct_correct
    assert WeeklyScore.objects.get(user=student).score == distinct_correct
    assert SubjectScore.objects.filter(user=student).aggregate(s=Sum("score"))["s"] == distinct_correct
    redis_key = get_redis_connection("default").zscore(
        sorted_sets.board_key("all"), sorted_sets.member(student.pk)
    )
    assert int(redis_key) == total.rank_key

"""Stored XSS: hostile text in every field a student or an admin can fill renders inert everywhere."""

import pytest

from accounts.models import Cohort
from quizzes.models import Block, Choice
from quizzes.services import block_finish, item_answer, question_render
from tests.conftest import ADMIN, correct_letter, make_block, make_question, make_user, verify_second_factor
from tests.security.html_audit import active_content

pytestmark = [pytest.mark.security, pytest.mark.django_db]

PAYLOADS = [
    "<script>alert('stem')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click me</a>',
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    '<iframe src="https://evil.example/"></iframe>',
    '"><script>alert(2)</script>',
    '<div style="background:url(javascript:alert(1))">x</div>',
]
HOSTILE = " ".join(PAYLOADS)


@pytest.fixture
def hostile_question(db):
    question = make_question(stem=f"A 30-year-old man. {HOSTILE}", explanation=f"Because {HOSTILE}")
    question.lead_in = f"Which is most likely? {PAYLOADS[5]}"
    question.educational_objective = f"Remember {PAYLOADS[0]}"
    question_render(question=question)
    question.save()
    Choice.objects.filter(question=question).update(text=f"Choice {HOSTILE}")
    return question


@pytest.fixture
def hostile_student(db):
    cohort = Cohort.objects.create(name=f"Cohort {HOSTILE}"[:100], slug="hostile-cohort")
    return make_user("mallory", display_name=f"Mal {PAYLOADS[1]}"[:60], cohort=cohort)


def assert_inert(response):
    assert response.status_code == 200, response.status_code
    nonce = response.get("Content-Security-Policy", "").partition("'nonce-")[2].partition("'")[0] or None
    assert active_content(response.content.decode(), nonce=nonce) == []


def test_question_text_is_inert_on_the_question_page_and_review(client, hostile_question, hostile_student):
    client.force_login(hostile_student)
    timed = make_block(hostile_student, [hostile_question], mode=Block.Mode.TIMED)
    assert_inert(client.get(f"/quizzes/{timed.pk}/q/1/"))
    item_answer(block=timed, position=1, letter=correct_letter(hostile_question))
    block_finish(block=timed)
    assert_inert(client.get(f"/quizzes/{timed.pk}/review/"))
    assert_inert(client.get(f"/quizzes/{timed.pk}/q/1/"))  # the revealed item: key and explanation
    tutor = make_block(hostile_student, [hostile_question], mode=Block.Mode.TUTOR)
    item_answer(block=tutor, position=1, letter=correct_letter(hostile_question))
    assert_inert(client.get(f"/quizzes/{tutor.pk}/q/1/"))


def test_display_and_cohort_names_are_inert_on_boards_dashboard_and_stats(
    client, hostile_question, hostile_student, student
):
    tutor = make_block(hostile_student, [hostile_question], mode=Block.Mode.TUTOR)
    item_answer(block=tutor, position=1, letter=correct_letter(hostile_question))
    client.force_login(student)  # another student sees Mallory on the boards
    for url in ["/leaderboard/", "/leaderboard/?period=week", "/leaderboard/rows/?period=all&page=1"]:
        response = client.get(url)
        assert_inert(response)
        assert "Mal &lt;img" in response.text
    cohort = hostile_student.cohort
    assert_inert(client.get(f"/leaderboard/?cohort={cohort.slug}"))
    client.force_login(hostile_student)
    for url in ["/", "/stats/", "/quizzes/", "/accounts/profile/", "/quizzes/new/"]:
        assert_inert(client.get(url))


def test_question_text_is_inert_in_the_admin_preview_and_lists(client, hostile_question, staff_user):
    client.force_login(staff_user)
    verify_second_factor(client, staff_user)
    assert_inert(client.get(f"{ADMIN}quizzes/question/{hostile_question.pk}/preview/"))
    response = client.get(f"{ADMIN}quizzes/question/")
    assert response.status_code == 200
    assert "<script>alert" not in response.text

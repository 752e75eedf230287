import pytest

from quizzes.models import Question
from tests.conftest import ADMIN, make_question, make_taxonomy, verify_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    verify_second_factor(client, staff_user)
    return client


def question_form(subject, system, choices, **overrides):
    data = {
        "external_id": "adm-1",
        "status": "draft",
        "subject": subject.pk,
        "system": system.pk,
        "difficulty": "3",
        "stem": "A 30-year-old man has **chest pain**.",
        "lead_in": "Which of the following is the most likely diagnosis?",
        "explanation": "Because.",
        "educational_objective": "Know it.",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "6",
    }
    for index, (letter, correct) in enumerate(choices):
        data[f"choices-{index}-letter"] = letter
        data[f"choices-{index}-text"] = f"Option {letter}"
        if correct:
            data[f"choices-{index}-is_correct"] = "on"
    data.update(overrides)
    return data


@pytest.fixture
def taxonomy(db):
    from quizzes.models import Subject, System

    return make_taxonomy(Subject, "Pathology"), make_taxonomy(System, "Cardiovascular")


def test_admin_creates_a_valid_question_with_rendered_html(admin_client, taxonomy):
    choices = [(letter, letter == "B") for letter in "ABCDE"]
    response = admin_client.post(f"{ADMIN}quizzes/question/add/", question_form(*taxonomy, choices))
    assert response.status_code == 302
    question = Question.objects.get(external_id="adm-1")
    assert question.choices.count() == 5
    assert "<strong>chest pain</strong>" in question.stem_html


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ([(letter, False) for letter in "ABCDE"], "Exactly one choice must be correct, not 0."),
        ([(letter, letter in "AB") for letter in "ABCDE"], "Exactly one choice must be correct, not 2."),
        ([(letter, letter == "A") for letter in "ABC"], "A question needs 4 to 6 choices, not 3."),
        ([(letter, letter == "A") for letter in "ABCCD"], "Please correct the duplicate data for letter."),
    ],
)
def test_admin_shows_invariants_as_form_errors(admin_client, taxonomy, choices, message):
    response = admin_client.post(f"{ADMIN}quizzes/question/add/", question_form(*taxonomy, choices))
    assert response.status_code == 200
    assert message in response.text
    assert not Question.objects.exists()


def test_admin_refuses_seven_choices(admin_client, taxonomy):
    choices = [(letter, letter == "A") for letter in "ABCDEF"] + [("A", False)]
    response = admin_client.post(f"{ADMIN}quizzes/question/add/", question_form(*taxonomy, choices))
    assert response.status_code == 200
    assert not Question.objects.exists()


def test_publish_and_unpublish_actions(admin_client):
    drafts = [make_question(status="draft") for _ in range(3)]
    ids = [str(q.pk) for q in drafts]
    admin_client.post(f"{ADMIN}quizzes/question/", {"action": "publish", "_selected_action": ids})
    assert Question.objects.published().count() == 3
    admin_client.post(f"{ADMIN}quizzes/question/", {"action": "unpublish", "_selected_action": ids[:1]})
    assert Question.objects.published().count() == 2


def test_changelist_filters_and_search(admin_client, django_assert_max_num_queries):
    make_question(external_id="find-me-42", system="Renal")
    for _ in range(20):
        make_question()
    with django_assert_max_num_queries(12):
        response = admin_client.get(f"{ADMIN}quizzes/question/?q=find-me-42")
    assert "find-me-42" in response.text
    assert response.context["cl"].result_count == 1
    response = admin_client.get(f"{ADMIN}quizzes/question/?status__exact=published&difficulty__exact=3")
    assert response.context["cl"].result_count == 21


def test_preview_renders_the_question_as_a_student_sees_it(admin_client):
    question = make_question(stem="Fever. <img src=x onerror=alert(1)>", status="draft")
    response = admin_client.get(f"{ADMIN}quizzes/question/{question.pk}/preview/")
    assert response.status_code == 200
    assert "Fever." in response.text
    assert "onerror" not in response.text
    assert question.lead_in in response.text
    assert "students cannot see it until it is published" in response.text
    assert question.educational_objective in response.text


def test_preview_is_staff_only(client, student):
    question = make_question()
    client.force_login(student)
    response = client.get(f"{ADMIN}quizzes/question/{question.pk}/preview/")
    assert response.status_code == 302
    assert f"{ADMIN}login/" in response["Location"]


def test_users_and_cohorts_are_manageable(admin_client, student, cohort):
    assert admin_client.get(f"{ADMIN}accounts/user/{student.pk}/change/").status_code == 200
    assert "show_on_leaderboard" in admin_client.get(f"{ADMIN}accounts/user/{student.pk}/change/").text
    assert admin_client.get(f"{ADMIN}accounts/cohort/").status_code == 200
    assert admin_client.get(f"{ADMIN}quizzes/subject/").status_code == 200
    assert admin_client.get(f"{ADMIN}quizzes/system/").status_code == 200

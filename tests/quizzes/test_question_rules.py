import pytest
from django.db import IntegrityError, connection, transaction

from quizzes.models import Choice
from quizzes.question_rules import ChoiceData, choice_problems
from tests.conftest import make_question

pytestmark = pytest.mark.django_db


def five(correct="B"):
    return [ChoiceData(letter, f"text {letter}", letter == correct) for letter in "ABCDE"]


def test_a_well_formed_set_of_choices_has_no_problems():
    assert choice_problems(five()) == []


@pytest.mark.parametrize(
    ("choices", "problem"),
    [
        ([ChoiceData(letter, "t", False) for letter in "ABCDE"], "exactly one choice must be correct, not 0"),
        (
            [ChoiceData(letter, "t", letter in "AB") for letter in "ABCDE"],
            "exactly one choice must be correct, not 2",
        ),
        (
            [ChoiceData(letter, "t", letter == "A") for letter in "ABC"],
            "a question needs 4 to 6 choices, not 3",
        ),
        (
            [ChoiceData(letter, "t", letter == "A") for letter in "ABCDEFG"],
            "a question needs 4 to 6 choices, not 7",
        ),
        (
            [ChoiceData(letter, "t", letter == "A") for letter in "ABCC"],
            "choice letter C is used more than once",
        ),
        (
            [ChoiceData(letter, "t", letter == "A") for letter in "ABCZ"],
            "choice letters must be A-F, not 'Z'",
        ),
        ([ChoiceData(letter, " ", letter == "A") for letter in "ABCD"], "every choice needs text"),
    ],
)
def test_invalid_choice_sets_are_described(choices, problem):
    assert problem in choice_problems(choices)


def check_deferred_rules_now():
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_postgres_refuses_a_question_with_two_correct_choices():
    question = make_question()
    with pytest.raises(IntegrityError, match="exactly one is required"), transaction.atomic():
        Choice.objects.filter(question=question, letter="C").update(is_correct=True)
        check_deferred_rules_now()


def test_postgres_refuses_a_question_with_no_correct_choice():
    question = make_question()
    with pytest.raises(IntegrityError, match="exactly one is required"), transaction.atomic():
        Choice.objects.filter(question=question).update(is_correct=False)
        check_deferred_rules_now()


def test_postgres_refuses_three_choices():
    question = make_question()
    with pytest.raises(IntegrityError, match="4 to 6 are required"), transaction.atomic():
        Choice.objects.filter(question=question, letter__in="DE").delete()
        check_deferred_rules_now()


def test_postgres_refuses_a_seventh_choice():
    question = make_question(letters="ABCDEF")
    with pytest.raises(IntegrityError), transaction.atomic():
        Choice.objects.create(question=question, letter="F", text="again", is_correct=False)
        check_deferred_rules_now()


def test_postgres_refuses_a_duplicate_letter():
    question = make_question()
    with pytest.raises(IntegrityError), transaction.atomic():
        Choice.objects.filter(question=question, letter="E").update(letter="D")
        check_deferred_rules_now()


def test_moving_the_correct_mark_in_one_transaction_is_allowed():
    question = make_question(correct="B")
    with transaction.atomic():
        Choice.objects.filter(question=question, letter="A").update(is_correct=True)
        Choice.objects.filter(question=question, letter="B").update(is_correct=False)
        check_deferred_rules_now()
    assert question.choices.get(is_correct=True).letter == "A"


def test_deleting_a_question_with_its_choices_is_allowed():
    question = make_question()
    with transaction.atomic():
        question.delete()
        check_deferred_rules_now()

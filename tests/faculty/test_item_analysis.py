"""The item analysis figures against values worked out by hand, the flags, and KR-20."""

from math import sqrt

import pytest

from faculty.item_analysis import statistics_refresh
from faculty.models import BankStatistic, QuestionStatistic
from faculty.selectors import question_statistic_for
from tests.conftest import make_question, make_user
from tests.faculty.conftest import answer_block

pytestmark = pytest.mark.django_db

# Six students, four questions (key B for all), every student answering every question once:
#
#            Q1  Q2  Q3  Q4   right (x)      total
#   s1       B   B   B   B    1 1 1 1        4
#   s2       B   B   B   C    1 1 1 0        3
#   s3       B   B   A   C    1 1 0 0        2
#   s4       B   C   B   D    1 0 1 0        2
#   s5       A   B   C   C    0 1 0 0        1
#   s6       -   D   D   B    0 0 0 1        1      ("-": left unanswered, omitted, incorrect)
ANSWERS = ["BBBB", "BBBC", "BBAC", "BCBD", "ABCC", "-DDB"]
# Q1's answer times in seconds (s6 omitted it, so has none).
Q1_SECONDS = [10, 20, 30, 40, 50]


@pytest.fixture
def six_students(cohort):
    questions = [make_question(subject="Pathology", system="Renal") for _ in range(4)]
    students = [make_user(f"s{number}", cohort=cohort) for number in range(1, 7)]
    for student, letters, seconds in zip(students, ANSWERS, [*Q1_SECONDS, 0], strict=True):
        answer_block(student, questions, letters, elapsed_ms=[seconds * 1000, 5000, 5000, 5000])
    return questions, students


def test_question_figures_match_the_hand_computation(six_students):
    (q1, _q2, _q3, q4), _students = six_students
    statistics_refresh()
    first = question_statistic_for(q1.pk)
    # Q1: 4 of 6 right; s6's omitted first attempt counts as a wrong one.
    assert (first.attempts, first.correct, first.omitted) == (6, 4, 1)
    assert first.facility == pytest.approx(100 * 4 / 6)
    # Rest scores (correct - x) / 3: s1 3/3, s2 2/3, s3 1/3, s4 1/3, s5 1/3, s6 1/3.
    # In thirds r = 3 2 1 1 1 1 (mean 1.5), x = 1 1 1 1 0 0 (mean 2/3):
    # sum (x - 2/3)(r - 1.5) = 0.5 + 1/6 - 1/6 - 1/6 + 1/3 + 1/3 = 1
    # sum (x - 2/3)^2 = 4/9 * 1 + 2 * 4/9 = 4/3;   sum (r - 1.5)^2 = 2.25 + 0.25 + 4 * 0.25 = 3.5
    # r = 1 / sqrt(4/3 * 3.5) = sqrt(3/14) = 0.4629
    assert first.discrimination == pytest.approx(sqrt(3 / 14))
    # Letters of all six: B 4, A 1, omitted 1.
    shares = {share.label: share for share in first.letter_shares}
    assert shares["B"].share == pytest.approx(100 * 4 / 6) and shares["B"].is_key
    assert shares["A"].share == pytest.approx(100 / 6)
    assert shares["Omitted"].share == pytest.approx(100 / 6)
    assert shares["C"].share == 0 and shares["F"].share is None  # no choice F in this question
    # Groups: ceil(27 % of 6) = 2 each. By rest score (ties by user id): s1, s2 | s3 s4 | s5, s6.
    assert (first.top_n, first.bottom_n) == (2, 2)
    assert shares["B"].top == 100 and shares["B"].bottom == 0
    assert shares["A"].bottom == 50 and shares["Omitted"].bottom == 50
    # Mean time of the five answered first attempts: (10 + 20 + 30 + 40 + 50) / 5 = 30 s.
    assert (first.mean_time_ms, first.timed_answers) == (30_000, 5)
    assert first.open_reports == 0

    fourth = question_statistic_for(q4.pk)
    # Q4: x = 1 0 0 0 0 1; rest in thirds r = 3 3 2 2 1 0 (mean 11/6), x mean 1/3:
    # sum (x - 1/3)(r - 11/6) = (14 - 7 - 1 - 1 + 5 - 22) / 18 = -2/3
    # sum (x - 1/3)^2 = 4/3;  sum (r - 11/6)^2 = 27 - 6 * (11/6)^2 = 41/6
    # r = (-2/3) / sqrt(4/3 * 41/6) = -2 / sqrt(82) = -0.2209
    assert fourth.discrimination == pytest.approx(-2 / sqrt(82))
    assert fourth.facility == pytest.approx(100 * 2 / 6)
    # Fewer than 20 first attempts: a negative discrimination alone does not flag the key.
    assert fourth.flags == []


def test_kr20_on_complete_data_is_the_textbook_kr20(six_students):
    statistics_refresh()
    bank = BankStatistic.objects.get(cohort__isnull=True)
    # p = 4/6, 4/6, 3/6, 2/6; sum p(1-p) = (8 + 8 + 9 + 8) / 36 = 33/36
    # totals 4 3 2 2 1 1: mean 13/6, population variance 35/6 - (13/6)^2 = 41/36
    # KR-20 = 4/3 * (1 - (33/36) / (41/36)) = 4/3 * 8/41 = 32/123
    assert bank.kr20 == pytest.approx(32 / 123, abs=1e-12)
    assert (bank.students, bank.first_attempts, bank.questions) == (6, 24, 4)
    assert bank.form_length == pytest.approx(4)


def test_a_cohort_kr20_uses_its_own_students_and_item_difficulties(six_students, cohort):
    questions, _students = six_students
    answer_block(make_user("outsider"), questions, "AAAA")  # all wrong, in no cohort
    statistics_refresh()
    # The bank, now seven students: p = 4/7 4/7 3/7 2/7, sum p(1-p) = (12 + 12 + 12 + 10) / 49 = 46/49;
    # totals 4 3 2 2 1 1 0: variance 35/7 - (13/7)^2 = 76/49; KR-20 = 4/3 * (1 - 46/76) = 10/19
    assert BankStatistic.objects.get(cohort__isnull=True).kr20 == pytest.approx(10 / 19, abs=1e-12)
    assert BankStatistic.objects.get(cohort=cohort).kr20 == pytest.approx(32 / 123, abs=1e-12)


def test_the_form_length_is_the_harmonic_mean_of_attempts(db):
    questions = [make_question() for _ in range(4)]
    answer_block(make_user("two"), questions[:2], "BA")
    answer_block(make_user("four"), questions, "BBAA")
    statistics_refresh()
    # 2 / (1/2 + 1/4) = 8/3
    assert BankStatistic.objects.get(cohort__isnull=True).form_length == pytest.approx(8 / 3)


def test_a_retake_changes_no_figure(six_students):
    questions, students = six_students
    statistics_refresh()
    before = list(QuestionStatistic.objects.order_by("question_id").values())
    kr20 = BankStatistic.objects.get(cohort__isnull=True).kr20
    # s5 and s6 answer everything right the second time, quickly
    for student in students[4:]:
        answer_block(student, questions, "BBBB", elapsed_ms=[1000] * 4)
    statistics_refresh()
    after = list(QuestionStatistic.objects.order_by("question_id").values())
    for row in before + after:
        row.pop("computed_at")
    assert after == before
    assert BankStatistic.objects.get(cohort__isnull=True).kr20 == kr20


def test_a_question_nobody_attempted_has_a_row_without_figures(db):
    question = make_question()
    statistics_refresh()
    row = question_statistic_for(question.pk)
    assert (row.attempts, row.facility, row.discrimination, row.mean_time_ms, row.flags) == (
        0,
        None,
        None,
        None,
        [],
    )
    assert BankStatistic.objects.get(cohort__isnull=True).kr20 is None


def test_refreshing_twice_keeps_one_row_each(six_students):
    statistics_refresh()
    result = statistics_refresh()
    assert result.questions == 4 and QuestionStatistic.objects.count() == 4
    assert BankStatistic.objects.filter(cohort__isnull=True).count() == 1


# --- Flags ---------------------------------------------------------------------------------------


def test_flags_on_twenty_students(db):
    anchors = [make_question() for _ in range(3)]
    wrong_key, easy, hard, fine = (make_question() for _ in range(4))
    for number in range(20):
        strong = number < 10
        weak_letter = "ACDEB"[number % 5]
        letters = ("BBB" if strong else "AAA") + "".join(
            [
                "C" if strong else "B",  # wrong_key: the strong students all pick C
                "B",  # easy: everyone right
                "B" if number < 4 else "ACDE"[number % 4],  # hard: 4 of 20 right
                "B" if strong else weak_letter,  # fine: 12 of 20 right, each distractor 2 of 20
            ]
        )
        answer_block(make_user(f"f{number}"), [*anchors, wrong_key, easy, hard, fine], letters)
    statistics_refresh()
    flags = {
        question: question_statistic_for(question.pk).flags for question in (wrong_key, easy, hard, fine)
    }
    # A, D and E were never chosen for wrong_key: dead distractors too.
    assert flags[wrong_key] == ["likely-wrong-key", "dead-distractor"]
    assert question_statistic_for(wrong_key.pk).discrimination < 0
    assert flags[easy] == ["too-easy", "dead-distractor"]
    assert flags[hard] == ["too-hard"]
    assert flags[fine] == []


def test_a_key_the_top_group_passes_over_is_flagged_even_on_few_attempts(db):
    anchors = [make_question() for _ in range(2)]
    suspect = make_question()
    # Two strong students (both anchors right) choose C; three weak ones choose the key B.
    for number, letters in enumerate(["BBC", "BBC", "AAB", "AAB", "AAB"]):
        answer_block(make_user(f"t{number}"), [*anchors, suspect], letters)
    statistics_refresh()
    row = question_statistic_for(suspect.pk)
    # ceil(27 % of 5) = 2: the top group is the two strong students, both on C.
    assert row.top_n == 2 and row.top_c == 2 and row.top_b == 0
    assert "likely-wrong-key" in row.flags

"""The admin's Item analysis page: who may open it, the table, sorting, filters, pages, CSV, refreshing."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from faculty.item_analysis import statistics_refresh
from faculty.models import BankStatistic, QuestionStatistic
from quizzes.models import Choice, Question, Subject, System
from tests.conftest import ADMIN, make_question, make_taxonomy, make_user, run_tasks
from tests.faculty.conftest import answer_block, signed_in

pytestmark = pytest.mark.django_db

URL = f"{ADMIN}faculty/questionstatistic/"
CSV_URL = f"{URL}export.csv"
REFRESH_URL = f"{URL}refresh/"


def queued_refreshes() -> int:
    return DBTaskResult.objects.filter(task_path="faculty.tasks.item_analysis_refresh").count()


def many_questions(count: int) -> list[Question]:
    """Questions in bulk (two subjects, two systems, every fifth a draft), without first attempts."""
    subjects = [make_taxonomy(Subject, "Pathology"), make_taxonomy(Subject, "Pharmacology")]
    systems = [make_taxonomy(System, "Renal"), make_taxonomy(System, "Cardiovascular")]
    questions = Question.objects.bulk_create(
        Question(
            external_id=f"bulk-{number}",
            stem="Stem.",
            lead_in="Which?",
            explanation="Because.",
            educational_objective="Know.",
            subject=subjects[number % 2],
            system=systems[number // 2 % 2],
            status="draft" if number % 5 == 0 else "published",
        )
        for number in range(count)
    )
    Choice.objects.bulk_create(
        Choice(question=question, letter=letter, text=letter, is_correct=letter == "B")
        for question in questions
        for letter in "ABCDE"
    )
    return questions


@pytest.fixture
def answered(db):
    """Three questions with first attempts by four students, figures computed."""
    renal = [make_question(subject="Pathology", system="Renal") for _ in range(2)]
    heart = make_question(subject="Pharmacology", system="Cardiovascular")
    for number, letters in enumerate(["BBB", "BBA", "BAA", "AAA"]):
        answer_block(make_user(f"a{number}"), [*renal, heart], letters)
    statistics_refresh()
    return [*renal, heart]


# --- Who may open it -------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_admin_login(client):
    for url in (URL, CSV_URL):
        response = client.get(url)
        assert response.status_code == 302 and f"{ADMIN}login/" in response["Location"]
    assert client.post(REFRESH_URL).status_code == 302
    assert queued_refreshes() == 0


def test_a_student_is_refused(client, student):
    client.force_login(student)
    for url in (URL, CSV_URL):
        response = client.get(url)
        assert response.status_code == 302 and f"{ADMIN}login/" in response["Location"]
    client.post(REFRESH_URL)
    assert queued_refreshes() == 0


def test_staff_without_a_verified_second_factor_are_sent_to_it(client, staff_user):
    client.force_login(staff_user)
    response = client.get(URL)
    assert response.status_code == 302  # to the admin login, which sends a password-only session on
    assert "/accounts/two-factor/" in client.get(response["Location"])["Location"]


def test_any_staff_member_may_read_it_not_only_superusers(client, answered):
    teacher = make_user("teacher", is_staff=True)
    response = signed_in(client, teacher).get(URL)
    assert response.status_code == 200
    assert "Item analysis" in response.text


def test_wrong_methods_are_405(admin_client):
    assert admin_client.post(URL).status_code == 405
    assert admin_client.post(CSV_URL).status_code == 405
    assert admin_client.get(REFRESH_URL).status_code == 405


def test_the_admin_index_links_to_the_faculty_pages(admin_client):
    text = admin_client.get(ADMIN).text
    assert f'href="{URL}"' in text and f'href="{ADMIN}faculty/cohortdashboard/"' in text
    assert f"{URL}add/" not in text


# --- What it shows ---------------------------------------------------------------------------


def test_the_table_shows_each_question_with_its_figures(admin_client, answered):
    first = answered[0]
    text = admin_client.get(URL).text
    assert f'href="{ADMIN}quizzes/question/{first.pk}/change/"' in text
    # first question: 3 of 4 right (75 %); B chosen by 3, A by 1
    assert "75.0 %" in text
    assert "<caption" in text and 'scope="col"' in text and 'scope="row"' in text
    assert "Computed <time" in text and "from the first attempts only" in text
    assert "KR-20" in text and "harmonic mean" in text


def test_sort_links_say_their_direction_and_sort(admin_client, answered):
    text = admin_client.get(URL, {"o": "facility"}).text
    assert 'aria-sort="ascending"' in text and "(ascending)" in text
    assert 'href="?o=-facility"' in text and ": sort descending</span>" in text
    assert 'href="?o=n"' in text and ": sort ascending</span>" in text
    ascending = admin_client.get(URL, {"o": "facility"}).context["page"].object_list
    assert [row.facility for row in ascending] == sorted(row.facility for row in ascending)
    descending = admin_client.get(URL, {"o": "-facility"}).context["page"].object_list
    assert [row.question_id for row in descending] == [row.question_id for row in ascending][::-1]


def test_filters_by_subject_system_status_and_flag(admin_client, answered):
    renal = {question.pk for question in answered[:2]}

    def shown(**query):
        return {row.question_id for row in admin_client.get(URL, query).context["page"].object_list}

    assert shown(subject="pathology") == renal
    assert shown(system="cardiovascular") == {answered[2].pk}
    assert shown(status="draft") == set()
    QuestionStatistic.objects.filter(question=answered[2]).update(flag_too_hard=True)
    assert shown(flag="too-hard") == {answered[2].pk}
    assert shown(flag="too-hard", subject="pathology") == set()


def test_a_bad_filter_is_a_400_with_a_message(admin_client, answered):
    for query in ({"o": "stem"}, {"flag": "boring"}, {"subject": "no-such-subject"}, {"status": "x"}):
        response = admin_client.get(URL, query)
        assert response.status_code == 400
        assert "These filters cannot be applied" in response.text
        assert admin_client.get(CSV_URL, query).status_code == 400


def test_pages_of_one_hundred_with_a_query_budget(admin_client, django_assert_max_num_queries):
    many_questions(300)
    statistics_refresh()
    # session, user, device, subjects, systems, the bank row, the count, the page's rows
    with django_assert_max_num_queries(8):
        response = admin_client.get(URL, {"o": "-id", "status": "published"})
    page = response.context["page"]
    assert page.paginator.count == 240 and len(page.object_list) == 100
    assert "Page 1 of 3" in response.text and 'href="?o=-id&amp;status=published&amp;page=2"' in response.text
    third = admin_client.get(URL, {"o": "-id", "status": "published", "page": 3}).context["page"]
    assert len(third.object_list) == 40
    assert admin_client.get(URL, {"page": "99"}).context["page"].number == 3  # past the end: the last page


def test_the_empty_page_has_a_query_budget_and_queues_the_first_refresh(
    admin_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = admin_client.get(URL)
    assert response.status_code == 200
    assert "Not computed yet" in response.text and "A refresh is queued" in response.text
    assert queued_refreshes() == 1
    admin_client.get(URL)
    assert queued_refreshes() == 1  # one queued refresh, however many page views


# --- CSV --------------------------------------------------------------------------------------


def test_the_csv_has_the_filtered_rows(admin_client, answered, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # session, user, device, subjects, systems, rows
        response = admin_client.get(CSV_URL, {"subject": "pathology", "o": "id"})
        body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [int(row["question_id"]) for row in rows] == [question.pk for question in answered[:2]]
    first = rows[0]
    assert (first["subject"], first["system"], first["n"], first["facility_percent"]) == (
        "Pathology",
        "Renal",
        "4",
        "75.00",
    )
    assert (first["share_B_percent"], first["share_A_percent"], first["share_F_percent"]) == (
        "75.00",
        "25.00",
        "",
    )
    assert first["key"] == "B" and first["open_reports"] == "0"


# --- Refreshing ---------------------------------------------------------------------------------


def test_refresh_now_queues_one_refresh_which_the_worker_runs(admin_client, answered):
    QuestionStatistic.objects.all().delete()
    response = admin_client.post(REFRESH_URL, follow=True)
    assert "A refresh is queued" in response.text
    assert "already queued" in admin_client.post(REFRESH_URL, follow=True).text
    assert queued_refreshes() == 1
    run_tasks()
    assert QuestionStatistic.objects.count() == 3
    assert "A refresh is queued" not in admin_client.get(URL).text  # done: the marker is gone, figures fresh


def test_figures_older_than_the_maximum_age_are_refreshed_when_the_page_opens(admin_client, answered):
    admin_client.get(URL)
    assert queued_refreshes() == 0  # fresh
    old = timezone.now() - timedelta(minutes=31)
    BankStatistic.objects.update(computed_at=old)
    QuestionStatistic.objects.update(computed_at=old)
    assert "A refresh is queued" in admin_client.get(URL).text
    run_tasks()
    assert BankStatistic.objects.get(cohort__isnull=True).computed_at > old + timedelta(minutes=30)

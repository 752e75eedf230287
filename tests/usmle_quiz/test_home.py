import pytest

from tests.conftest import ADMIN, make_question

pytestmark = pytest.mark.django_db


def test_landing_page_invites_visitors_to_sign_up(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/accounts/signup/"' in response.text
    assert 'href="/accounts/login/"' in response.text
    assert "Hello," not in response.text


def test_dashboard_counts_published_questions_by_system_and_subject(student_client, bank):
    response = student_client.get("/")
    counts = response.context["counts"]
    assert counts.total == 6
    assert {(row.name, row.count) for row in counts.by_system} == {
        ("Cardiovascular", 2),
        ("Renal", 2),
        ("Nervous", 2),
    }
    assert {(row.name, row.count) for row in counts.by_subject} == {("Pathology", 3), ("Pharmacology", 3)}
    assert "Hello, Alice A." in response.text


def test_draft_questions_are_invisible_to_students(student_client, bank):
    make_question(system="Reproductive", subject="Genetics", status="draft")
    response = student_client.get("/")
    assert "Reproductive" not in response.text
    assert "Endocrine" not in response.text  # the bank fixture's draft
    assert "Genetics" not in response.text


def test_dashboard_query_count_does_not_grow_with_the_bank(student_client, django_assert_max_num_queries):
    for system in ("Cardiovascular", "Renal", "Nervous", "Endocrine", "Skin", "Respiratory"):
        for subject in ("Pathology", "Pharmacology", "Physiology"):
            make_question(system=system, subject=subject)
    with django_assert_max_num_queries(4):
        response = student_client.get("/")
    assert response.context["counts"].total == 18


def test_students_never_see_the_admin_link(student_client):
    assert f'href="{ADMIN}"' not in student_client.get("/").text


def test_staff_see_the_admin_link(client, staff_user):
    client.force_login(staff_user)
    assert f'href="{ADMIN}"' in client.get("/").text


def test_logout_is_a_post_form_with_csrf(student_client):
    text = student_client.get("/").text
    assert 'action="/accounts/logout/"' in text
    assert 'name="csrfmiddlewaretoken"' in text


def test_home_refuses_post(client):
    assert client.post("/").status_code == 405


def test_favicon_ico_points_at_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].startswith("/static/img/favicon.")

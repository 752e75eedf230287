import re

import pytest
from django.core.cache import cache
from django.test import Client

from quizzes.models import Question
from quizzes.services import questions_set_status
from tests.conftest import make_question

pytestmark = pytest.mark.django_db


def test_the_landing_page_is_rendered_once_and_served_from_the_cache(client, django_assert_num_queries):
    first = client.get("/")
    assert cache.get("page:landing") is not None
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second.text == first.text
    assert "Create a free account" in second.text


def test_a_visitor_with_a_flash_message_gets_a_fresh_landing_page(student_client):
    student_client.post("/accounts/logout/")
    assert student_client.get("/").status_code == 200  # rendered, not from the cache (no leak of messages)
    assert "csrfmiddlewaretoken" not in cache.get("page:landing", "")


def test_bank_counts_are_cached_until_the_bank_changes(
    student_client, bank, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    student_client.get("/")
    with django_assert_max_num_queries(2):  # session user only: the counts come from Redis
        assert student_client.get("/").context["counts"].total == 6
    draft = make_question(status=Question.Status.DRAFT, system="Skin")
    with django_capture_on_commit_callbacks(execute=True):  # the cache is invalidated once the change commits
        questions_set_status(questions=Question.objects.filter(pk=draft.pk), status=Question.Status.PUBLISHED)
    counts = student_client.get("/").context["counts"]
    assert counts.total == 7
    assert "Skin" in {row.name for row in counts.by_system}


def test_hashed_static_files_are_immutable_for_a_year(client):
    html = client.get("/").text
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html).group(1)
    response = client.get(stylesheet)
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "immutable" in cache_control and "public" in cache_control
    assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) >= 365 * 24 * 3600


def test_personal_pages_are_private_and_vary_on_the_cookie(student_client, bank):
    for url in ["/", "/quizzes/", "/stats/", "/leaderboard/", "/quizzes/new/"]:
        response = student_client.get(url)
        assert "private" in response["Cache-Control"], url
        assert "Cookie" in response["Vary"], url


def test_the_anonymous_landing_page_is_not_marked_private():
    response = Client().get("/")
    assert "private" not in response.get("Cache-Control", "")

"""PostgreSQL unreachable: every page is the friendly 503, the liveness check still 200, never a 500.

The test points this process's connection at a port where nothing listens (a
real refused connection), after the student has signed in.
"""

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import make_block, make_question
from tests.faults.conftest import free_port

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def database_down():
    def cut():
        connection.close()
        connection.settings_dict["PORT"] = str(free_port())

    original = connection.settings_dict["PORT"]
    yield cut
    connection.close()
    connection.settings_dict["PORT"] = original


def test_with_the_database_unreachable_every_page_is_a_503_and_healthz_stays_200(student, database_down):
    block = make_block(student, [make_question()])
    client = Client(raise_request_exception=False)
    client.force_login(student)
    database_down()

    assert client.get("/healthz").status_code == 200  # liveness never touches the database
    pages = ["/", "/stats/", "/leaderboard/", "/quizzes/", f"/quizzes/{block.pk}/q/1/", "/accounts/profile/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == "5"
        assert "busy" in response.text.lower() and "Traceback" not in response.text
    answer = client.post(f"/quizzes/{block.pk}/q/1/", {"choice": "A"}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 503 and "error" in answer.json()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["database"].startswith("down")
    visitor = Client(raise_request_exception=False)
    assert visitor.get("/accounts/login/").status_code == 200  # a page that needs no database

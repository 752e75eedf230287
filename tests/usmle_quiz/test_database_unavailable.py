import time

import pytest
from django.db import connection

from usmle_quiz import settings as project_settings


@pytest.mark.django_db(transaction=True)
def test_a_query_over_the_statement_timeout_gets_a_friendly_503_at_once(client, settings):
    settings.ROOT_URLCONF = "tests.usmle_quiz.slow_urls"
    client.raise_request_exception = False
    began = time.monotonic()
    response = client.get("/slow/")
    assert time.monotonic() - began < 2  # cancelled at 200 ms, not after the 3 s sleep
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "We are busy for a moment" in response.text
    # the connection is usable again for the next request
    assert client.get("/healthz").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


@pytest.mark.django_db(transaction=True)
def test_json_clients_get_a_json_503(client, settings):
    settings.ROOT_URLCONF = "tests.usmle_quiz.slow_urls"
    response = client.get("/slow/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response.json()["error"].startswith("The service is busy")


def test_statement_timeout_is_a_connection_option_by_default():
    options = project_settings.DATABASES["default"]["OPTIONS"]
    assert options.get("options") == "-c statement_timeout=5000 -c max_parallel_workers_per_gather=0"


@pytest.mark.django_db
def test_the_live_connection_has_the_statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "5s"

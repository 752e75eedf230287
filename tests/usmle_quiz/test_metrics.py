"""GET /metrics: who may read it, what it shows (view names, never URLs) and the gauges computed when scraped.

The product's counters have their own file (test_metrics_counters.py), the figures summed across gunicorn
workers theirs (test_metrics_gunicorn.py).
"""

from __future__ import annotations

import os

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client

from accounts.tasks import password_reset_mail
from tests.conftest import make_block, make_user
from tests.usmle_quiz.scraping import (  # noqa: F401 - dead_redis is a fixture
    dead_redis,
    point_at_dead_redis,
    samples,
    scrape,
    series,
    value,
)
from tests.usmle_quiz.test_settings import start_settings
from usmle_quiz import metrics

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-of-this-test-0123456789"


@pytest.fixture(autouse=True)
def _fresh_active_students():
    """Students noted by an earlier test are not noted again for a minute: start each test afresh."""
    metrics._seen.clear()
    yield
    metrics._seen.clear()


# --- Who may read it ----------------------------------------------------------------------------------
def test_an_address_outside_metrics_allowed_gets_the_ordinary_404(settings):
    settings.METRICS_ALLOWED = ["10.1.0.0/16"]
    response = Client(REMOTE_ADDR="203.0.113.9").get("/metrics")
    assert response.status_code == 404
    assert "Page not found" in response.text  # the site's own 404: nothing says there is something here
    assert "usmle_" not in response.text
    assert Client(REMOTE_ADDR="203.0.113.9").post("/metrics").status_code == 404  # not even a 405


def test_an_address_in_an_allowed_network_reads_the_metrics(settings):
    settings.METRICS_ALLOWED = ["10.1.0.0/16"]
    response = Client(REMOTE_ADDR="10.1.2.3").get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "usmle_logins_total" in response.text
    assert Client(REMOTE_ADDR="10.2.0.1").get("/metrics").status_code == 404


def test_the_bearer_token_opens_it_from_anywhere_and_a_wrong_one_does_not(settings):
    settings.METRICS_ALLOWED = []
    settings.METRICS_TOKEN = TOKEN
    stranger = Client(REMOTE_ADDR="198.51.100.7")
    assert stranger.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert stranger.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x").status_code == 404
    assert stranger.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 404
    assert stranger.get("/metrics").status_code == 404


def test_without_a_token_configured_no_bearer_opens_it(settings):
    settings.METRICS_ALLOWED = []
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_behind_the_trusted_proxy_the_forwarded_client_is_the_one_checked(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.METRICS_ALLOWED = ["10.0.0.0/8"]
    proxied = Client(REMOTE_ADDR="10.0.0.2")
    assert proxied.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 404
    assert proxied.get("/metrics", HTTP_X_FORWARDED_FOR="10.0.0.9").status_code == 200


def test_metrics_disabled_is_a_404_even_for_an_allowed_address(settings):
    settings.METRICS_ENABLED = False
    assert Client().get("/metrics").status_code == 404


def test_an_allowed_client_posting_gets_405():
    assert Client().post("/metrics").status_code == 405


def test_a_scrape_writes_no_session_sets_no_cookie_and_is_never_stored_by_a_proxy():
    sessions = Session.objects.count()
    response = Client().get("/metrics")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert Session.objects.count() == sessions


def test_a_bad_metrics_allowed_entry_stops_start_up_naming_the_variable():
    result = start_settings(DEBUG="true", METRICS_ALLOWED="127.0.0.1,10.0.0.0/33")
    assert result.returncode != 0
    assert "METRICS_ALLOWED: '10.0.0.0/33' is not an address or a network" in result.stderr


def test_the_flood_guard_never_refuses_the_scrape_of_an_allowed_address(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "ip_flood": "1/m"}
    local = Client()
    assert local.get("/").status_code == 200
    assert local.get("/").status_code == 429
    assert local.get("/metrics").status_code == 200


def test_a_scrape_costs_at_most_two_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert Client().get("/metrics").status_code == 200


# --- What the request series say ----------------------------------------------------------------------
def test_a_block_page_is_counted_under_its_view_name_never_its_url(student_client, student, bank):
    block = make_block(student, bank[:2])
    assert student_client.get(f"/quizzes/{block.pk}/q/1/").status_code == 200
    response = Client().get("/metrics")
    assert f"/quizzes/{block.pk}" not in response.text
    found = samples(response.text)
    views = {
        dict(labels)["view"]
        for labels in series(found, "django_http_requests_total_by_view_transport_method_total")
    }
    assert "item_detail" in views
    assert all("/" not in view for view in views if view != "<unnamed view>")


def test_unknown_urls_share_one_label():
    assert Client().get("/no-such-page-4711/").status_code == 404
    response = Client().get("/metrics")
    assert "4711" not in response.text
    assert value(
        samples(response.text),
        "django_http_responses_total_by_status_view_method_total",
        method="GET",
        status="404",
        view="<unnamed view>",
    )


def test_scrapes_are_left_out_of_the_request_series():
    scrape()
    found = scrape()
    for name in (
        "django_http_requests_total_by_view_transport_method_total",
        "django_http_requests_latency_seconds_by_view_method_count",
        "django_http_responses_total_by_status_view_method_total",
    ):
        assert not [labels for labels in series(found, name) if dict(labels).get("view") == "metrics"]


def test_a_failed_request_is_one_500_and_one_latency_observation(student, monkeypatch):
    import usmle_quiz.views

    def explode():
        raise RuntimeError("boom")

    monkeypatch.setattr(usmle_quiz.views, "bank_counts", explode)
    client = Client(raise_request_exception=False)
    client.force_login(student)
    latency = ("django_http_requests_latency_seconds_by_view_method_count", {"method": "GET", "view": "home"})
    errors = (
        "django_http_responses_total_by_status_view_method_total",
        {"method": "GET", "status": "500", "view": "home"},
    )
    raised = ("django_http_exceptions_total_by_type_total", {"type": "RuntimeError"})
    before = scrape()
    assert client.get("/").status_code == 500
    after = scrape()
    for name, labels in (latency, errors, raised):
        assert (value(after, name, **labels) or 0) - (value(before, name, **labels) or 0) == 1, name


def test_latency_buckets_hold_the_alert_thresholds():
    found = scrape()
    bounds = {
        dict(labels)["le"]
        for labels in series(found, "django_http_requests_latency_seconds_by_view_method_bucket")
    }
    assert {"2.0", "5.0", "+Inf"} <= bounds


# --- Gauges computed at scrape time -------------------------------------------------------------------
def test_the_site_gauges_have_sane_values(student_client):
    assert student_client.get("/").status_code == 200  # a signed-in request: one active student
    password_reset_mail.enqueue(email="nobody@example.org", domain="testserver", use_https=False)
    found = scrape()
    assert value(found, "usmle_active_students") == 1
    connections, most = value(found, "usmle_db_connections"), value(found, "usmle_db_connections_max")
    assert 1 <= connections <= most
    assert most >= 20
    assert value(found, "usmle_redis_up") == 1
    assert value(found, "usmle_task_queue_ready") >= 1
    assert 0 <= value(found, "usmle_task_queue_oldest_seconds") < 60
    assert value(found, "usmle_build_info", version="0.1.0") == 1


def test_this_process_reports_its_memory_and_cpu():
    found = scrape()
    memory = value(found, "usmle_process_resident_memory_bytes", pid=str(os.getpid()))
    assert 20 * 1024 * 1024 < memory < 4 * 1024**3
    assert value(found, "usmle_process_cpu_seconds_total", pid=str(os.getpid())) > 0


def test_each_student_counts_once_however_many_requests():
    alice, bob = make_user(), make_user()
    for student, visits in ((alice, 3), (bob, 1)):
        client = Client()
        client.force_login(student)
        for _ in range(visits):
            assert client.get("/stats/").status_code == 200
    assert metrics.active_students_count() == 2
    assert value(scrape(), "usmle_active_students") == 2


@pytest.mark.usefixtures("dead_redis")
def test_with_redis_away_redis_is_down_and_active_students_unknown():
    assert metrics.active_students_count() is None
    found = scrape()
    assert value(found, "usmle_redis_up") == 0
    assert value(found, "usmle_active_students") is None  # unknown, not zero
    assert value(found, "usmle_db_connections") >= 1  # the rest is still there


# --- django-prometheus on Django 6.1, psycopg 3 and our Redis breaker ---------------------------------
def test_database_queries_and_cache_reads_are_counted(student_client):
    before = scrape()
    assert student_client.get("/stats/").status_code == 200
    after = scrape()

    def moved(name, **labels):
        return (value(after, name, **labels) or 0) - (value(before, name, **labels) or 0)

    assert moved("django_db_execute_total", alias="default", vendor=connection.vendor) >= 1
    assert value(after, "django_db_query_duration_seconds_count", alias="default", vendor=connection.vendor)
    assert moved("django_cache_get_total", backend="redis") >= 1
    gets = moved("django_cache_get_hits_total", backend="redis") + moved(
        "django_cache_get_misses_total", backend="redis"
    )
    assert gets == moved("django_cache_get_total", backend="redis")


def test_a_dead_redis_is_a_counted_cache_failure_not_an_error_page(student_client, settings):
    before = scrape()
    point_at_dead_redis(settings)
    assert student_client.get("/stats/").status_code == 200  # the breaker-wrapped pool fails open
    after = scrape()
    failed = (value(after, "django_cache_get_fail_total", backend="redis") or 0) - (
        value(before, "django_cache_get_fail_total", backend="redis") or 0
    )
    assert failed >= 1


def test_every_reply_is_counted_by_status_even_one_a_middleware_made(student):
    """The error ratio's counter sits outermost: a middleware's own reply (here a 413) counts too."""
    client = Client()
    client.force_login(student)
    before = scrape()
    body = b"x" * (2 * 1024 * 1024)
    assert client.post("/quizzes/new/", data=body, content_type="application/octet-stream").status_code == 413
    assert client.get("/no-such-page-4711/").status_code == 404
    after = scrape()
    for status in ("413", "404"):
        grown = (value(after, "usmle_http_responses_total", status=status) or 0) - (
            value(before, "usmle_http_responses_total", status=status) or 0
        )
        assert grown == 1, status
    # django-prometheus's innermost counter never saw the 413.
    assert not [
        labels
        for labels in series(after, "django_http_responses_total_by_status_view_method_total")
        if dict(labels)["status"] == "413"
    ]

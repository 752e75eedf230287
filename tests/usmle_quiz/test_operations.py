"""The admin's Operations page and the per-minute buckets behind it (usmle_quiz.operations)."""

from __future__ import annotations

import json
import os
import time

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path
from django_redis import get_redis_connection

from quizzes.models import Block
from tests.conftest import ADMIN, correct_letter, make_block, verify_second_factor
from tests.faults.conftest import own_redis  # noqa: F401 - the fixture: a redis-server of the test's own
from usmle_quiz import operations, operations_state

pytestmark = pytest.mark.django_db

PAGE = f"{ADMIN}operations/"
LIVE = f"{ADMIN}operations/live/"


def broken(request):
    raise RuntimeError("a bug in a view")


def unavailable(request):
    return HttpResponse("try again", status=503)


# The site's URLs plus two that fail, for the 5xx counts (@pytest.mark.urls(__name__)).
urlpatterns = [
    path("broken/", broken),
    path("unavailable/", unavailable),
    path("", include("usmle_quiz.urls")),
]


@pytest.fixture(autouse=True)
def _no_counts_carried_over(tmp_path, monkeypatch):
    # Another test's requests may still wait in this process's memory; and this machine's own load
    # reports must not decide what the page shows.
    operations.pending_discard()
    monkeypatch.setattr(operations_state, "REPORTS", tmp_path / "reports")
    yield
    operations.pending_discard()


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    verify_second_factor(client, staff_user)
    return client


def stored(field: str) -> int:
    """What Redis holds for `field`, summed over every minute (a test may straddle two)."""
    redis = get_redis_connection("default")
    return sum(
        int(redis.hget(key, field) or 0) for key in redis.scan_iter(match=operations.minute_key(0)[:-1] + "*")
    )


def test_the_admin_index_links_to_the_page_and_the_page_opens_for_staff(admin_client):
    index = admin_client.get(ADMIN)
    assert f'href="{PAGE}"' in index.text
    response = admin_client.get(PAGE)
    assert response.status_code == 200
    assert "<h1>Operations</h1>" in response.text
    assert "Requests a second" in response.text and "Task" in response.text
    assert "No load run on this machine" in response.text


def test_anonymous_and_students_are_sent_to_the_admin_login(client, student):
    for url in (PAGE, LIVE):
        assert client.get(url)["Location"].startswith(f"{ADMIN}login/")
    client.force_login(student)
    for url in (PAGE, LIVE):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(f"{ADMIN}login/")


def test_staff_without_the_second_factor_are_sent_to_it(client, staff_user):
    client.force_login(staff_user)
    response = client.get(PAGE, follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/two-factor/")


def test_the_page_and_its_partial_answer_get_only(admin_client):
    assert admin_client.post(PAGE).status_code == 405
    assert admin_client.post(LIVE).status_code == 405


def test_the_partial_is_the_figures_region_alone_and_polls_itself(admin_client):
    response = admin_client.get(LIVE, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="ops-live"')
    assert f'hx-get="{LIVE}"' in response.text and 'hx-trigger="every 5s"' in response.text
    assert "<html" not in response.text
    # Without JavaScript the page still refreshes: a plain link.
    assert f'<a id="ops-refresh" href="{PAGE}">Refresh</a>' in response.text


def test_n_requests_through_the_client_are_n_in_the_bucket(client):
    for _ in range(7):
        assert client.get("/healthz").status_code == 200
    assert operations.buckets_flush()
    assert stored("requests") == 7
    assert stored("errors") == 0
    assert sum(stored(field) for field in operations.LATENCY_FIELDS) == 7


def test_counts_wait_in_memory_until_a_flush_is_due(client, settings):
    client.get("/healthz")  # the first request of a fresh process flushes at once
    client.get("/healthz")
    client.get("/healthz")
    assert stored("requests") == 1  # the other two wait for the next flush, FLUSH_SECONDS later
    operations.buckets_flush()
    assert stored("requests") == 3


@pytest.mark.urls(__name__)
def test_5xx_replies_are_counted_as_errors_and_4xx_are_not():
    client = Client(raise_request_exception=False)
    assert client.get("/broken/").status_code == 500
    assert client.get("/unavailable/").status_code == 503
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/healthz").status_code == 200
    operations.buckets_flush()
    assert stored("requests") == 4
    assert stored("errors") == 2
    hour = operations.hour_read()
    assert hour.now.error_rate == pytest.approx(0.5)


def test_p50_and_p95_come_from_the_histogram_as_prometheus_reads_one():
    # 90 fast replies (5 ms) and 10 slow ones (400 ms): the 95th falls half-way into the 250-500 ms bucket.
    for _ in range(90):
        operations.request_record(status=200, duration_ms=5)
    for _ in range(10):
        operations.request_record(status=200, duration_ms=400)
    operations.buckets_flush()
    now = operations.hour_read().now
    assert now.requests == 100
    assert now.latency_ms(0.95) == pytest.approx(375)
    assert now.latency_ms(0.5) == pytest.approx(10 * 50 / 90)
    assert 250 < now.latency_ms(0.95) <= 500  # the bucket the true p95 (400 ms) is in


def test_past_the_last_bound_the_quantile_says_at_least_that():
    counts = {"le:inf": 3}
    assert operations.latency_quantile_ms(counts, 0.95) == operations.LATENCY_BOUNDS_MS[-1]
    assert operations.latency_quantile_ms({}, 0.95) is None


def test_the_last_60_seconds_take_the_tail_of_the_minute_before():
    redis = get_redis_connection("default")
    minute = int(time.time() // 60)
    redis.hset(operations.minute_key(minute - 1), mapping={"requests": 60, "answers": 30})
    redis.hset(operations.minute_key(minute), mapping={"requests": 15})
    redis.hset(operations.minute_key(minute - 30), mapping={"requests": 120})
    # A quarter into the current minute: its 15 requests plus three quarters of the one before (45).
    hour = operations.hour_read(now=minute * 60 + 15)
    assert hour.now.requests == pytest.approx(60)
    assert hour.now.requests_per_second == pytest.approx(1)
    assert hour.now.answers_per_minute == pytest.approx(22.5)
    assert len(hour.points) == operations.MINUTES
    assert hour.points[-31].requests == 120 and hour.points[-2].requests == 60
    assert hour.whole.requests == 180  # the 60 full minutes before this one


def test_a_flush_sets_the_two_hour_expiry():
    operations.request_record(status=200, duration_ms=3)
    operations.buckets_flush()
    ttl = get_redis_connection("default").ttl(operations.minute_key(int(time.time() // 60)))
    assert 0 < ttl <= operations.KEEP_SECONDS


def test_answers_are_counted_once_their_transaction_commits(
    student, bank, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(student)
    block = make_block(student, bank[:3], mode=Block.Mode.TUTOR)
    with django_capture_on_commit_callbacks(execute=True):
        for item in block.items.select_related("question"):
            client.post(f"/quizzes/{block.pk}/q/{item.position}/", {"choice": correct_letter(item.question)})
        # The same answer again changes nothing, so it is not another answer.
        client.post(
            f"/quizzes/{block.pk}/q/1/", {"choice": correct_letter(block.items.get(position=1).question)}
        )
    operations.buckets_flush()
    assert stored("answers") == 3


def test_the_page_draws_the_hour_with_a_text_alternative_for_each_line(admin_client):
    redis = get_redis_connection("default")
    minute = int(time.time() // 60)
    for back, requests in ((5, 600), (4, 1200), (3, 300)):
        redis.hset(operations.minute_key(minute - back), mapping={"requests": requests, "le:50": requests})
    response = admin_client.get(PAGE)
    text = response.text
    assert response.status_code == 200
    assert 'role="img"' in text and 'aria-labelledby="ops-chart-rps"' in text
    assert (
        '<title id="ops-chart-rps">Requests a second, last 60 minutes: lowest 0.0, highest 20.0, now' in text
    )
    assert "peak 20.0" in text
    assert "style=" not in text.split('id="ops-live"', 1)[1]  # the CSP forbids inline styles


def test_gauges_sampled_by_the_page_are_kept_in_the_minute(admin_client, settings):
    admin_client.get(PAGE)
    sampled = get_redis_connection("default").hgetall(operations.minute_key(int(time.time() // 60)))
    assert b"g:tasks_ready" in sampled and b"g:db_connections" in sampled
    assert int(float(sampled[b"g:db_connections"])) >= 1  # this test's own connection at least


def test_the_task_queue_counts_ready_running_and_recent_failures(admin_client):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()

    def task(status, **fields):
        return DBTaskResult.objects.create(
            status=status, args_kwargs={"args": [], "kwargs": {}}, task_path="x.y", backend_name="default",
            run_after=fields.pop("run_after", get_date_max()), **fields,
        )  # fmt: skip

    waiting = task("READY")
    DBTaskResult.objects.filter(pk=waiting.pk).update(enqueued_at=now - timedelta(minutes=7))
    task("READY", run_after=now + timedelta(hours=1))  # scheduled for later: not waiting
    task("RUNNING", started_at=now)
    task("FAILED", finished_at=now - timedelta(minutes=10))
    task("FAILED", finished_at=now - timedelta(hours=3))  # before the hour
    queue = operations_state.task_queue(now=now)
    assert (queue.ready, queue.running, queue.failed_last_hour) == (1, 1, 1)
    assert 7 * 60 <= queue.oldest_waiting_seconds < 8 * 60
    text = admin_client.get(PAGE).text
    assert "1 running" in text and "1 failed" in text
    assert "Alert:</strong> a task has waited over 5 min 00 s" in text


def test_the_newest_load_run_summary_is_shown(admin_client, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    summary = {
        "scenario": "mixed", "users": 500, "duration": "5m", "pgbouncer": False, "requests": 39150,
        "requests_per_second": 130.5, "error_rate": 0.0004, "peak_db_connections": 23,
        "pages": {"GET /quizzes/[id]/q/[n]/": {"p95_ms": 410.0}, "GET /": {"p95_ms": 90.0}},
        "answers": {"acknowledged": 9000, "acknowledged_but_missing": 0, "duplicated": 0},
        "checks": {"error rate < 1 %": True, "no lost answer": True}, "passed": True,
    }  # fmt: skip
    (reports / "mixed-500.json").write_text(json.dumps(summary))
    (reports / "mixed-500-acks.json").write_text(json.dumps({"answered_items": [[1, 2]]}))
    floor = reports / "floor.json"
    floor.write_text(json.dumps({"results": {}, "login_capacity": []}))
    os.utime(reports / "mixed-500.json", (time.time() - 60, time.time() - 60))  # older than the others
    text = admin_client.get(PAGE).text
    assert "loadtests/reports/mixed-500.json" in text
    assert "mixed, 500 students, 5m" in text and "39,150 at 130.5 a second" in text
    assert "GET /quizzes/[id]/q/[n]/: 410 ms" in text and "passed" in text


def test_a_report_that_is_not_json_is_skipped_not_a_500(admin_client, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "half-written.json").write_text('{"scenario": "mix')
    response = admin_client.get(PAGE)
    assert response.status_code == 200 and "No load run on this machine" in response.text


def test_the_page_stays_within_its_query_budget(admin_client, django_assert_max_num_queries):
    admin_client.get(PAGE)  # the session warm in the cache, as for a page left open
    # The staff user and their second factor (the admin's), then one query for the connections and one for
    # the task queue; the traffic comes from Redis, whatever the hour held.
    for url in (PAGE, LIVE):
        with django_assert_max_num_queries(5):
            assert admin_client.get(url).status_code == 200


@pytest.mark.faults
def test_with_redis_down_requests_are_served_and_the_page_says_so(own_redis, staff_user, student):  # noqa: F811
    client = Client()
    client.force_login(staff_user)
    verify_second_factor(client, staff_user)
    own_redis.stop()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    student_client = Client()
    student_client.force_login(student)
    assert student_client.get("/stats/").status_code == 200
    assert operations.buckets_flush() is False  # kept in memory for when Redis is back
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Redis is down" in response.text
    assert "<strong>Alert:</strong> Redis lost" in response.text
    assert client.get(LIVE).status_code == 200
    # Back again: the counts that waited are sent with the next flush.
    own_redis.start()
    from usmle_quiz import redis_breaker

    redis_breaker.reset()
    assert operations.buckets_flush()
    assert stored("requests") >= 3
    assert "Redis is down" not in client.get(PAGE).text


def test_without_redis_nothing_is_recorded_and_the_page_says_why(admin_client, settings):
    settings.REDIS_URL = ""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ops-test"},
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ops-rl"},
    }
    operations.request_record(status=200, duration_ms=1)
    assert operations._pending == {}
    response = admin_client.get(PAGE)
    assert response.status_code == 200
    assert "this site runs without one" in response.text
    assert "Not configured" in response.text

"""The admin's Operations page in a real browser: no axe violations at desktop and phone widths, light and
dark; the figures refresh themselves through htmx under the site's CSP; the Refresh link works without it."""

from __future__ import annotations

import json
import time

import pytest
from django_redis import get_redis_connection
from playwright.sync_api import expect

from tests.browser.test_accessibility_admin import staff_page  # noqa: F401 - the fixture
from tests.browser.test_faculty_pages import check_at_both_sizes
from tests.conftest import ADMIN
from tests.faults.conftest import own_redis  # noqa: F401 - the fixture: a redis-server of the test's own
from usmle_quiz import operations, operations_state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _an_hour_of_traffic_and_a_load_report(tmp_path, monkeypatch):
    """A morning's traffic: a class arriving, one burst of errors, then a calm; and one load report."""
    operations.pending_discard()
    redis = get_redis_connection("default")
    minute = int(time.time() // 60)
    for back in range(1, 61):
        arrived = max(0, 40 - back) * 30  # requests a minute, rising towards now
        errors = 25 if back == 12 else 0
        redis.hset(
            operations.minute_key(minute - back),
            mapping={
                "requests": arrived + errors,
                "errors": errors,
                "answers": arrived // 6,
                "le:25": arrived * 8 // 10,
                "le:100": arrived - arrived * 8 // 10,
                "le:2500": errors,
            },
        )
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "mixed-500.json").write_text(
        json.dumps(
            {
                "scenario": "mixed", "users": 500, "duration": "5m", "requests": 39150,
                "requests_per_second": 130.5, "error_rate": 0.0004, "peak_db_connections": 23,
                "peak_gunicorn_rss_mb": 612.4, "gunicorn_cpu_percent_of_one_core": 94.0,
                "pages": {"GET /quizzes/[id]/q/[n]/": {"p95_ms": 410.0}},
                "answers": {"acknowledged": 9000, "acknowledged_but_missing": 0, "duplicated": 0},
                "checks": {"error rate < 1 %": True}, "passed": True,
            }
        )
    )  # fmt: skip
    monkeypatch.setattr(operations_state, "REPORTS", reports)
    yield
    operations.pending_discard()


def test_the_operations_page_has_no_axe_violations_and_refreshes_itself(staff_page):  # noqa: F811
    page = staff_page
    page.goto(ADMIN)
    page.get_by_role("link", name="Traffic, errors and services").first.click()
    expect(page.locator("h1")).to_have_text("Operations")
    expect(page.get_by_role("img", name="Requests a second, last 60 minutes")).to_be_visible()
    expect(page.locator("#content")).to_contain_text("mixed, 500 students, 5m")
    check_at_both_sizes(page, "operations page", "admin-operations")

    # htmx swaps in fresh figures (a new time stamp) without reloading the page.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.evaluate("document.body.dataset.loadedOnce = 'yes'")
    # A keyboard user on the Refresh link keeps the focus there while the region is swapped under it.
    page.locator("#ops-refresh").focus()
    first = page.locator("#ops-live time").first.get_attribute("datetime")
    page.wait_for_function(
        "(first) => document.querySelector('#ops-live time').getAttribute('datetime') !== first",
        arg=first,
        timeout=15_000,
    )
    assert page.evaluate("document.body.dataset.loadedOnce") == "yes"  # the same page, refreshed in place
    expect(page.locator("#ops-refresh")).to_be_focused()
    expect(page.locator("#ops-stale")).to_be_hidden()
    assert page.problems == []


@pytest.mark.faults
def test_with_redis_down_the_page_says_so_and_has_no_axe_violations(own_redis, staff_page):  # noqa: F811
    own_redis.stop()
    page = staff_page
    page.goto(f"{ADMIN}operations/")
    expect(page.locator("#content")).to_contain_text("Redis is down")
    expect(page.locator("#content")).to_contain_text("Alert: Redis lost")
    check_at_both_sizes(page, "operations page, Redis down", "admin-operations-redis-down")
    assert page.problems == []


def test_when_the_session_ends_the_page_says_its_figures_stopped_refreshing(staff_page):  # noqa: F811
    page = staff_page
    page.goto(f"{ADMIN}operations/")
    expect(page.locator("#ops-stale")).to_be_hidden()
    page.context.clear_cookies()  # signed out elsewhere, or the session expired
    expect(page.locator("#ops-stale")).to_be_visible(timeout=15_000)
    # The admin's login form (where the poll was redirected) is not swapped into the page.
    expect(page.locator("#ops-live")).to_be_visible()
    expect(page.locator("#login-form")).to_have_count(0)
    page.shot("admin-operations-stale")
    assert page.problems == []


def test_without_javascript_the_refresh_link_reloads_the_figures(chromium, live_server, staff_page):  # noqa: F811
    context = chromium.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    context.add_cookies(staff_page.context.cookies())
    page = context.new_page()
    try:
        page.goto(f"{ADMIN}operations/")
        expect(page.locator("#content")).to_contain_text("Requests a second")
        page.get_by_role("link", name="Refresh").click()
        expect(page.locator("h1")).to_have_text("Operations")
        page.screenshot(path=_shot("admin-operations-no-js-phone"), full_page=True)
    finally:
        context.close()


def _shot(name: str):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"

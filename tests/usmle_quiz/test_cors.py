"""Cross-origin access: only the origins in CORS_ALLOWED_ORIGINS, only to /api/, credentials only for them."""

import os
import subprocess
import sys

import pytest

from accounts.api_tokens import api_token_issue
from tests.usmle_quiz.test_settings import ROOT, start_settings

pytestmark = pytest.mark.django_db

APP = "https://app.example.org"
API = "/api/v1/me/"


@pytest.fixture
def allowed(settings):
    settings.CORS_ALLOWED_ORIGINS = [APP]


def test_by_default_no_origin_gets_cross_origin_access(client, student):
    _, raw = api_token_issue(user=student, device_name="phone")
    response = client.get(API, HTTP_ORIGIN=APP, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(API, HTTP_ORIGIN=APP, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert "access-control-allow-origin" not in preflight.headers


def test_a_listed_origin_signs_in_with_a_token_and_reads_the_api(client, student, allowed):
    _, raw = api_token_issue(user=student, device_name="phone")
    response = client.get(API, HTTP_ORIGIN=APP, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == student.username
    assert response.headers["access-control-allow-origin"] == APP
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "origin" in response.headers["vary"].lower()
    # The app may read the request id and a 429's wait.
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "x-request-id" in exposed and "retry-after" in exposed


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example.net", "http://app.example.org", "https://app.example.org.evil.net", "null"],
)
def test_an_origin_not_listed_gets_no_cross_origin_headers(client, student, allowed, origin):
    _, raw = api_token_issue(user=student, device_name="phone")
    response = client.get(API, HTTP_ORIGIN=origin, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-credentials" not in response.headers


def test_a_preflight_from_a_listed_origin_is_answered_and_cached(client, allowed, settings):
    response = client.options(
        "/api/v1/blocks/",
        HTTP_ORIGIN=APP,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == APP
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    for header in ("authorization", "content-type", "idempotency-key", "x-csrftoken"):
        assert header in allowed_headers
    assert response.headers["access-control-max-age"] == str(settings.CORS_PREFLIGHT_MAX_AGE)


def test_a_preflight_from_another_origin_is_refused(client, allowed):
    response = client.options(
        "/api/v1/blocks/", HTTP_ORIGIN="https://evil.example.net", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-methods" not in response.headers


def test_the_html_pages_never_answer_cross_origin(client, allowed):
    response = client.get("/accounts/login/", HTTP_ORIGIN=APP)
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_a_malformed_origin_stops_start_up_naming_the_variable():
    result = start_settings(DEBUG="true", CORS_ALLOWED_ORIGINS="https://app.example.org/")
    assert result.returncode != 0
    assert "CORS_ALLOWED_ORIGINS: 'https://app.example.org/' is not an origin" in result.stderr


def test_a_listed_origin_is_trusted_for_csrf_too():
    """A browser app on a listed origin may post with the session cookie: CSRF must accept its Origin."""
    clean = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    result = subprocess.run(
        [sys.executable, "-c", "from usmle_quiz import settings; print(settings.CSRF_TRUSTED_ORIGINS)"],
        cwd=ROOT,
        env={
            **clean,
            "DEBUG": "true",
            "CORS_ALLOWED_ORIGINS": "https://app.example.org",
            "CSRF_TRUSTED_ORIGINS": "https://quiz.example.org",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['https://quiz.example.org', 'https://app.example.org']"

"""Every refusal under /api/ is JSON {"detail", "code"}, including those the site's middleware gives."""

import pytest
from django.db import OperationalError
from rest_framework.test import APIClient

from tests.api.conftest import API

pytestmark = pytest.mark.django_db


def assert_refusal(reply, status: int, code: str) -> dict:
    assert reply.status_code == status
    assert reply["Content-Type"] == "application/json"
    body = reply.json()
    assert body["code"] == code and body["detail"]
    return body


def test_the_flood_guard_answers_an_api_client_in_json(api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "ip_flood": "2/m"}
    flooder = APIClient(REMOTE_ADDR="198.51.100.77")
    for _ in range(2):
        flooder.get(f"{API}/me/")
    body = assert_refusal(flooder.get(f"{API}/me/"), 429, "too_many_requests")
    assert body["retry_after"] >= 1


def test_a_database_that_is_away_is_a_json_503_whatever_the_client_accepts(api, monkeypatch):
    def away(**kwargs):
        raise OperationalError("the database went away")

    monkeypatch.setattr("api.views.progress.performance_for", away)
    reply = api.get(f"{API}/stats/", HTTP_ACCEPT="*/*")
    assert_refusal(reply, 503, "unavailable")
    assert reply["Retry-After"] == "5"


def test_bodies_too_large_nul_characters_and_unknown_methods(api, settings):
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 70 * 1024)
    assert_refusal(
        api.generic("POST", f"{API}/blocks/", body, content_type="application/json"), 413, "too_large"
    )
    assert_refusal(api.get(f"{API}/bank/", {"pool": "a\x00b"}), 400, "invalid")
    refused = assert_refusal(api.generic("TRACE", f"{API}/me/"), 405, "method_not_allowed")
    assert refused["detail"] == 'Method "TRACE" not allowed.'
    assert_refusal(api.put(f"{API}/me/", {}, format="json"), 405, "method_not_allowed")  # DRF's own
    unsupported = api.post(f"{API}/blocks/", "size=3", content_type="application/x-www-form-urlencoded")
    assert_refusal(unsupported, 415, "unsupported_media_type")


def test_the_pages_keep_their_own_refusals(student_client):
    assert student_client.generic("PATCH", "/quizzes/").status_code == 405  # only the API edits
    assert "text/html" in student_client.generic("PATCH", "/quizzes/")["Content-Type"]

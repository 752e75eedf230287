"""One log line per request with a request id (also in the reply and on error pages); no secret logged."""

from __future__ import annotations

import json
import logging

import pytest

from tests.conftest import PASSWORD, make_user
from usmle_quiz.request_log import JsonFormatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger="usmle_quiz.request")
    return lambda: [record for record in caplog.records if record.name == "usmle_quiz.request"]


def test_each_reply_carries_a_request_id_and_one_log_line_names_view_status_and_queries(
    client, request_lines
):
    user = make_user()
    client.force_login(user)
    response = client.get("/stats/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = [record for record in request_lines() if record.request_fields["request_id"] == request_id]
    fields = line.request_fields
    assert fields["view"] == "stats" and fields["route"] == "stats/" and fields["status"] == 200
    assert fields["user_id"] == user.pk and fields["queries"] >= 1 and fields["duration_ms"] > 0
    assert client.get("/stats/")["X-Request-ID"] != request_id  # a new id per request


def test_a_proxys_request_id_is_kept_and_a_malformed_one_replaced(client):
    assert (
        client.get("/healthz", headers={"X-Request-ID": "haproxy-0a1b2c3d"})["X-Request-ID"]
        == "haproxy-0a1b2c3d"
    )
    replaced = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})["X-Request-ID"]
    assert "<" not in replaced and len(replaced) == 32


def test_neither_a_password_nor_a_reset_token_reaches_the_log(client, request_lines, caplog):
    make_user("dora")
    client.post("/accounts/login/", {"username": "dora", "password": PASSWORD})
    client.get("/accounts/reset/MQ/set-password-token-abc123/")
    text = "\n".join(
        record.getMessage() + json.dumps(getattr(record, "request_fields", {})) for record in caplog.records
    )
    assert PASSWORD not in text and "set-password-token-abc123" not in text
    routes = [record.request_fields["route"] for record in request_lines()]
    assert "accounts/login/" in routes


def test_the_json_format_writes_one_object_per_line_with_the_request_fields(client, request_lines):
    client.get("/healthz")
    [record] = request_lines()[-1:]
    entry = json.loads(JsonFormatter().format(record))
    assert entry["logger"] == "usmle_quiz.request" and entry["level"] == "INFO"
    assert entry["view"] == "healthz" and entry["status"] == 200 and entry["request_id"]


def test_the_500_page_quotes_the_request_id(client, monkeypatch):
    import usmle_quiz.views

    def explode():
        raise RuntimeError("boom")

    monkeypatch.setattr(usmle_quiz.views, "bank_counts", explode)
    client.raise_request_exception = False
    client.force_login(make_user())
    response = client.get("/")
    assert response.status_code == 500
    assert f"<code>{response['X-Request-ID']}</code>" in response.text

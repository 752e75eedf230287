"""Small leaks an outside attacker reads for free: each closed, each with its test."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from usmle_quiz.access_log import redact

pytestmark = [pytest.mark.security, pytest.mark.django_db]
ROOT = Path(__file__).resolve().parents[2]


def test_every_page_sends_a_permissions_policy(client, student_client):
    for response in (client.get("/"), client.get("/healthz"), student_client.get("/stats/")):
        policy = response["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_the_static_manifest_is_not_served(client, settings):
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    assert manifest.exists(), "make test runs collectstatic first"
    assert client.get("/static/staticfiles.json").status_code == 404
    assert client.get("/static/css/site.css").status_code in (200, 304)  # everything else still is


def test_readyz_names_the_dependency_that_is_down_but_not_the_exception(client, monkeypatch):
    from usmle_quiz import health

    class Broken:
        def set(self, *args, **kwargs):
            raise ConnectionRefusedError("redis at 10.0.0.7:6379 refused")

    monkeypatch.setattr(health, "cache", Broken())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "down"}
    assert "Refused" not in response.text and "10.0.0.7" not in response.text


def test_password_reset_tokens_never_reach_the_access_log():
    line = "GET /accounts/reset/MQ/c9x1ab-0123456789abcdef0123456789abcdef/ HTTP/1.1"
    assert redact(line) == "GET /accounts/reset/<uid>/<token>/ HTTP/1.1"
    assert redact("GET /accounts/reset/done/ HTTP/1.1") == "GET /accounts/reset/done/ HTTP/1.1"
    config = (ROOT / "gunicorn.conf.py").read_text()
    assert 'logger_class = "usmle_quiz.access_log.RedactingLogger"' in config


def gunicorn_setting(name: str, **env) -> str:
    code = f"import runpy; print(runpy.run_path('gunicorn.conf.py')[{name!r}])"
    clean = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    return result.stdout.strip()


def test_gunicorn_binds_loopback_and_trusts_forwarded_headers_only_behind_a_tls_proxy():
    assert gunicorn_setting("bind") == "127.0.0.1:8000"
    assert gunicorn_setting("forwarded_allow_ips") == ""
    assert gunicorn_setting("forwarded_allow_ips", SECURE_PROXY_SSL_HEADER="true") == "127.0.0.1"


def test_the_guessable_admin_path_stops_start_up_outside_debug():
    clean = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    env = {**clean, "DEBUG": "false", "SECRET_KEY": "x" * 50, "ADMIN_URL": "admin/"}
    result = subprocess.run(
        [sys.executable, "-c", "import usmle_quiz.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "ADMIN_URL must not be the guessable 'admin/' when DEBUG is off" in result.stderr
    ok = subprocess.run(
        [sys.executable, "-c", "import usmle_quiz.settings"],
        cwd=ROOT,
        env={**env, "ADMIN_URL": "staff-3f9a/"},
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr


def test_the_admin_is_not_at_admin(client):
    assert Client().get("/admin/").status_code == 404

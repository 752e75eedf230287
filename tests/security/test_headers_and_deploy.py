"""Production settings pass the deploy checks; every response carries the security headers and a CSP nonce."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, make_block, verify_second_factor
from tests.security.html_audit import active_content
from tests.usmle_quiz.test_settings import start_settings

pytestmark = [pytest.mark.security, pytest.mark.django_db]
ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-0123456789abcdef",
    "ADMIN_URL": "staff-area/",
    "ALLOWED_HOSTS": "quiz.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://quiz.example.org",
    "SECURE_PROXY_SSL_HEADER": "true",
    "EMAIL_URL": "smtp://mailer:secret@mail.example.org:587",
}


def test_deploy_checks_are_clean_with_production_settings():
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    env |= PRODUCTION | {"DATABASE_URL": os.environ.get("DATABASE_URL", ""), "REDIS_URL": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_admin_path_comes_from_the_environment():
    result = start_settings(**(PRODUCTION | {"ADMIN_URL": "/staff-area/"}))
    assert result.returncode == 0, result.stderr
    refused = start_settings(**(PRODUCTION | {"ADMIN_URL": "a b<script>"}))
    assert refused.returncode != 0 and "ADMIN_URL must be a path" in refused.stderr


PUBLIC_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password_reset/", "/healthz"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_response_carries_the_security_headers(client, url, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get(url, secure=True)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_and_csrf_cookies_are_http_only_and_secure_in_production(client, student, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/", {"username": student.username, "password": PASSWORD}, secure=True
    )
    for name in ("sessionid", "csrftoken"):
        cookie = response.cookies.get(name) or client.cookies[name]
        assert cookie["secure"] and cookie["httponly"], name
        assert cookie["samesite"] == "Lax"


def pages_of_a_student(student_client, student, bank):
    block = make_block(student, bank[:2])
    return [
        "/",
        "/quizzes/",
        "/quizzes/new/",
        f"/quizzes/{block.pk}/q/1/",
        "/leaderboard/",
        "/stats/",
        "/stats/reset/",
        "/accounts/profile/",
        "/accounts/password_change/",
    ]


def test_csp_is_enforced_with_a_fresh_nonce_and_no_page_runs_inline_code_without_it(
    student_client, student, bank
):
    nonces = set()
    pages = pages_of_a_student(student_client, student, bank)
    for url in pages:
        response = student_client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        nonces.add(nonce)
        assert active_content(response.content.decode(), nonce=nonce) == [], url
    assert len(nonces) == len(pages)  # one per response


def test_the_admin_pages_run_no_inline_code_without_the_nonce(client, staff_user, bank):
    client.force_login(staff_user)
    verify_second_factor(client, staff_user)
    for url in [
        reverse("two_factor"),
        reverse("admin:index"),
        reverse("admin:quizzes_question_changelist"),
        reverse("admin:quizzes_question_change", args=[bank[0].pk]),
        reverse("admin:quizzes_question_preview", args=[bank[0].pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        problems = [p for p in active_content(response.content.decode(), nonce=nonce) if "style=" not in p]
        assert problems == [], url

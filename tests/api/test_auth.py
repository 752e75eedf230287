"""Signing in to the API: a token per device through the login page's lockout, or the browser's session."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.api.conftest import API, session_client, token_client
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = f"{API}/auth/token/"
# Every operation a signed-out client may try, with a body where it takes one.
OPERATIONS = [
    ("get", "/me/"),
    ("get", "/me/settings/"),
    ("patch", "/me/settings/"),
    ("get", "/cohorts/"),
    ("get", "/auth/devices/"),
    ("delete", "/auth/devices/1/"),
    ("delete", "/auth/token/"),
    ("get", "/bank/"),
    ("get", "/blocks/"),
    ("post", "/blocks/"),
    ("get", "/blocks/1/"),
    ("post", "/blocks/1/finish/"),
    ("post", "/blocks/1/suspend/"),
    ("post", "/blocks/1/resume/"),
    ("post", "/blocks/1/retake/"),
    ("get", "/blocks/1/review/"),
    ("get", "/blocks/1/items/1/"),
    ("post", "/blocks/1/items/1/answer/"),
    ("post", "/blocks/1/items/1/flag/"),
    ("post", "/blocks/1/items/1/marks/"),
    ("put", "/blocks/1/items/1/note/"),
    ("post", "/blocks/1/items/1/report/"),
    ("get", "/reports/"),
    ("get", "/stats/"),
    ("get", "/leaderboards/all/"),
    ("get", "/leaderboards/week/me/"),
]


def sign_in(client, username="alice", password=PASSWORD, device="Alice's phone"):
    return client.post(
        TOKEN, {"username": username, "password": password, "device_name": device}, format="json"
    )


@pytest.fixture(autouse=True)
def _small_budgets(settings):
    settings.LOGIN_FREE_FAILURES = 3
    settings.LOGIN_MAX_DELAY_SECONDS = 900


def test_signing_in_gives_a_token_that_signs_its_device_in(student):
    reply = sign_in(APIClient())
    assert reply.status_code == 201
    body = reply.json()
    assert set(body) == {"token", "token_id", "expires_at"}
    stored = ApiToken.objects.get(pk=body["token_id"])
    assert stored.user == student and stored.name == "Alice's phone"
    assert body["token"] not in (stored.key_hash, stored.prefix)
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    me = app.get(f"{API}/me/")
    assert me.status_code == 200 and me.json()["username"] == "alice"


def test_a_wrong_password_gets_the_login_pages_message_and_no_token(student):
    reply = sign_in(APIClient(), password="wrong-guess")
    assert reply.status_code == 400
    assert reply.json()["detail"].startswith("Please enter a correct username and password.")
    assert reply.json()["code"] == "invalid"
    assert not ApiToken.objects.exists()


def test_a_missing_field_says_which(student):
    reply = APIClient().post(TOKEN, {"username": "alice"}, format="json")
    assert reply.status_code == 400
    assert reply.json()["errors"] == {"password": ["This field is required."]}


def test_guessing_is_slowed_by_the_login_pages_lockout_even_for_the_right_password(student):
    attacker = APIClient(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):  # the free failures
        assert sign_in(attacker, password="wrong-guess").status_code == 400
    waiting = sign_in(attacker)
    assert waiting.status_code == 429
    assert 1 <= int(waiting["Retry-After"]) <= 2
    assert waiting.json()["detail"].startswith("Too many failed sign-ins for this account from here.")
    assert not ApiToken.objects.exists()


def test_the_api_and_the_login_page_share_one_lockout(student):
    browser = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        browser.post("/accounts/login/", {"username": "alice", "password": "wrong-guess"})
    assert sign_in(APIClient(REMOTE_ADDR="203.0.113.7")).status_code == 429


def test_sign_ins_from_one_address_are_limited_before_any_password_is_checked(student, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": "2/m"}
    client = APIClient(REMOTE_ADDR="198.51.100.9")
    assert sign_in(client).status_code == 201
    assert sign_in(client).status_code == 201
    refused = sign_in(client)
    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "Too many sign-ins from this network.",
        "code": "too_many_requests",
        "retry_after": int(refused["Retry-After"]),
    }
    assert ApiToken.objects.count() == 2


def test_staff_who_need_a_second_factor_get_no_token(staff_user, settings):
    settings.ADMIN_REQUIRE_2FA = True
    reply = sign_in(APIClient(), username="faculty")
    assert reply.status_code == 403
    assert "second factor" in reply.json()["detail"]
    assert not ApiToken.objects.exists()


def test_a_stale_token_an_app_still_sends_does_not_refuse_signing_in_again(student):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer uq_revoked-long-ago")
    assert sign_in(client).status_code == 201


def test_signing_out_revokes_the_token_used_and_it_is_refused_from_then_on(student):
    app = token_client(student)
    other_device = token_client(student, device="tablet")
    assert app.delete(TOKEN).status_code == 204
    refused = app.get(f"{API}/me/")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert refused.json()["code"] == "authentication_failed"
    assert other_device.get(f"{API}/me/").status_code == 200  # one device at a time


def test_an_expired_or_unknown_token_is_401_with_a_bearer_challenge(student):
    app = token_client(student)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    for client in (app, _bearer("uq_made-up"), _bearer("not even our prefix")):
        refused = client.get(f"{API}/me/")
        assert refused.status_code == 401
        assert refused["WWW-Authenticate"] == 'Bearer realm="api"'


def _bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_operation_refuses_an_anonymous_client_with_401_json(method, path, db):
    reply = getattr(APIClient(), method)(API + path, {}, format="json")
    assert reply.status_code == 401, (method, path)
    assert reply["Content-Type"] == "application/json"
    assert reply.json()["code"] == "not_authenticated"


def test_a_browser_session_reads_without_a_token_but_writes_need_the_csrf_token(student, bank):
    browser = session_client(student)
    assert browser.get(f"{API}/me/").status_code == 200
    refused = browser.post(f"{API}/blocks/", {"size": 2, "mode": "tutor", "pool": "all"}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    browser.get("/quizzes/new/")  # any page sets the CSRF cookie, as for the page's own scripts
    token = browser.cookies["csrftoken"].value
    made = browser.post(
        f"{API}/blocks/", {"size": 2, "mode": "tutor", "pool": "all"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert made.status_code == 201


def test_a_token_needs_no_csrf_token(student, bank):
    assert (
        token_client(student)
        .post(f"{API}/blocks/", {"size": 2, "mode": "tutor", "pool": "all"}, format="json")
        .status_code
        == 201
    )


def test_devices_lists_my_tokens_and_signs_one_out_but_not_another_students(student, other_student):
    app = token_client(student, device="phone")
    token_client(student, device="tablet")
    bobs = ApiToken.objects.get(pk=token_client(other_student).get(f"{API}/auth/devices/").json()[0]["id"])
    devices = app.get(f"{API}/auth/devices/").json()
    assert [(device["name"], device["current"]) for device in devices] == [("tablet", False), ("phone", True)]
    assert app.delete(f"{API}/auth/devices/{bobs.pk}/").status_code == 404
    assert app.delete(f"{API}/auth/devices/{devices[0]['id']}/").status_code == 204
    assert [device["name"] for device in app.get(f"{API}/auth/devices/").json()] == ["phone"]
    bobs.refresh_from_db()
    assert bobs.revoked_at is None


def test_a_deactivated_student_is_signed_out_of_every_device(student):
    app = token_client(student)
    student.is_active = False
    student.save()
    assert app.get(f"{API}/me/").status_code == 401
    assert sign_in(APIClient()).status_code == 400


def test_unknown_methods_and_paths_answer_json(student):
    app = token_client(student)
    assert app.put(f"{API}/me/", {}, format="json").status_code == 405
    wrong = app.generic("TRACE", f"{API}/me/")
    assert wrong.status_code == 405 and wrong.json()["detail"] == 'Method "TRACE" not allowed.'
    missing = app.get(f"{API}/no-such-thing/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"

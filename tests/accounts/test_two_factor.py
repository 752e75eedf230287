"""Staff need a second factor before the admin opens: enrolment, codes, recovery codes, the lockout."""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import ADMIN, PASSWORD, make_user

pytestmark = pytest.mark.django_db
TWO_FACTOR = "/accounts/two-factor/"


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def dean(client):
    user = make_user("dean", is_staff=True, is_superuser=True)
    assert client.post("/accounts/login/", {"username": "dean", "password": PASSWORD}).status_code == 302
    return user


def test_a_staff_password_alone_does_not_open_the_admin(client, dean):
    response = client.get(ADMIN)
    assert response.status_code == 302
    followed = client.get(response["Location"])  # the admin login sends a signed-in staff member on
    assert followed.status_code == 302 and followed["Location"].startswith(TWO_FACTOR)
    assert client.get(f"{ADMIN}quizzes/question/").status_code == 302


def test_enrolment_shows_a_qr_code_and_key_then_issues_recovery_codes_once(client, dean):
    page = client.get(TWO_FACTOR, {"next": ADMIN})
    assert page.status_code == 200
    assert "<svg" in page.text and 'class="otp-secret"' in page.text
    device = TOTPDevice.objects.get(user=dean, confirmed=False)
    wrong = client.post(TWO_FACTOR, {"otp_token": "000000", "next": ADMIN})
    assert wrong.status_code == 400 and "not right" in wrong.text
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes the next try wait a second after a wrong code
    done = client.post(TWO_FACTOR, {"otp_token": current_code(device), "next": ADMIN})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([^<]+)</code></li>", done.text)
    assert len(codes) == 10
    assert client.get(ADMIN).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_an_enrolled_staff_member_verifies_each_new_session_with_a_code_or_a_recovery_code(client, dean):
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=dean)
    codes = re.findall(
        r"<li><code>([^<]+)</code></li>", client.post(TWO_FACTOR, {"otp_token": current_code(device)}).text
    )
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "dean", "password": PASSWORD})
    assert client.get(ADMIN).status_code == 302
    page = client.get(TWO_FACTOR)
    assert "<svg" not in page.text  # enrolled: no new secret is shown
    response = client.post(TWO_FACTOR, {"otp_token": codes[0], "next": ADMIN})
    assert response.status_code == 302 and response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "dean", "password": PASSWORD})
    reused = client.post(TWO_FACTOR, {"otp_token": codes[0]})
    assert reused.status_code == 400  # a recovery code works once


def test_guessing_one_time_codes_is_slowed_by_the_login_lockout(client, dean, settings):
    settings.LOGIN_FREE_FAILURES = 3
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=dean)
    for guess in ("111111", "222222", "333333"):
        client.post(TWO_FACTOR, {"otp_token": guess})
    response = client.post(TWO_FACTOR, {"otp_token": current_code(device)})
    assert response.status_code == 400 and "Too many failed sign-ins" in response.text
    assert client.get(ADMIN).status_code == 302


def test_the_two_factor_page_is_for_staff_only_and_next_stays_on_this_site(client, dean, student):
    other = Client()
    other.force_login(student)
    assert other.get(TWO_FACTOR).status_code == 404
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=dean)
    evil = quote("https://evil.example.org/")
    response = client.post(
        f"{TWO_FACTOR}?next={evil}", {"otp_token": current_code(device), "next": "https://evil.example.org/"}
    )
    assert response.status_code == 200  # the recovery codes page...
    assert "evil.example.org" not in response.text  # ...whose Continue goes to the admin


def test_without_the_requirement_the_admin_opens_with_a_password(client, dean, settings):
    settings.ADMIN_REQUIRE_2FA = False
    assert client.get(ADMIN).status_code == 200

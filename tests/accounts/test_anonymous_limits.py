"""Anonymous writes are limited per address (sized for a NAT'd lecture hall) and per browser.

Each test is named after the attack it stops.
"""

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.conftest import ADMIN, PASSWORD, make_user, run_tasks

pytestmark = pytest.mark.django_db


def limits(settings, **rates):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}


def sign_up(client, name, password="tricuspid-42-x"):
    return client.post(
        "/accounts/signup/",
        {"username": name, "email": f"{name}@example.org", "password1": password, "password2": password},
    )


def test_sign_up_churn_from_one_browser_is_refused_although_login_rotates_the_session(settings):
    limits(settings, signup="1/h")
    browser = Client(REMOTE_ADDR="203.0.113.9")
    assert sign_up(browser, "churn1").status_code == 302  # the first sign-up leaves a device cookie
    browser.post("/accounts/logout/")
    assert sign_up(browser, "churn2").status_code == 302
    browser.post("/accounts/logout/")
    refused = sign_up(browser, "churn3")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert not User.objects.filter(username="churn3").exists()


def test_sign_up_churn_from_one_address_without_cookies_is_refused(settings):
    limits(settings, signup_ip="3/h")
    statuses = [sign_up(Client(REMOTE_ADDR="203.0.113.9"), f"bot{n}").status_code for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert sign_up(Client(REMOTE_ADDR="198.51.100.4"), "elsewhere").status_code == 302


def test_a_lecture_hall_behind_one_address_signs_up_with_the_default_limits():
    hall = [Client(REMOTE_ADDR="192.0.2.200") for _ in range(40)]
    assert {sign_up(client, f"hall{n}").status_code for n, client in enumerate(hall)} == {302}
    assert User.objects.filter(username__startswith="hall").count() == 40


def test_login_posts_from_one_address_are_limited_before_any_password_is_hashed(settings):
    limits(settings, login_ip="3/h")
    make_user("someone")
    script = Client(REMOTE_ADDR="203.0.113.9")
    replies = [script.post("/accounts/login/", {"username": f"x{n}", "password": "y"}) for n in range(4)]
    assert [reply.status_code for reply in replies] == [200, 200, 200, 429]
    other = Client(REMOTE_ADDR="198.51.100.4")
    assert other.post("/accounts/login/", {"username": "someone", "password": PASSWORD}).status_code == 302


def test_admin_login_posts_from_one_address_are_limited_too(settings):
    limits(settings, login_ip="2/h")
    script = Client(REMOTE_ADDR="203.0.113.9")
    replies = [script.post(f"{ADMIN}login/", {"username": f"x{n}", "password": "y"}) for n in range(3)]
    assert [reply.status_code for reply in replies] == [200, 200, 429]


def test_reset_mails_to_one_address_are_a_few_an_hour_and_the_reply_never_changes(settings, student):
    limits(settings, password_reset_email="3/h")
    client = Client(REMOTE_ADDR="203.0.113.9")
    replies = [client.post("/accounts/password_reset/", {"email": student.email}) for _ in range(6)]
    assert {reply["Location"] for reply in replies} == {"/accounts/password_reset/done/"}
    run_tasks()
    assert len(mail.outbox) == 3
    unknown = [client.post("/accounts/password_reset/", {"email": "ghost@example.org"}) for _ in range(5)]
    assert {reply["Location"] for reply in unknown} == {"/accounts/password_reset/done/"}


def test_reset_requests_from_one_address_are_limited(settings, student):
    limits(settings, password_reset_ip="2/h")
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [
        client.post("/accounts/password_reset/", {"email": f"n{n}@example.org"}).status_code for n in range(3)
    ]
    assert statuses == [302, 302, 429]


@pytest.mark.parametrize("url", ["/accounts/signup/", "/accounts/login/", "/accounts/password_reset/"])
def test_looking_at_an_anonymous_form_writes_no_session_row(url):
    before = Session.objects.count()
    for _ in range(5):
        response = Client().get(url)
        assert response.status_code == 200
        assert "sessionid" not in response.cookies
    assert Session.objects.count() == before

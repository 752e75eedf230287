import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.accounts.test_two_factor import current_code
from tests.conftest import ADMIN, PASSWORD, make_question, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_faculty_edits_and_previews_a_question_under_the_content_security_policy(page):
    make_user("dean", is_staff=True, is_superuser=True)
    question = make_question(stem="A 50-year-old man with **crushing chest pain**.")
    page.goto(f"{ADMIN}login/")
    page.fill("#id_username", "dean")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    # The password alone does not open the admin: the second factor, enrolled on the spot.
    expect(page.locator("h1")).to_have_text("Two-factor sign-in")
    expect(page.locator("figure.qr svg")).to_be_visible()
    page.shot("two-factor-enrol")
    device = TOTPDevice.objects.get(user__username="dean", confirmed=False)
    page.fill("#id_otp_token", current_code(device))
    page.click("main button[type=submit]")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.click("text=Continue")
    page.goto(f"{ADMIN}quizzes/question/{question.pk}/change/")
    expect(page.locator("#choices-group")).to_be_visible()
    page.shot("admin-change")
    page.click("text=Preview as a student")
    expect(page.locator(".stem strong")).to_have_text("crushing chest pain")
    expect(page.locator(".explanation")).to_be_visible()
    page.shot("admin-preview")
    page.goto(f"{ADMIN}quizzes/question/?status__exact=published")
    expect(page.locator("#result_list")).to_be_visible()
    assert page.problems == []

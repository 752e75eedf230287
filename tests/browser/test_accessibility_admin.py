"""The faculty's question screens pass axe-core (WCAG 2.2 A and AA) at desktop and phone widths."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations
from tests.conftest import ADMIN, make_question, make_user, verify_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def staff_page(page, live_server):
    """The browser signed in as a superuser whose session has passed the second factor.

    test_admin_pages.py signs in through the forms (password, then enrolling an authenticator);
    here the session is made as the admin tests make theirs and handed to the browser.
    """
    user = make_user("dean", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    verify_second_factor(client, user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def check_at_both_sizes(page, label: str, step: str) -> None:
    """axe at desktop and phone widths, in the admin's light theme and its dark one (which follows
    the system's setting), with a screenshot of each."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for size, viewport in VIEWPORTS.items():
            page.set_viewport_size(viewport)
            where = f"{size} {viewport['width']}x{viewport['height']}, {scheme} theme"
            assert_no_axe_violations(page, f"{label} at {where}")
            page.shot(f"{step}-{size}" + ("-dark" if scheme == "dark" else ""))


def test_question_add_form_has_no_axe_violations(staff_page):
    page = staff_page
    page.goto(f"{ADMIN}quizzes/question/add/")
    expect(page.locator("#choices-group")).to_be_visible()
    expect(page.locator("#id_choices-0-text")).to_have_accessible_name("Choice 1 text")
    expect(page.locator("#id_choices-0-is_correct")).to_have_accessible_name("Choice 1 is correct")
    check_at_both_sizes(page, "admin question add form", "admin-add")
    assert page.problems == []


def test_question_add_form_with_errors_has_no_axe_violations(staff_page):
    page = staff_page
    page.goto(f"{ADMIN}quizzes/question/add/")
    page.click("input[name=_save]")
    expect(page.locator(".errornote")).to_be_visible()
    check_at_both_sizes(page, "admin question add form after a failed save", "admin-add-errors")
    assert page.problems == []


def test_question_change_form_has_no_axe_violations(staff_page):
    page = staff_page
    question = make_question(stem="A 50-year-old man with **crushing chest pain**.")
    page.goto(f"{ADMIN}quizzes/question/{question.pk}/change/")
    expect(page.locator("#choices-group")).to_be_visible()
    expect(page.locator("#id_choices-0-text")).to_have_accessible_name("Choice A text")
    expect(page.locator("#id_choices-0-letter")).to_have_accessible_name("Choice A letter")
    check_at_both_sizes(page, "admin question change form", "admin-change")
    assert page.problems == []


def test_question_preview_has_no_axe_violations(staff_page):
    page = staff_page
    question = make_question(stem="A 50-year-old man with **crushing chest pain**.", status="draft")
    page.goto(f"{ADMIN}quizzes/question/{question.pk}/preview/")
    expect(page.locator(".stem strong")).to_have_text("crushing chest pain")
    expect(page.locator(".explanation")).to_be_visible()
    check_at_both_sizes(page, "admin question preview", "admin-preview")
    assert page.problems == []

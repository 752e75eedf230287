"""Timed mode: a selected choice is the answer, however the student leaves the item.

And the keyboard cannot betray: Enter outside the choices submits nothing,
arrows inside the choices stay in the choices.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.models import Block, Item
from tests.browser.test_student_journey import log_in
from tests.conftest import make_block, make_question, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def timed_block(browser_settings):
    student = make_user("timer")
    block = make_block(student, [make_question() for _ in range(4)], mode=Block.Mode.TIMED)
    return student, block


def open_item(page, block, position):
    page.goto(f"/quizzes/{block.pk}/q/{position}/")
    expect(page.locator("#block-screen[data-ready]")).to_have_count(1)
    expect(page.locator("#answer-form[data-sender]")).to_have_count(1)


def chosen(block):
    return dict(Item.objects.filter(block=block).values_list("position", "chosen_letter"))


def test_selections_made_with_the_mouse_survive_next_the_navigator_and_end_block(page, timed_block):
    student, block = timed_block
    log_in(page, student.username)
    open_item(page, block, 1)
    page.locator('input[name=choice][value="B"]').check()
    page.click("#next-item")  # at once: the selection has not even been sent yet
    expect(page.locator(".exam-title")).to_have_text("Item 2 of 4")
    page.locator('input[name=choice][value="C"]').check()
    page.click("#nav-cell-4")
    expect(page.locator(".exam-title")).to_have_text("Item 4 of 4")
    expect(page.locator("#nav-cell-1")).to_have_class("nav-cell is-answered")
    page.locator('input[name=choice][value="D"]').check()
    page.shot("selected-then-end")
    page.click("text=End block")
    expect(page.locator("h1")).to_contain_text("Review")
    page.shot("review")
    assert chosen(block) == {1: "B", 2: "C", 3: "", 4: "D"}
    block.refresh_from_db()
    assert block.answered_count == 3
    assert Item.objects.get(block=block, position=3).omitted
    assert page.problems == []


def test_selections_made_with_the_keyboard_survive_arrows_and_end_block(page, timed_block):
    student, block = timed_block
    log_in(page, student.username)
    open_item(page, block, 1)
    page.keyboard.press("c")  # picks C and focuses it
    page.keyboard.press("ArrowDown")  # inside the choices: the radio group moves to D, still item 1
    expect(page.locator('input[name=choice][value="D"]')).to_be_checked()
    expect(page.locator(".exam-title")).to_have_text("Item 1 of 4")
    page.keyboard.press("ArrowRight")  # still in the choices: a radio group, not the next item
    expect(page.locator(".exam-title")).to_have_text("Item 1 of 4")
    page.locator("#next-item").focus()
    page.keyboard.press("ArrowRight")  # focus outside the choices: now the next item
    expect(page.locator(".exam-title")).to_have_text("Item 2 of 4")
    page.keyboard.press("2")
    page.keyboard.press("ArrowLeft")  # on a choice: moves to A within the group
    page.locator("#end-button").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Review")
    stored = chosen(block)
    assert stored[1] == "E" and stored[2] == "A"  # the last choice in each group is the answer
    assert page.problems == []


def test_the_clock_running_out_keeps_the_choice_selected_at_the_last_moment(page, timed_block):
    student, block = timed_block
    Block.objects.filter(pk=block.pk).update(deadline=timezone.now() + timedelta(seconds=3))
    log_in(page, student.username)
    open_item(page, block, 2)
    page.locator('input[name=choice][value="E"]').check()
    # the page reloads itself once the clock and the grace have run out; the server finishes the block
    expect(page.locator("h1")).to_contain_text("Review", timeout=20_000)
    page.shot("time-up-review")
    assert chosen(block)[2] == "E"
    block.refresh_from_db()
    assert block.is_finished and block.answered_count == 1


def test_enter_on_the_labs_button_opens_them_and_submits_nothing(page, browser_settings):
    student = make_user("tutee-keys")
    block = make_block(student, [make_question(), make_question()])
    log_in(page, student.username)
    open_item(page, block, 1)
    page.locator('input[name=choice][value="B"]').check()
    page.locator('[data-opens="labs"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator("#panel-labs")).to_be_visible()
    expect(page.locator("#lab-search")).to_be_focused()
    expect(page.locator('[data-opens="labs"]')).to_have_attribute("aria-expanded", "true")
    page.wait_for_timeout(500)
    assert chosen(block)[1] == ""  # tutor answers are final: Enter there must not have sent B
    expect(page.locator(".verdict")).to_have_count(0)
    page.locator('input[name=choice][value="B"]').focus()
    page.keyboard.press("Enter")  # from a choice, Enter submits
    expect(page.locator(".verdict")).to_be_visible()
    expect(page.locator("#verdict")).to_be_focused()  # the verdict takes the focus and is announced
    assert chosen(block)[1] == "B"
    assert page.problems == []


def test_single_key_shortcuts_switched_off_leave_letters_alone(page, browser_settings):
    student = make_user("no-shortcuts", keyboard_shortcuts=False)
    block = make_block(student, [make_question()], mode=Block.Mode.TIMED)
    log_in(page, student.username)
    open_item(page, block, 1)
    page.keyboard.press("b")
    page.keyboard.press("f")
    page.wait_for_timeout(500)
    expect(page.locator('input[name="choice"]:checked')).to_have_count(0)
    expect(page.locator("#flag-button")).to_have_attribute("aria-pressed", "false")
    assert chosen(block)[1] == ""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from quizzes.models import Block, Item
from tests.conftest import PASSWORD, make_question, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def small_bank():
    renal = [make_question(system="Renal", subject=subject) for subject in ("Pathology", "Physiology") * 3]
    others = [make_question(system="Cardiovascular", subject="Pharmacology") for _ in range(4)]
    return renal, others


def log_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Hello")


def test_new_student_takes_a_timed_block_with_the_keyboard_and_reviews_it(page, small_bank):
    page.goto("/")
    page.shot("landing")
    page.click("text=Create a free account")
    page.fill("#id_username", "newbie")
    page.fill("#id_email", "newbie@example.org")
    page.fill("#id_password1", "glomerular-filtration-77")
    page.fill("#id_password2", "glomerular-filtration-77")
    page.shot("signup")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Hello, newbie")

    page.click("nav >> text=New block")
    page.check("#system-renal")
    expect(page.locator("#match-line")).to_contain_text("6 questions match")
    page.fill("#id_size", "5")
    page.check("input[name=mode][value=timed]")
    page.shot("create-test")
    page.click("text=Start the block")

    expect(page.locator(".exam-title")).to_have_text("Item 1 of 5")
    expect(page.locator("#timer-value")).to_have_text(re.compile(r"^[67]:\d\d$"))
    page.shot("item-1")
    for position in range(1, 6):
        expect(page.locator(".exam-title")).to_have_text(f"Item {position} of 5")
        expect(page.locator("#block-screen[data-ready]")).to_have_count(1)
        if position == 2:
            page.keyboard.press("f")
            expect(page.locator("#flag-button")).to_contain_text("Flagged")
            expect(page.locator("#nav-cell-2")).to_have_class(re.compile("is-flagged"))
            page.shot("flagged")
        page.keyboard.press("b" if position % 2 else "3")
        expect(page.locator('input[name="choice"]:checked')).to_have_count(1)
        page.keyboard.press("Enter")
        page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("That was the last item")
    page.shot("last-item")

    page.click("text=End block")

    expect(page.locator("h1")).to_contain_text("Review")
    expect(page.locator(".score-line")).to_contain_text("/ 5")
    expect(page.locator(".review-item")).to_have_count(5)
    # the review opens as a table; a jump link opens that item in place
    expect(page.locator(".review-table tbody tr")).to_have_count(5)
    expect(page.locator(".explanation").first).to_be_hidden()
    page.click(".review-table a.jump >> text=1")
    expect(page.locator("#item-1 .explanation")).to_be_visible()
    expect(page.locator("#item-2 .explanation")).to_be_hidden()
    page.shot("review")

    student = User.objects.get(username="newbie")
    block = Block.objects.get(owner=student)
    assert block.is_finished and block.mode == "timed"
    assert Item.objects.filter(block=block).exclude(chosen_letter="").count() == 5
    assert list(Item.objects.filter(block=block, flagged=True).values_list("position", flat=True)) == [2]
    assert sorted(Item.objects.filter(block=block).values_list("chosen_letter", flat=True)) == sorted("BCBCB")
    assert page.problems == []


def test_tutor_block_shows_the_explanation_right_after_an_answer(page, small_bank):
    make_user("tutee")
    log_in(page, "tutee")
    page.goto("/quizzes/new/")
    page.check("#system-cardiovascular")
    page.fill("#id_size", "2")
    page.click("text=Start the block")
    expect(page.locator(".exam-title")).to_have_text("Item 1 of 2")
    expect(page.locator(".explanation")).to_have_count(0)
    # strike out a choice with a right-click (once the page's script is live); the server keeps it
    expect(page.locator("#block-screen[data-ready]")).to_have_count(1)
    page.locator('.choice[data-letter="D"]').click(button="right")
    expect(page.locator('.choice[data-letter="D"]')).to_have_class(re.compile("is-struck"))
    expect(page.locator("#block-screen[data-marks-saved]")).to_have_count(1)
    page.evaluate("localStorage.clear()")  # not this browser's copy: the server's
    page.reload()
    expect(page.locator('.choice[data-letter="D"]')).to_have_class(re.compile("is-struck"))
    page.locator('input[name=choice][value="A"]').check()
    page.click("#submit-answer")
    expect(page.locator(".verdict")).to_have_text(re.compile("Correct|Incorrect"))
    expect(page.locator(".explanation")).to_be_visible()
    expect(page.locator(".objective")).to_contain_text("Educational objective")
    expect(page.locator(".peer-share-pending")).to_be_visible()
    page.shot("tutor-explanation")
    expect(page.locator("#block-screen[data-ready]")).to_have_count(1)
    page.keyboard.press("ArrowRight")
    expect(page.locator(".exam-title")).to_have_text("Item 2 of 2")
    assert page.problems == []


def test_create_test_count_updates_when_a_box_is_ticked(page, small_bank):
    make_user("counter")
    log_in(page, "counter")
    page.goto("/quizzes/new/")
    expect(page.locator("#match-line")).to_contain_text("10 questions match")
    expect(page.locator("text=Update counts")).to_be_hidden()
    page.check("#system-cardiovascular")
    expect(page.locator("#match-line")).to_contain_text("4 questions match")
    expect(page.locator("#count-subject-pathology")).to_have_text("0")
    page.check("#system-renal")
    expect(page.locator("#match-line")).to_contain_text("10 questions match")
    page.check("#subject-physiology")
    expect(page.locator("#match-line")).to_contain_text("3 questions match")
    page.shot("live-counts")
    assert page.problems == []


def test_close_the_tab_resume_with_the_clock_running_then_review_retake_and_stats(page, small_bank):
    """The practice loop's "done when", as a new student would do it."""
    for _ in range(2):  # enough questions for a 10-item block from two systems
        make_question(system="Cardiovascular", subject="Pathology")
    make_user("resumer")
    log_in(page, "resumer")
    page.goto("/quizzes/new/")
    page.check("#system-renal")
    page.check("#system-cardiovascular")
    page.fill("#id_size", "10")
    page.check("input[name=mode][value=timed]")
    page.click("text=Start the block")
    expect(page.locator(".exam-title")).to_have_text("Item 1 of 10")
    for position in range(1, 4):
        expect(page.locator(".exam-title")).to_have_text(f"Item {position} of 10")
        expect(page.locator("#block-screen[data-ready]")).to_have_count(1)
        page.keyboard.press("a")
        expect(page.locator('input[name="choice"]:checked')).to_have_count(1)
        page.keyboard.press("Enter")
    expect(page.locator(".exam-title")).to_have_text("Item 4 of 10")
    seconds_before = int(page.locator("#block-screen").get_attribute("data-seconds-left"))

    # close the tab; the session lives on in the browser's cookies
    context = page.context
    page.close()
    page = context.new_page()
    page.goto("/quizzes/")
    page.shot = lambda step: page.screenshot(
        path=f"test-artifacts/screenshots/resume-{step}.png", full_page=True
    )
    page.shot("my-blocks")
    page.click("text=Resume")
    expect(page.locator(".exam-title")).to_have_text("Item 4 of 10")
    seconds_after = int(page.locator("#block-screen").get_attribute("data-seconds-left"))
    assert seconds_after <= seconds_before  # the clock kept running
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=End block")
    expect(page.locator("h1")).to_contain_text("Review")
    expect(page.locator(".review-item")).to_have_count(10)
    expect(page.locator(".explanation")).to_have_count(10)
    expect(page.locator(".peer-share-pending").first).to_contain_text("shows once 10 have answered")
    page.shot("review")

    # omitted is spent: the seven items never answered are attempts, and they are retaken too
    expect(page.locator(".tag-omitted")).to_have_count(7)
    incorrect = page.locator(".tag-wrong").count() + 7
    if incorrect:
        page.select_option("#retake-mode", "tutor")
        page.click("text=Retake incorrect")
        expect(page.locator(".exam-meta")).to_contain_text("Tutor")
        expect(page.locator(".exam-title")).to_have_text(f"Item 1 of {incorrect}")

    page.goto("/stats/")
    expect(page.locator(".tile-value").first).to_contain_text("%")
    expect(page.locator(".tile-label >> text=of all your answers correct")).to_contain_text("of 3")
    expect(page.locator("#by-system")).to_be_visible()
    page.shot("stats")

import pytest
from playwright.sync_api import expect

from accounts.models import Cohort
from quizzes.models import Block
from quizzes.services import block_finish, item_answer
from tests.browser.test_student_journey import log_in
from tests.conftest import correct_letter, make_block, make_question, make_user, wrong_letter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def finish_block(student, questions, pattern):
    block = make_block(student, questions, mode=Block.Mode.TIMED)
    for position, (question, mark) in enumerate(zip(questions, pattern, strict=True), start=1):
        item_answer(
            block=block,
            position=position,
            letter=correct_letter(question) if mark == "c" else wrong_letter(question),
        )
    block_finish(block=block)


def test_two_cohorts_and_a_hidden_student_on_every_board(page):
    alpha = Cohort.objects.create(name="Alpha school", slug="alpha")
    beta = Cohort.objects.create(name="Beta school", slug="beta")
    questions = [make_question(subject="Pathology" if n < 3 else "Pharmacology") for n in range(6)]
    ada = make_user("ada", display_name="Ada", cohort=alpha)
    bo = make_user("bo", display_name="Bo", cohort=beta)
    shy = make_user("shy", display_name="Shy", show_on_leaderboard=False)
    finish_block(ada, questions[:3], "ccc")  # 3 Pathology
    finish_block(bo, questions[3:6], "ccw")  # 2 Pharmacology
    finish_block(shy, questions, "cccccc")  # 6, but hidden

    log_in(page, "bo")
    page.goto("/leaderboard/")
    rows = page.locator("#board-rows tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Ada")
    expect(rows.nth(1)).to_contain_text("Bo")
    expect(page.locator("#board-rows tr.is-me")).to_have_count(1)
    expect(page.locator("#board-rows tr.is-me")).to_contain_text("Bo")
    expect(page.locator("text=Shy")).to_have_count(0)
    page.screenshot(path="test-artifacts/screenshots/leaderboard-bo.png", full_page=True)

    page.select_option("#period", "week")
    page.click("text=Show")
    expect(page.locator(".board-caption")).to_contain_text("Week of")
    expect(page.locator("#board-rows tr")).to_have_count(2)
    page.select_option("#period", "all")
    page.select_option("#subject", "pharmacology")
    page.click("text=Show")
    expect(page.locator("#board-rows tr")).to_have_count(1)
    expect(page.locator("#board-rows tr.is-me")).to_contain_text("Bo")
    page.select_option("#subject", "")
    page.select_option("#cohort", "alpha")
    page.click("text=Show")
    expect(page.locator("#board-rows tr")).to_have_count(1)
    expect(page.locator("#board-rows tr").first).to_contain_text("Ada")
    expect(page.locator("text=You are not on this board yet")).to_be_visible()

    page.context.clear_cookies()
    log_in(page, "shy")
    page.goto("/leaderboard/")
    expect(page.locator("#board-rows tr")).to_have_count(2)
    expect(page.locator(".my-position")).to_contain_text("#1 of 3")
    expect(page.locator(".my-position")).to_contain_text("hidden from public boards")
    expect(page.locator("#board-rows")).not_to_contain_text("Shy")
    page.screenshot(path="test-artifacts/screenshots/leaderboard-shy.png", full_page=True)
    assert page.problems == []

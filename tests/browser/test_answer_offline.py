"""The answer script: retries with backoff, an offline queue, and exactly one stored answer."""

import json
import re

import pytest
from playwright.sync_api import expect

from quizzes.models import AnswerReceipt, Block, Item
from tests.conftest import PASSWORD, make_block, make_question, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fast_retries(browser_settings):
    browser_settings.ANSWER_RETRY = {"base_ms": 200, "cap_ms": 1000, "attempts": 3}
    browser_settings.RATELIMIT_ENABLE = False


@pytest.fixture
def student_on_item_one(page, fast_retries):
    student = make_user("offline-student")
    block = make_block(student, [make_question(), make_question()], mode=Block.Mode.TIMED)
    page.goto("/accounts/login/")
    page.fill("#id_username", student.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"/quizzes/{block.pk}/q/1/")
    expect(page.locator("#block-screen[data-ready]")).to_have_count(1)
    expect(page.locator("#answer-form[data-sender]")).to_have_count(1)
    return block


def test_an_answer_given_offline_is_kept_and_sent_once_when_the_connection_is_back(page, student_on_item_one):
    block = student_on_item_one
    page.context.set_offline(True)
    page.keyboard.press("c")
    page.click("#submit-answer")
    expect(page.locator("#answer-status")).to_contain_text("offline")
    expect(page.locator("#answer-status")).to_contain_text("kept in this browser")
    page.shot("kept-offline")
    queue = json.loads(page.evaluate("localStorage.getItem('answer-queue:v1')"))
    assert [entry["fields"]["choice"] for entry in queue] == ["C"]
    assert Item.objects.get(block=block, position=1).chosen_letter == ""

    page.context.set_offline(False)
    expect(page.locator(".exam-title")).to_have_text("Item 2 of 2")
    page.shot("sent-when-back")
    assert Item.objects.get(block=block, position=1).chosen_letter == "C"
    assert AnswerReceipt.objects.filter(item__block=block).count() == 1
    assert page.evaluate("localStorage.getItem('answer-queue:v1')") == "[]"
    assert page.problems == []


def test_a_reply_lost_on_the_way_is_retried_without_a_second_answer(page, student_on_item_one):
    block = student_on_item_one
    url = f"**/quizzes/{block.pk}/q/1/"
    calls = []

    def lose_the_first_reply(route):
        if route.request.method != "POST":
            route.continue_()
            return
        calls.append(route.request.post_data)
        if len(calls) == 1:
            route.fetch()  # the server records the answer...
            route.abort("connectionreset")  # ...but the reply never arrives
        else:
            route.continue_()

    page.route(url, lose_the_first_reply)
    page.keyboard.press("b")  # timed mode: selecting stores the choice, no Submit press
    expect(page.locator("#answer-status")).to_have_text("Choice B saved.")
    keys = [re.search(r'name="idempotency_key"\s+([0-9a-f-]{36})', body).group(1) for body in calls]
    assert len(keys) == 2 and keys[0] == keys[1]  # the retry is the same submission, same key
    item = Item.objects.get(block=block, position=1)
    assert item.chosen_letter == "B"
    assert AnswerReceipt.objects.filter(item=item).count() == 1
    # the aborted request is the only problem the page saw
    assert [problem for problem in page.problems if "ERR_CONNECTION_RESET" not in problem] == []


def test_a_busy_server_is_retried_and_the_student_is_told(page, student_on_item_one):
    block = student_on_item_one
    calls = []

    def busy_once(route):
        if route.request.method != "POST":
            route.continue_()
            return
        calls.append(route.request.url)
        if len(calls) == 1:  # as during a database restart: the friendly 503
            route.fulfill(status=503, headers={"Retry-After": "1"}, body='{"error": "busy"}')
        else:
            route.continue_()

    page.route(f"**/quizzes/{block.pk}/q/1/", busy_once)
    page.keyboard.press("d")
    expect(page.locator("#answer-status")).to_contain_text("The server is busy. Trying again")
    expect(page.locator("#answer-status")).to_have_text("Choice D saved.")
    assert len(calls) == 2
    assert Item.objects.get(block=block, position=1).chosen_letter == "D"
    assert [problem for problem in page.problems if "503" not in problem] == []

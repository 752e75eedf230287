"""The "Report a problem" control: in the page only once the item's answer is final and shown."""

import re

import pytest

from quizzes.models import Block
from quizzes.services import block_finish, item_answer
from tests.conftest import correct_letter, make_block, wrong_letter
from tests.reports.helpers import answered_tutor_block
from tests.security.html_audit import active_content

pytestmark = pytest.mark.django_db

CONTROL = "Report a problem with this question"


def item_page(client, block, position=1):
    response = client.get(f"/quizzes/{block.pk}/q/{position}/")
    assert response.status_code == 200
    return response


def report_fragment(html: str, position: int) -> str:
    return re.search(
        rf'<details class="report-problem" id="report-{position}".*?</details>', html, re.S
    ).group(0)


def test_tutor_item_has_no_control_until_it_is_answered(student_client, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TUTOR)
    before = item_page(student_client, block).text
    assert CONTROL not in before and "report-form" not in before and f"/reports/{block.pk}/" not in before
    item_answer(block=block, position=1, letter=wrong_letter(bank[0]))
    after = item_page(student_client, block).text
    assert CONTROL in after
    assert f'action="/reports/{block.pk}/q/1/"' in after
    assert f'name="next" value="/quizzes/{block.pk}/q/1/"' in after
    assert CONTROL not in item_page(student_client, block, 2).text  # the next item is still unanswered


def test_timed_item_has_no_control_until_the_block_is_finished(student_client, student, bank):
    block = make_block(student, bank[:2], mode=Block.Mode.TIMED)
    item_answer(block=block, position=1, letter=correct_letter(bank[0]))
    for position in (1, 2):  # answered or not
        html = item_page(student_client, block, position).text
        assert CONTROL not in html and "report-form" not in html and "/reports/" not in html
    block_finish(block=block)
    for position in (1, 2):
        assert (
            f'action="/reports/{block.pk}/q/{position}/"' in item_page(student_client, block, position).text
        )


def test_the_review_has_the_control_on_every_item(student_client, student, bank):
    block = block_finish(block=make_block(student, bank[:3], mode=Block.Mode.TIMED))
    html = student_client.get(f"/quizzes/{block.pk}/review/").text
    assert html.count(CONTROL) == 3
    for position in (1, 2, 3):
        assert f'action="/reports/{block.pk}/q/{position}/"' in html
        assert f'name="next" value="/quizzes/{block.pk}/review/#item-{position}"' in html
    filtered = student_client.get(f"/quizzes/{block.pk}/review/", {"show": "omitted"}).text
    assert f'value="/quizzes/{block.pk}/review/?show=omitted#item-1"' in filtered


def test_the_form_is_labelled_and_groups_its_kinds(student_client, student, bank):
    block = answered_tutor_block(student, bank[:1])
    form = report_fragment(item_page(student_client, block).text, 1)
    assert "<summary>Report a problem with this question</summary>" in form
    assert "<fieldset>" in form and "<legend>What is wrong?</legend>" in form
    for value in ("wrong_key", "typo", "outdated", "unclear", "other"):
        assert re.search(rf'<label class="radio-line"><input type="radio" name="kind" value="{value}"', form)
    assert '<label for="report-1-comment">' in form and 'id="report-1-comment" maxlength="2000"' in form
    assert 'aria-describedby="report-1-help"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<button type="submit" class="button button-secondary">Send report</button>' in form
    assert 'href="/reports/"' in form  # My reports


def test_the_form_names_no_letter_and_no_part_of_the_key(student_client, student, bank):
    block = answered_tutor_block(student, bank[:1])
    question = bank[0]
    form = report_fragment(item_page(student_client, block).text, 1)
    for choice in question.choices.all():
        assert choice.text not in form
    for secret in (question.explanation, question.educational_objective, "data-letter", "correct"):
        assert secret not in form
    assert not re.search(r"\b[A-F]\b(?![a-z])", re.sub(r"<[^>]+>", " ", form))


def test_the_pages_with_the_control_run_no_inline_script_or_style(student_client, student, bank):
    tutor = answered_tutor_block(student, bank[:1])
    timed = block_finish(block=make_block(student, bank[1:3], mode=Block.Mode.TIMED))
    for url in (f"/quizzes/{tutor.pk}/q/1/", f"/quizzes/{timed.pk}/review/"):
        response = student_client.get(url)
        nonce = response["Content-Security-Policy"].partition("'nonce-")[2].partition("'")[0] or None
        assert CONTROL in response.text
        assert active_content(response.text, nonce=nonce) == []


def test_the_control_adds_no_query_to_the_item_page_or_the_review(
    student_client, student, bank, django_assert_max_num_queries
):
    tutor = answered_tutor_block(student, bank[:1])
    with django_assert_max_num_queries(10):  # the budget of tests/quizzes/test_take_block.py's item page
        item_page(student_client, tutor)
    timed = block_finish(block=make_block(student, bank[1:4], mode=Block.Mode.TIMED))
    with django_assert_max_num_queries(9):  # and test_finish_and_review.py's review
        student_client.get(f"/quizzes/{timed.pk}/review/")

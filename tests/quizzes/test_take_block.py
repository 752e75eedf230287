import re
from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Block, Item, UserQuestion
from quizzes.services import block_finish
from tests.conftest import correct_letter, make_block, make_question, make_user, wrong_letter

pytestmark = pytest.mark.django_db


def item_url(block, position, suffix=""):
    return f"/quizzes/{block.pk}/q/{position}/{suffix}"


@pytest.fixture
def tutor_block(student, bank):
    return make_block(student, bank[:3], mode=Block.Mode.TUTOR)


@pytest.fixture
def timed_block(student, bank):
    return make_block(student, bank[:3], mode=Block.Mode.TIMED)


def test_resume_goes_to_the_first_unanswered_item(student_client, tutor_block, bank):
    assert student_client.get(f"/quizzes/{tutor_block.pk}/")["Location"] == item_url(tutor_block, 1)
    student_client.post(item_url(tutor_block, 1), {"choice": correct_letter(bank[0])})
    assert student_client.get(f"/quizzes/{tutor_block.pk}/")["Location"] == item_url(tutor_block, 2)


def test_question_screen_shows_the_item_without_the_key(student_client, tutor_block, bank):
    response = student_client.get(item_url(tutor_block, 2))
    text = response.text
    assert response.status_code == 200
    assert "Item 2 of 3" in text
    assert bank[1].stem in text
    assert bank[1].lead_in in text
    assert text.count('type="radio" name="choice"') == 5
    assert 'id="nav-cell-3"' in text and 'aria-current="step"' in text
    assert "Lab values" in text and 'data-src="/quizzes/labs/?fragment=1"' in text
    assert bank[1].explanation not in text
    assert bank[1].educational_objective not in text
    assert "correct answer" not in text.lower()


def test_tutor_answer_reveals_verdict_key_explanation_objective_and_peer_shares(
    student_client, student, tutor_block, bank, other_student
):
    # another student's first attempt at the same question feeds the peer shares
    from quizzes.services import item_answer

    item_answer(block=make_block(other_student, [bank[0]]), position=1, letter=wrong_letter(bank[0]))
    for n in range(8):  # nine answered first attempts before this one: the shares show from ten
        item_answer(
            block=make_block(make_user(f"peer{n}"), [bank[0]]), position=1, letter=wrong_letter(bank[0])
        )

    right = correct_letter(bank[0])
    response = student_client.post(item_url(tutor_block, 1), {"choice": right})
    assert response.status_code == 303
    assert response["Location"] == item_url(tutor_block, 1) + "#verdict"  # the verdict takes the focus
    text = student_client.get(item_url(tutor_block, 1)).text
    assert "Correct." in text
    assert 'id="verdict" tabindex="-1"' in text
    assert f"Correct answer: <strong>{right}." in text
    assert bank[0].explanation in text
    assert bank[0].educational_objective in text
    assert "10% chose this" in text and "90% chose this" in text
    item = Item.objects.get(block=tutor_block, position=1)
    assert (item.chosen_letter, item.is_correct) == (right, True)
    history = UserQuestion.objects.get(user=student, question=bank[0])
    assert (history.first_letter, history.first_correct, history.times_answered) == (right, True, 1)


def test_a_tutor_answer_locks(student_client, tutor_block, bank):
    wrong = wrong_letter(bank[0])
    student_client.post(item_url(tutor_block, 1), {"choice": wrong})
    response = student_client.post(item_url(tutor_block, 1), {"choice": correct_letter(bank[0])}, follow=True)
    assert "your first answer stands" in response.text
    item = Item.objects.get(block=tutor_block, position=1)
    assert (item.chosen_letter, item.is_correct) == (wrong, False)
    assert "Incorrect." in response.text


def test_the_same_answer_twice_is_stored_once(student_client, student, tutor_block, bank):
    right = correct_letter(bank[0])
    for _ in range(3):
        assert student_client.post(item_url(tutor_block, 1), {"choice": right}).status_code == 303
    assert UserQuestion.objects.get(user=student, question=bank[0]).times_answered == 1
    assert Item.objects.filter(block=tutor_block, answered_at__isnull=False).count() == 1


def test_timed_answer_gives_no_feedback_moves_on_and_may_change(student_client, student, timed_block, bank):
    wrong, right = wrong_letter(bank[0]), correct_letter(bank[0])
    response = student_client.post(item_url(timed_block, 1), {"choice": wrong})
    assert response["Location"] == item_url(timed_block, 2)
    text = student_client.get(item_url(timed_block, 1)).text
    assert bank[0].explanation not in text
    assert bank[0].educational_objective not in text
    assert "Correct." not in text and "Incorrect." not in text
    assert f'value="{wrong}" checked' in text
    student_client.post(item_url(timed_block, 1), {"choice": right})
    assert Item.objects.get(block=timed_block, position=1).chosen_letter == right
    # nothing is final until the block finishes
    assert not UserQuestion.objects.filter(user=student, first_answered_at__isnull=False).exists()


def test_last_timed_item_stays_put_and_says_so(student_client, timed_block, bank):
    response = student_client.post(item_url(timed_block, 3), {"choice": "A"}, follow=True)
    assert response.redirect_chain[-1][0] == item_url(timed_block, 3)
    assert "That was the last item" in response.text


def test_timed_page_shows_a_countdown_from_the_server_deadline(student_client, timed_block):
    Block.objects.filter(pk=timed_block.pk).update(deadline=timezone.now() + timedelta(seconds=100))
    text = student_client.get(item_url(timed_block, 1)).text
    assert 'data-seconds-left="99"' in text or 'data-seconds-left="100"' in text
    # reloading does not reset the clock
    Block.objects.filter(pk=timed_block.pk).update(deadline=timezone.now() + timedelta(seconds=40))
    assert 'data-seconds-left="39"' in (t := student_client.get(item_url(timed_block, 1)).text) or (
        'data-seconds-left="40"' in t
    )


@pytest.mark.parametrize("choice", ["", "Z", "AB", "1", "<script>", "a" * 5000])
def test_an_invalid_letter_is_400_with_a_message(student_client, tutor_block, choice):
    response = student_client.post(item_url(tutor_block, 1), {"choice": choice})
    assert response.status_code == 400
    assert "Choose one of the answer letters" in response.text
    assert not Item.objects.filter(block=tutor_block).exclude(chosen_letter="").exists()


def test_a_letter_the_question_does_not_have_is_400(student_client, tutor_block):
    response = student_client.post(item_url(tutor_block, 1), {"choice": "F"})
    assert response.status_code == 400
    assert "This question has no choice F." in response.text


def test_answer_after_the_deadline_is_refused_and_the_block_finished(
    student_client, student, timed_block, bank
):
    student_client.post(item_url(timed_block, 1), {"choice": correct_letter(bank[0])})
    Block.objects.filter(pk=timed_block.pk).update(deadline=timezone.now() - timedelta(seconds=30))
    response = student_client.post(item_url(timed_block, 2), {"choice": correct_letter(bank[1])})
    assert response.status_code == 409
    assert "Time is up" in response.text
    timed_block.refresh_from_db()
    assert timed_block.is_finished
    assert timed_block.correct_count == 1
    assert Item.objects.get(block=timed_block, position=2).chosen_letter == ""


def test_answer_within_the_grace_period_counts(student_client, timed_block, bank):
    Block.objects.filter(pk=timed_block.pk).update(deadline=timezone.now() - timedelta(seconds=2))
    response = student_client.post(item_url(timed_block, 1), {"choice": correct_letter(bank[0])})
    assert response.status_code == 303
    assert Item.objects.get(block=timed_block, position=1).is_correct is True


def test_opening_an_expired_timed_block_finishes_it_and_shows_the_review(student_client, timed_block):
    Block.objects.filter(pk=timed_block.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    response = student_client.get(item_url(timed_block, 1))
    assert response["Location"] == f"/quizzes/{timed_block.pk}/review/"
    timed_block.refresh_from_db()
    assert timed_block.is_finished and timed_block.correct_count == 0


def test_flag_toggles_without_javascript(student_client, student, tutor_block, bank):
    response = student_client.post(item_url(tutor_block, 2, "flag/"))
    assert response.status_code == 303
    assert Item.objects.get(block=tutor_block, position=2).flagged is True
    assert UserQuestion.objects.get(user=student, question=bank[1]).flagged is True
    assert "⚑ Flagged" in student_client.get(item_url(tutor_block, 2)).text
    student_client.post(item_url(tutor_block, 2, "flag/"))
    assert Item.objects.get(block=tutor_block, position=2).flagged is False
    assert UserQuestion.objects.get(user=student, question=bank[1]).flagged is False


def test_flag_with_htmx_returns_the_button_and_the_navigator_cell(student_client, timed_block, bank):
    response = student_client.post(item_url(timed_block, 1, "flag/"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="flag-button"' in response.text and "⚑ Flagged" in response.text
    assert re.search(r'<a [^>]*id="nav-cell-1"[^>]*hx-swap-oob="true"[^>]*>1</a>', response.text)
    assert bank[0].explanation not in response.text


def test_another_students_block_is_404_on_every_url(client, other_student, tutor_block):
    client.force_login(other_student)
    base = f"/quizzes/{tutor_block.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.get(f"{base}/q/1/").status_code == 404
    assert client.post(f"{base}/q/1/", {"choice": "A"}).status_code == 404
    assert client.post(f"{base}/q/1/flag/").status_code == 404
    assert client.post(f"{base}/finish/").status_code == 404
    assert client.get(f"{base}/review/").status_code == 404
    assert client.post(f"{base}/retake/", {"mode": "tutor"}).status_code == 404
    assert not Item.objects.filter(block=tutor_block).exclude(chosen_letter="").exists()
    assert not Item.objects.filter(block=tutor_block, flagged=True).exists()
    tutor_block.refresh_from_db()
    assert not tutor_block.is_finished


def test_a_position_outside_the_block_is_404(student_client, tutor_block):
    assert student_client.get(item_url(tutor_block, 0)).status_code == 404
    assert student_client.get(item_url(tutor_block, 4)).status_code == 404
    assert student_client.post(item_url(tutor_block, 4), {"choice": "A"}).status_code == 404
    assert student_client.post(item_url(tutor_block, 99, "flag/")).status_code == 404


def test_anonymous_and_wrong_methods(student_client, tutor_block):
    from django.test import Client

    assert Client().get(item_url(tutor_block, 1))["Location"].startswith("/accounts/login/")
    assert student_client.get(item_url(tutor_block, 1, "flag/")).status_code == 405
    assert student_client.get(f"/quizzes/{tutor_block.pk}/finish/").status_code == 405
    assert student_client.put(item_url(tutor_block, 1)).status_code == 405
    assert student_client.post(f"/quizzes/{tutor_block.pk}/").status_code == 405


def test_question_page_query_count_is_flat_for_a_40_item_block(
    student_client, student, django_assert_max_num_queries
):
    questions = [make_question() for _ in range(40)]
    block = make_block(student, questions, mode=Block.Mode.TIMED)
    for position in range(1, 21):
        student_client.post(item_url(block, position), {"choice": "A"})
    with django_assert_max_num_queries(9):
        assert student_client.get(item_url(block, 40)).status_code == 200
    block_finish(block=block)
    tutor = make_block(student, questions, mode=Block.Mode.TUTOR)
    student_client.post(item_url(tutor, 1), {"choice": "A"})
    with django_assert_max_num_queries(10):
        assert student_client.get(item_url(tutor, 1)).status_code == 200


def test_question_body_comes_from_the_cache_and_an_edit_shows_at_once(
    student_client, timed_block, bank, django_assert_max_num_queries
):
    from quizzes.services import question_render

    first = student_client.get(item_url(timed_block, 1)).text
    assert bank[0].stem in first
    with django_assert_max_num_queries(5):  # user, block, item, navigator, note: no choices query
        again = student_client.get(item_url(timed_block, 1)).text
    assert again.count('type="radio" name="choice"') == 5

    bank[0].stem = "An edited vignette about a 61-year-old carpenter."
    question_render(question=bank[0])
    bank[0].save()
    bank[0].choices.filter(letter="C").update(text="An edited choice text")
    bank[0].save()  # the admin saves the question with its choices: a new version
    edited = student_client.get(item_url(timed_block, 1)).text
    assert "61-year-old carpenter" in edited
    assert "An edited choice text" in edited


def test_answer_posts_stay_within_their_query_budget(
    student_client, bank, student, django_assert_max_num_queries
):
    timed = make_block(student, bank[:3], mode=Block.Mode.TIMED)
    tutor = make_block(student, bank[3:6], mode=Block.Mode.TUTOR)
    with django_assert_max_num_queries(8):
        assert (
            student_client.post(item_url(timed, 1), {"choice": "A", "elapsed_ms": "9000"}).status_code == 303
        )
    # tutor: the answer is final, so the student's row is locked, and history and the three
    # score aggregates are written too
    with django_assert_max_num_queries(17):
        assert (
            student_client.post(item_url(tutor, 1), {"choice": "A", "elapsed_ms": "9000"}).status_code == 303
        )


def test_answer_for_a_position_outside_the_block_is_404(student_client, timed_block):
    assert student_client.post(item_url(timed_block, 9), {"choice": "A"}).status_code == 404

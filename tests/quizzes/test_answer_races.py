"""Answers racing each other over real, separate PostgreSQL connections.

Each thread gets its own database connection (Django opens one per thread),
so these are true concurrent transactions, not a simulation.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from quizzes.models import Block, Item, UserQuestion
from tests.conftest import correct_letter, make_block, make_question, make_user, wrong_letter

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # One student posting many answers at once is the point here, not a flood.
    settings.RATELIMIT_ENABLE = False


def run_together(actions):
    """Start every action at the same instant; return their results (or exceptions)."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:  # surfaced to the test below
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def logged_in_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_many_tabs_posting_one_tutor_item_store_exactly_one_answer():
    student = make_user()
    question = make_question()
    block = make_block(student, [question], mode=Block.Mode.TUTOR)
    letters = [correct_letter(question), wrong_letter(question)] * 4
    clients = [logged_in_client(student) for _ in letters]
    url = f"/quizzes/{block.pk}/q/1/"
    results = run_together(
        [
            lambda c=client, letter=letter: c.post(url, {"choice": letter})
            for client, letter in zip(clients, letters, strict=True)
        ]
    )
    assert all(getattr(result, "status_code", None) == 303 for result in results), results
    item = Item.objects.get(block=block, position=1)
    history = UserQuestion.objects.get(user=student, question=question)
    assert item.chosen_letter in letters
    assert history.times_answered == 1
    assert history.first_letter == item.chosen_letter
    assert history.first_correct == item.is_correct


def test_finish_racing_an_answer_never_leaves_an_answer_unfinalised():
    student = make_user()
    questions = [make_question() for _ in range(3)]
    for _ in range(5):
        block = make_block(student, questions, mode=Block.Mode.TIMED)
        answer_url, finish_url = f"/quizzes/{block.pk}/q/1/", f"/quizzes/{block.pk}/finish/"
        answering, finishing = logged_in_client(student), logged_in_client(student)
        letter = correct_letter(questions[0])
        run_together(
            [
                lambda c=answering, url=answer_url, data={"choice": letter}: c.post(url, data),
                lambda c=finishing, url=finish_url: c.post(url),
            ]
        )
        block.refresh_from_db()
        item = block.items.get(position=1)
        assert block.is_finished
        # either the answer made it in before the finish (and was scored), or it was refused
        assert block.correct_count == (1 if item.is_answered else 0)


def test_four_blocks_built_at_once_never_share_a_question():
    """One open block per question, under a race: four Create Test posts at the same moment."""
    student = make_user()
    questions = [make_question() for _ in range(10)]
    clients = [logged_in_client(student) for _ in range(4)]
    form = {"size": "4", "mode": "timed", "pool": "all"}
    statuses = run_together([lambda c=c: c.post("/quizzes/new/", form).status_code for c in clients])
    assert sorted(statuses) == [302, 302, 302, 400]  # 4 + 4 + 2 questions; the fourth finds none left
    drawn = list(Item.objects.filter(block__owner=student).values_list("question_id", flat=True))
    assert len(drawn) == len(set(drawn)) == len(questions)


def test_the_same_submission_sent_four_times_at_once_is_accepted_once():
    student = make_user()
    question = make_question()
    block = make_block(student, [question, make_question()], mode=Block.Mode.TIMED)
    clients = [logged_in_client(student) for _ in range(4)]
    form = {"choice": wrong_letter(question), "idempotency_key": "0f8fad5b-d9cb-469f-a165-70867728950e"}
    results = run_together(
        [lambda c=c: c.post(f"/quizzes/{block.pk}/q/1/", form).status_code for c in clients]
    )
    assert results == [303] * 4
    item = Item.objects.get(block=block, position=1)
    assert item.chosen_letter == wrong_letter(question)
    assert item.receipts.count() == 1

"""Builders for the faculty tests: answers given through the real services, staff signed in to the admin."""

from __future__ import annotations

import pytest

from quizzes.models import Question
from quizzes.services import block_finish, item_answer
from tests.conftest import make_block, verify_second_factor


def answer_block(user, questions: list[Question], letters: str, elapsed_ms: list[int] | None = None) -> None:
    """One tutor block of these questions answered with these letters ("-" leaves one unanswered, so it
    is omitted when the block finishes), then finished."""
    block = make_block(user, questions)
    for position, letter in enumerate(letters, start=1):
        if letter != "-":
            elapsed = elapsed_ms[position - 1] if elapsed_ms else 1000
            item_answer(block=block, position=position, letter=letter, elapsed_ms=elapsed)
    block_finish(block=block)


def signed_in(client, user):
    client.force_login(user)
    verify_second_factor(client, user)
    return client


@pytest.fixture
def admin_client(client, staff_user):
    return signed_in(client, staff_user)

"""Builders shared by the report tests."""

from __future__ import annotations

import re

from quizzes.models import Block
from quizzes.services import block_finish, item_answer
from reports.models import ProblemReport
from reports.services import report_submit
from tests.conftest import make_block, wrong_letter


def report_url(block: Block, position: int = 1) -> str:
    return f"/reports/{block.pk}/q/{position}/"


def answered_tutor_block(student, questions) -> Block:
    """A tutor block whose every item is answered (wrongly): every key is shown."""
    block = make_block(student, questions, mode=Block.Mode.TUTOR)
    for position, question in enumerate(questions, start=1):
        item_answer(block=block, position=position, letter=wrong_letter(question))
    return block


def finished_timed_block(student, questions) -> Block:
    return block_finish(block=make_block(student, questions, mode=Block.Mode.TIMED))


def send(student, block: Block, position: int = 1, kind: str = "typo", comment: str = "") -> ProblemReport:
    return report_submit(
        user=student, block_id=block.pk, position=position, kind=kind, comment=comment
    ).report


def without_tokens(html: str) -> str:
    """The page without what differs on every response anyway (the CSRF token, the CSP nonce)."""
    return re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]+"', "", html)

"""Every write to the quizzes app goes through these functions.

bank: questions (render, import, publish). blocks: build, answer, flag,
finish. history: first attempts and the pools they drive.
"""

from quizzes.services.bank import (
    ImportResult,
    question_render,
    questions_import,
    questions_set_status,
    taxonomy_get_or_create,
)
from quizzes.services.blocks import (
    AnswerOutcome,
    NoQuestionsMatch,
    block_create,
    block_create_from_questions,
    block_finish,
    block_finish_expired,
    block_retake_count,
    block_retake_incorrect,
    item_answer,
    item_flag,
)
from quizzes.services.history import attempts_finalize, history_reset

__all__ = [
    "AnswerOutcome",
    "ImportResult",
    "NoQuestionsMatch",
    "attempts_finalize",
    "block_create",
    "block_create_from_questions",
    "block_finish",
    "block_finish_expired",
    "block_retake_count",
    "block_retake_incorrect",
    "history_reset",
    "item_answer",
    "item_flag",
    "question_render",
    "questions_import",
    "questions_set_status",
    "taxonomy_get_or_create",
]

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
    block_default_name,
    block_finish,
    block_finish_expired,
    block_rename,
    block_retake_count,
    block_retake_incorrect,
    block_suspend,
    block_unsuspend,
    item_answer,
    item_flag,
    item_marks_save,
)
from quizzes.services.history import attempts_finalize, history_reset

__all__ = [
    "AnswerOutcome",
    "ImportResult",
    "NoQuestionsMatch",
    "attempts_finalize",
    "block_create",
    "block_create_from_questions",
    "block_default_name",
    "block_finish",
    "block_finish_expired",
    "block_rename",
    "block_retake_count",
    "block_retake_incorrect",
    "block_suspend",
    "block_unsuspend",
    "history_reset",
    "item_answer",
    "item_flag",
    "item_marks_save",
    "question_render",
    "questions_import",
    "questions_set_status",
    "taxonomy_get_or_create",
]

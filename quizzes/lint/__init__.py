"""An item-writing linter for single-best-answer questions (`manage.py lint_bank`).

Per item (quizzes.lint.items): key-longest, negative-lead-in, all-none-above,
stem-gives-key, stem-key-overlap, explanation-misses-choice, unequal-options,
missing-objective. Per bank (quizzes.lint.bank): near-duplicate, longest-key-share,
key-letter-balance, and the summary figures. The admin shows one question's
findings with `lint_item(lint_item_from_question(question))` in
templates/admin/quizzes/question/_lint_panel.html.

Judgement calls, each explained where the rule lives:
- negative-lead-in reads the lead-in only, never the stem. EXCEPT and LEAST count in any
  case ("at least" does not); NOT, CANNOT and FALSE always in capitals, and in lower case
  only when they negate the question ("Which of the following drugs does not ...").
- stem-key-overlap: "no distractor does" means no distractor has 75 % of its own content
  words in the stem; it is not reported when stem-gives-key already is.
- key-letter-balance judges a letter among the items that offer it, against half to one and
  a half times the share chance gives it (10-30 % for five choices), and only letters offered
  by 50 items or more.
"""

from quizzes.lint.bank import BankReport, lint_bank, near_duplicate_pairs
from quizzes.lint.items import (
    ERROR,
    WARNING,
    Finding,
    LintItem,
    lint_item,
    lint_item_from_data,
    lint_item_from_question,
)

__all__ = [
    "ERROR",
    "WARNING",
    "BankReport",
    "Finding",
    "LintItem",
    "lint_bank",
    "lint_item",
    "lint_item_from_data",
    "lint_item_from_question",
    "near_duplicate_pairs",
]

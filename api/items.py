"""An item as the API shows it, with its key only where quizzes.lifecycle says it may be shown.

Every item the API sends (the item, an answer's reply, the review) is built here, so the key rule is asked
in one place: the correct letter, the explanation, the objective and the peer shares exist in the reply
only when `key_may_be_shown`; before that the reply has no field that could hold them.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from notes.selectors import notes_for
from quizzes import lifecycle
from quizzes.models import Block, Choice, Item
from quizzes.selectors import NO_SHARES, PeerShares, item_choices, peer_shares, review_items


@dataclass(frozen=True)
class KeyView:
    correct_letter: str
    is_correct: bool | None
    omitted: bool
    explanation_html: str
    educational_objective: str
    shares: PeerShares


@dataclass(frozen=True)
class ItemView:
    block: Block
    item: Item
    choices: list[Choice]
    note: str
    answer_may_change: bool
    key: KeyView | None

    @property
    def question(self):
        return self.item.question


def item_view(*, block: Block, item: Item, user: User) -> ItemView:
    """One item (its question select_related): its choices, the student's note, the key if it may be shown."""
    shown = lifecycle.key_may_be_shown(block=block, item=item)
    shares = peer_shares(question_ids=[item.question_id]).get(item.question_id, NO_SHARES) if shown else None
    note = notes_for(user=user, question_ids=[item.question_id]).get(item.question_id)
    return _view(block, item, list(item_choices(item=item)), note.text if note else "", shares)


def review_views(*, block: Block, user: User) -> list[ItemView]:
    """Every item of a finished block with its key: a fixed number of queries, however many items."""
    items = review_items(block=block)
    question_ids = [item.question_id for item in items]
    shares = peer_shares(question_ids=question_ids)
    notes = notes_for(user=user, question_ids=question_ids)
    return [
        _view(
            block,
            item,
            list(item.question.choices.all()),
            notes[item.question_id].text if item.question_id in notes else "",
            shares.get(item.question_id, NO_SHARES),
        )
        for item in items
    ]


def _view(block: Block, item: Item, choices: list[Choice], note: str, shares: PeerShares | None) -> ItemView:
    key = None
    if lifecycle.key_may_be_shown(block=block, item=item):
        question = item.question
        key = KeyView(
            correct_letter=next((choice.letter for choice in choices if choice.is_correct), ""),
            is_correct=item.is_correct,
            omitted=lifecycle.item_is_omitted(block=block, item=item),
            explanation_html=question.explanation_html,
            educational_objective=question.educational_objective,
            shares=shares or NO_SHARES,
        )
    return ItemView(
        block=block,
        item=item,
        choices=choices,
        note=note,
        answer_may_change=lifecycle.answer_may_change(block=block, item=item),
        key=key,
    )

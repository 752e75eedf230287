"""Reading a student's notes: only ever their own."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from notes.models import Note
from quizzes.models import Item

# What My notes shows of a question. Never the explanation, the objective or the choices:
# the page cannot leak what it never loads.
LIST_FIELDS = (
    "text",
    "updated_at",
    "user_id",
    "question__external_id",
    "question__lead_in",
    "question__subject__name",
    "question__system__name",
)


def notes_for(*, user: User, question_ids: Iterable[int]) -> dict[int, Note]:
    """The student's notes on these questions, by question id (one query), for the question screen and
    the review."""
    notes = Note.objects.filter(user=user, question_id__in=list(question_ids))
    return {note.question_id: note for note in notes}


def note_list(*, user: User, query: str = "") -> QuerySet[Note]:
    """My notes, newest first, each with its question's taxonomy and the student's latest item for it
    (`item_block_id`, `item_position`: where "Open question" goes; None if that block is gone).

    `query` matches the note, the question's lead-in, stem, subject, system or external id.
    """
    latest_item = Item.objects.filter(block__owner=user, question=OuterRef("question")).order_by(
        "-block__created_at", "-block_id"
    )
    notes = (
        Note.objects.filter(user=user)
        .select_related("question", "question__subject", "question__system")
        .only(*LIST_FIELDS)
        .annotate(
            item_block_id=Subquery(latest_item.values("block_id")[:1]),
            item_position=Subquery(latest_item.values("position")[:1]),
        )
        .order_by("-updated_at", "-id")
    )
    if query:
        notes = notes.filter(
            Q(text__icontains=query)
            | Q(question__lead_in__icontains=query)
            | Q(question__stem__icontains=query)
            | Q(question__subject__name__icontains=query)
            | Q(question__system__name__icontains=query)
            | Q(question__external_id__icontains=query)
        )
    return notes

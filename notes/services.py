"""Writing a student's note: save, replace, or delete by saving it empty."""

from __future__ import annotations

from django.http import Http404

from accounts.models import User
from notes.models import Note
from quizzes.models import Item


class NoteTooLong(ValueError):
    def __init__(self, length: int):
        self.length = length
        super().__init__(f"A note can be at most {Note.MAX_LENGTH:,} characters (this one has {length:,}).")


def note_save(*, user: User, question_id: int, text: str) -> Note | None:
    """The student's note on the question, created or replaced; None when `text` is blank (deleted).

    Only a question in one of the student's own blocks takes a note: any other
    id, a draft's or one that does not exist, is the same 404.
    """
    if not Item.objects.filter(block__owner=user, question_id=question_id).exists():
        raise Http404("No such question in your blocks.")
    # Browsers submit a textarea's line breaks as CRLF but count them as one character against
    # maxlength: count them the same way, so a note the textarea accepted is never refused here.
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > Note.MAX_LENGTH:
        raise NoteTooLong(len(text))
    if not text:
        Note.objects.filter(user=user, question_id=question_id).delete()
        return None
    # Two tabs saving the same note at once: update_or_create locks the row (SELECT ... FOR UPDATE)
    # and, when both try to insert, the unique constraint makes the loser update the winner's row.
    note, _ = Note.objects.update_or_create(user=user, question_id=question_id, defaults={"text": text})
    return note

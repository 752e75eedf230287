"""A student's own note on a question: private, one per student and question."""

from django.conf import settings
from django.db import models


class Note(models.Model):
    # Enforced by notes.services.note_save (and the textarea's maxlength), not by the column:
    # the message can then say how long the refused note was.
    MAX_LENGTH = 5000

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes")
    question = models.ForeignKey("quizzes.Question", on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="note_once_per_question"),
        ]
        indexes = [
            # "My notes": a student's notes, newest first.
            models.Index(fields=["user", "-updated_at"], name="note_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} / {self.question_id}"

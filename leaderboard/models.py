"""Score aggregates: one row per student (all time), per student and ISO week, per student and subject.

Written in the same transaction that makes a first attempt final
(leaderboard.services.score_record); `manage.py rebuild_leaderboards`
recomputes them from the first-attempt history.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Score(models.Model):
    score = models.PositiveIntegerField(default=0, help_text="First attempts answered correctly.")
    answered = models.PositiveIntegerField(default=0, help_text="First attempts.")
    # When the current score was reached (with no correct answer yet: the first attempt).
    reached_at = models.DateTimeField()
    # The whole ranking in one number (leaderboard.ranking.rank_key): higher ranks first.
    rank_key = models.BigIntegerField(default=0)
    # Copied from the student so a board is one index scan: kept in step by
    # leaderboard.services.score_student_changed when the profile changes.
    cohort = models.ForeignKey(
        "accounts.Cohort", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    visible = models.BooleanField(default=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.user_id}: {self.score}/{self.answered}"

    @property
    def accuracy(self) -> int:
        return round(100 * self.score / self.answered) if self.answered else 0


def _board_index(name: str, *leading: str) -> models.Index:
    return models.Index(*leading, F("rank_key").desc(), "user", condition=Q(visible=True), name=name)


class AllTimeScore(Score):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="all_time_score"
    )

    class Meta:
        indexes = [
            _board_index("alltime_board"),  # /leaderboard/
            _board_index("alltime_cohort_board", "cohort"),  # /leaderboard/?cohort=
        ]


class WeeklyScore(Score):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_scores")
    week = models.DateField(help_text="Monday (UTC) of the ISO week.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="weekly_score_unique")]
        indexes = [
            _board_index("weekly_board", "week"),  # ?period=week
            _board_index("weekly_cohort_board", "week", "cohort"),  # ?period=week&cohort=
        ]


class SubjectScore(Score):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subject_scores"
    )
    subject = models.ForeignKey("quizzes.Subject", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "subject"], name="subject_score_unique")]
        indexes = [
            _board_index("subject_board", "subject"),  # ?subject=
            _board_index("subject_cohort_board", "subject", "cohort"),  # ?subject=&cohort=
        ]

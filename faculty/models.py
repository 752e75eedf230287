"""Item analysis, stored: one row per question and one per bank or cohort, rewritten by each refresh.

Computed set-based in PostgreSQL by faculty.item_analysis (the task item_analysis_refresh) from the
first attempts only, the rule the leaderboards follow. Pages read these rows; they never aggregate
the millions of first attempts themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from accounts.models import Cohort
from quizzes.models import LETTERS


@dataclass(frozen=True)
class LetterShare:
    """One column of the letter table: a choice (or "omitted") and who chose it, as percentages."""

    label: str  # "A" ... "F", or "Omitted"
    is_key: bool
    share: float | None  # of all first attempts
    top: float | None  # of the top 27 % by rest score
    bottom: float | None  # of the bottom 27 %


def _percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


class QuestionStatistic(models.Model):
    """A question's first attempts: difficulty, discrimination, who chose what, flags."""

    question = models.OneToOneField(
        "quizzes.Question", primary_key=True, on_delete=models.CASCADE, related_name="statistic"
    )
    letters = models.CharField(max_length=6, help_text="The question's choice letters when computed.")
    key_letter = models.CharField(max_length=1, blank=True, help_text="The correct letter when computed.")
    attempts = models.PositiveIntegerField(default=0, help_text="First attempts (n).")
    correct = models.PositiveIntegerField(default=0)
    omitted = models.PositiveIntegerField(default=0)
    facility = models.FloatField(null=True, help_text="Percent of first attempts correct.")
    # Item-rest point-biserial correlation over the attempts of students with 2+ first attempts.
    discrimination = models.FloatField(null=True)
    ranked = models.PositiveIntegerField(default=0, help_text="First attempts by students with 2+ of them.")
    ranked_correct = models.PositiveIntegerField(default=0)
    top_n = models.PositiveIntegerField(default=0, help_text="Size of the top 27 % group.")
    bottom_n = models.PositiveIntegerField(default=0, help_text="Size of the bottom 27 % group.")
    mean_time_ms = models.PositiveIntegerField(null=True)
    timed_answers = models.PositiveIntegerField(default=0, help_text="Answered items behind mean_time_ms.")
    # Filled by the lead engineer from the reports app; left at 0 here.
    open_reports = models.PositiveIntegerField(default=0)
    flag_likely_wrong_key = models.BooleanField(default=False)
    flag_too_easy = models.BooleanField(default=False)
    flag_too_hard = models.BooleanField(default=False)
    flag_dead_distractor = models.BooleanField(default=False)
    computed_at = models.DateTimeField()

    # First attempts that chose each letter, and nothing (omitted).
    chose_a = models.PositiveIntegerField(default=0)
    chose_b = models.PositiveIntegerField(default=0)
    chose_c = models.PositiveIntegerField(default=0)
    chose_d = models.PositiveIntegerField(default=0)
    chose_e = models.PositiveIntegerField(default=0)
    chose_f = models.PositiveIntegerField(default=0)
    chose_omitted = models.PositiveIntegerField(default=0)
    # Top-group attempts that chose each letter, and nothing (omitted).
    top_a = models.PositiveIntegerField(default=0)
    top_b = models.PositiveIntegerField(default=0)
    top_c = models.PositiveIntegerField(default=0)
    top_d = models.PositiveIntegerField(default=0)
    top_e = models.PositiveIntegerField(default=0)
    top_f = models.PositiveIntegerField(default=0)
    top_omitted = models.PositiveIntegerField(default=0)
    # Bottom-group attempts that chose each letter, and nothing (omitted).
    bottom_a = models.PositiveIntegerField(default=0)
    bottom_b = models.PositiveIntegerField(default=0)
    bottom_c = models.PositiveIntegerField(default=0)
    bottom_d = models.PositiveIntegerField(default=0)
    bottom_e = models.PositiveIntegerField(default=0)
    bottom_f = models.PositiveIntegerField(default=0)
    bottom_omitted = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "item analysis"
        verbose_name_plural = "item analysis"

    def __str__(self) -> str:
        return f"Statistics of question {self.question_id}"

    @property
    def flags(self) -> list[str]:
        return [name for name, field in FLAGS.items() if getattr(self, field)]

    @property
    def letter_shares(self) -> list[LetterShare]:
        """Every letter A-F (None where the question has no such choice) and then "Omitted"."""
        shares = []
        for letter in [*LETTERS, "omitted"]:
            suffix = letter.lower()
            if letter != "omitted" and letter not in self.letters:
                shares.append(LetterShare(letter, False, None, None, None))
                continue
            shares.append(
                LetterShare(
                    "Omitted" if letter == "omitted" else letter,
                    letter == self.key_letter,
                    _percent(getattr(self, f"chose_{suffix}"), self.attempts),
                    _percent(getattr(self, f"top_{suffix}"), self.top_n),
                    _percent(getattr(self, f"bottom_{suffix}"), self.bottom_n),
                )
            )
        return shares


# The flags as the page and its ?flag= filter name them, and the column behind each.
FLAGS = {
    "likely-wrong-key": "flag_likely_wrong_key",
    "too-easy": "flag_too_easy",
    "too-hard": "flag_too_hard",
    "dead-distractor": "flag_dead_distractor",
}


class BankStatistic(models.Model):
    """Reliability of the whole bank (cohort empty) or of one cohort's first attempts: KR-20.

    See faculty.item_analysis for the estimator (students answer different subsets of the bank).
    """

    cohort = models.ForeignKey("accounts.Cohort", null=True, on_delete=models.CASCADE, related_name="+")
    students = models.PositiveIntegerField(default=0, help_text="Students with 2+ first attempts.")
    first_attempts = models.PositiveIntegerField(default=0, help_text="Their first attempts.")
    questions = models.PositiveIntegerField(default=0, help_text="Questions they attempted.")
    form_length = models.FloatField(null=True, help_text="k: harmonic mean of first attempts per student.")
    mean_item_variance = models.FloatField(null=True, help_text="Attempt-weighted mean of p(1-p).")
    score_variance = models.FloatField(null=True, help_text="Population variance of proportion scores.")
    kr20 = models.FloatField(null=True)
    computed_at = models.DateTimeField()

    class Meta:
        # The whole-bank row (no cohort) is kept single by the refresh, which rewrites every row under a lock.
        constraints = [models.UniqueConstraint(fields=["cohort"], name="bank_statistic_once_per_cohort")]

    def __str__(self) -> str:
        return f"KR-20 of {self.cohort or 'the bank'}"

    @property
    def kr20_40(self) -> float | None:
        """KR-20 projected to a 40-item block (Spearman-Brown), for figures comparable across cohorts."""
        k, reliability = self.form_length, self.kr20
        if k is None or reliability is None or reliability <= 0 or reliability >= 1:
            return None
        per_item = reliability / (k - (k - 1) * reliability)
        return 40 * per_item / (1 + 39 * per_item)


class CohortDashboard(Cohort):
    """A cohort as its teachers see it in the admin: Faculty > Cohort dashboards (faculty.admin)."""

    class Meta:
        proxy = True
        verbose_name = "cohort dashboard"

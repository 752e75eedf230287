import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

LETTERS = "ABCDEF"
MIN_CHOICES = 4
MAX_CHOICES = 6


class Taxonomy(models.Model):
    """A subject (discipline) or a system (organ system): a name, a slug, a place in lists."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    ordering = models.PositiveSmallIntegerField(default=100)

    class Meta:
        abstract = True
        ordering = ["ordering", "name"]

    def __str__(self) -> str:
        return self.name


class Subject(Taxonomy):
    class Meta(Taxonomy.Meta):
        pass


class System(Taxonomy):
    class Meta(Taxonomy.Meta):
        pass


def new_external_id() -> str:
    return f"q-{uuid.uuid4().hex[:12]}"


class QuestionQuerySet(models.QuerySet):
    def published(self) -> "QuestionQuerySet":
        return self.filter(status=Question.Status.PUBLISHED)


class Question(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    external_id = models.CharField(
        max_length=100,
        unique=True,
        default=new_external_id,
        help_text="Stable id used by import and export.",
    )
    stem = models.TextField(help_text="The clinical vignette, in Markdown.")
    lead_in = models.CharField(
        max_length=300,
        help_text="The question itself, e.g. “Which of the following is the most likely diagnosis?”",
    )
    explanation = models.TextField(help_text="Markdown: why each choice is right or wrong.")
    educational_objective = models.TextField(help_text="One sentence.")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="questions")
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="questions")
    difficulty = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 (easy) to 5 (hard)."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Sanitised HTML rendered from the Markdown fields once per version of the
    # question (services.question_render), so pages never render Markdown per request.
    stem_html = models.TextField(editable=False, default="")
    explanation_html = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(difficulty__gte=1, difficulty__lte=5),
                name="question_difficulty_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published"]),
                name="question_status_known",
            ),
        ]
        indexes = [
            # Students only ever see published questions, filtered by subject/system.
            models.Index(fields=["status", "system", "subject"], name="question_published_tax"),
        ]

    def __str__(self) -> str:
        return f"{self.external_id}: {self.lead_in[:60]}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    letter = models.CharField(max_length=1, choices=[(letter, letter) for letter in LETTERS])
    text = models.TextField()
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question_id", "letter"]
        constraints = [
            # Deferred so an editor can swap two letters in one save.
            models.UniqueConstraint(
                fields=["question", "letter"],
                name="choice_letter_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
            # "Exactly one correct" and "4 to 6 choices" span rows, so a deferred
            # constraint trigger checks them at commit on PostgreSQL (migration 0002).
            models.CheckConstraint(condition=models.Q(letter__in=list(LETTERS)), name="choice_letter_a_to_f"),
        ]

    def __str__(self) -> str:
        return f"{self.letter}. {self.text[:60]}"

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
    # Blank only on a draft: formats such as Moodle XML or GIFT have no objective, so imported questions
    # arrive without one and cannot be published until faculty write it (quizzes.admin, services.bank).
    educational_objective = models.TextField(blank=True, help_text="One sentence (required to publish).")
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


class QuestionImage(models.Model):
    """An image faculty put in a stem, an explanation or a choice (an ECG, a smear, a radiograph).

    Uploads are decoded and re-encoded by quizzes.images (so EXIF, trailing payloads and anything but
    pixels are gone) into two WebP renditions stored through Django's storage API under names made from
    `key`, a hash of the uploaded bytes: names nobody can guess and that never change (a year's cache).
    Text refers to an image as `image:KEY` (`![alt text](image:KEY)` in Markdown).
    """

    key = models.CharField(max_length=32, unique=True)
    # The hashes of the bytes as uploaded and of the stored full rendition: an export re-imported (which
    # carries the rendition, not the upload) finds the same image instead of making a copy.
    source_sha256 = models.CharField(max_length=64, db_index=True)
    full_sha256 = models.CharField(max_length=64, db_index=True)
    alt_text = models.CharField(
        max_length=300, help_text="What the image shows, for students who cannot see it."
    )
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    web_width = models.PositiveIntegerField()
    web_height = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.alt_text[:60]} ({self.key})"

    @property
    def reference(self) -> str:
        """What faculty paste into a stem, an explanation or a choice."""
        alt = self.alt_text.replace("]", ")").replace("[", "(")
        return f"![{alt}](image:{self.key})"

    def storage_name(self, rendition: str) -> str:
        return f"question-images/{self.key}/{rendition}.webp"


class QuestionImport(models.Model):
    """One file faculty uploaded to import: previewed, then confirmed, then run by the task worker.

    The file itself is kept (through the storage API) until the import has run, so the preview and the
    import read the same bytes; `processed` of `total` is the progress the admin page shows.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed, not confirmed"
        QUEUED = "queued", "Waiting for the task worker"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    format = models.CharField(max_length=10)
    file = models.FileField(upload_to="question-imports/", max_length=200)
    options = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    # {"created": n, "updated": n, "unchanged": n, "images": n, "skipped": n} once done; the error if failed.
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent_done(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 0


class Block(models.Model):
    """One practice test a student builds: 1-40 items, tutor or timed."""

    class Mode(models.TextChoices):
        TUTOR = "tutor", "Tutor"
        TIMED = "timed", "Timed"

    class Pool(models.TextChoices):
        ALL = "all", "All questions"
        UNUSED = "unused", "Unused"
        INCORRECT = "incorrect", "Incorrect"
        OMITTED = "omitted", "Omitted"
        FLAGGED = "flagged", "Flagged"

    SECONDS_PER_ITEM = 90
    MAX_SIZE = 40

    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="blocks")
    mode = models.CharField(max_length=5, choices=Mode.choices)
    pool = models.CharField(max_length=10, choices=Pool.choices, default=Pool.ALL)
    size_requested = models.PositiveSmallIntegerField()
    item_count = models.PositiveSmallIntegerField()
    # The slugs the student chose, kept for "what did I practise" (empty = all).
    subject_slugs = models.JSONField(default=list, blank=True)
    system_slugs = models.JSONField(default=list, blank=True)
    # Shown in lists; the default is made from the filters (quizzes.services.blocks.block_default_name).
    name = models.CharField(max_length=80, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # Timed blocks only: a server-side clock, 90 s per item from creation,
    # moved on by the time spent suspended (lifecycle.block_resume_clock).
    deadline = models.DateTimeField(null=True, blank=True)
    # Suspended: the clock stands still from this moment until the student resumes.
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_seconds = models.PositiveIntegerField(default=0, db_default=0)
    suspend_count = models.PositiveSmallIntegerField(default=0, db_default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    answered_count = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            # "My blocks": a student's blocks, newest first.
            models.Index(fields=["owner", "-created_at"], name="block_owner_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(item_count__gte=1, item_count__lte=40), name="block_1_to_40_items"
            ),
        ]

    def __str__(self) -> str:
        return f"Block {self.pk} ({self.mode}, {self.item_count} items)"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None and self.finished_at is None

    @property
    def is_timed(self) -> bool:
        return self.mode == self.Mode.TIMED

    @property
    def omitted_count(self) -> int:
        """Items left unanswered when the block finished (0 while it is open)."""
        if not self.is_finished or self.answered_count is None:
            return 0
        return self.item_count - self.answered_count

    @property
    def score_percent(self) -> int | None:
        if self.correct_count is None or not self.item_count:
            return None
        return round(100 * self.correct_count / self.item_count)


class Item(models.Model):
    """One question inside one block, with the student's answer to it."""

    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField()
    chosen_letter = models.CharField(max_length=1, blank=True, default="")
    is_correct = models.BooleanField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Left unanswered when the block finished: a spent attempt, incorrect (quizzes.lifecycle).
    omitted = models.BooleanField(default=False, db_default=False)
    flagged = models.BooleanField(default=False)
    time_spent_ms = models.PositiveIntegerField(default=0)
    # The student's marks, kept on the server and shown again on resume and in the review:
    # highlighted ranges of the stem's text ([[start, end], ...] in characters) and struck-out letters.
    highlights = models.JSONField(default=list, db_default=[], blank=True)
    struck = models.CharField(max_length=6, blank=True, default="", db_default="")

    class Meta:
        ordering = ["block_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["block", "position"], name="item_position_unique"),
            models.UniqueConstraint(fields=["block", "question"], name="item_question_once_per_block"),
        ]

    def __str__(self) -> str:
        return f"Block {self.block_id} item {self.position}"

    @property
    def is_answered(self) -> bool:
        return bool(self.chosen_letter)


class AnswerReceipt(models.Model):
    """An answer submission the server accepted, named by the key the form carried.

    A retry of a submission that did arrive (its reply was lost on the way)
    carries the same key and letter and changes nothing, even if the student
    has changed the answer since. The letter is part of the receipt because a
    form re-sent from the browser's history with a different choice is a new
    answer. Receipts only matter while answers can change: finishing a block
    deletes them.
    """

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="receipts")
    key = models.UUIDField()
    letter = models.CharField(max_length=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "key", "letter"], name="answer_receipt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.letter}) for {self.item}"


class UserQuestion(models.Model):
    """A student's history with one question.

    The first_* fields record the first *final* attempt (tutor: when answered;
    timed: when the block finishes; an item left unanswered: when its block
    finishes, as an omitted, incorrect attempt) and never change again, not even after
    "Reset my history": they are what the score counts. The other fields drive
    the pools and statistics, and a reset clears them.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="question_history")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="history")
    first_letter = models.CharField(max_length=1, blank=True, default="")
    first_correct = models.BooleanField(null=True, blank=True)
    # The first final attempt was an item left unanswered (first_letter is then empty).
    first_omitted = models.BooleanField(default=False, db_default=False)
    first_answered_at = models.DateTimeField(null=True, blank=True)
    # Pool and statistics state (cleared by a history reset).
    seen = models.BooleanField(default=False)
    last_correct = models.BooleanField(null=True, blank=True)
    last_omitted = models.BooleanField(default=False, db_default=False)
    last_answered_at = models.DateTimeField(null=True, blank=True)
    times_answered = models.PositiveIntegerField(default=0)
    flagged = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="user_question_unique"),
        ]
        indexes = [
            # Peer shares: first attempts per question grouped by letter.
            models.Index(fields=["question", "first_letter"], name="uq_peer_shares"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} / {self.question_id}"

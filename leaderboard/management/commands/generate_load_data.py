"""A realistic synthetic data set for leaderboard benchmarks and load tests.

    manage.py generate_load_data --students 1000000 --questions 20000 --attempts 10000000

Students are "load-0000001" ... with one known password (--password), spread
over cohorts; their activity is heavy-tailed (a few very active students,
many light ones), their accuracy spread over 40-90 %, their first attempts
spread over the last 12 weeks. Rows go in with PostgreSQL COPY and set-based
INSERT ... SELECT, then the aggregates and the Redis sorted sets are rebuilt.
"""

from __future__ import annotations

import random
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Cohort, User
from leaderboard.services import aggregates_rebuild, sorted_sets_rebuild
from quizzes.models import Question, Subject, System

STUDENT_PREFIX = "load-"
QUESTION_PREFIX = "load-q-"
DEFAULT_PASSWORD = "load-test-password"  # noqa: S105 - the documented password of synthetic load-test accounts
# Primes above any bank size: stepping through the bank by one of them from a
# random offset visits distinct questions, so a student never repeats one.
STRIDES = [1_000_003, 1_000_033, 1_000_037, 1_000_039, 1_000_081, 1_000_099]
SUBJECTS = ["Anatomy", "Behavioral science", "Biochemistry", "Genetics", "Immunology",
            "Microbiology", "Pathology", "Pharmacology", "Physiology"]  # fmt: skip
SYSTEMS = ["Cardiovascular", "Respiratory", "Renal", "Gastrointestinal", "Endocrine", "Reproductive",
           "Nervous", "Musculoskeletal", "Hematology/Oncology", "Multisystem", "Skin"]  # fmt: skip


class Command(BaseCommand):
    help = "Generate load-test students, questions and first attempts (PostgreSQL only)."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=1000)
        parser.add_argument("--questions", type=int, default=500)
        parser.add_argument("--attempts", type=int, default=20_000)
        parser.add_argument("--cohorts", type=int, default=20)
        parser.add_argument("--password", default=DEFAULT_PASSWORD)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="run even if real students exist")

    def handle(self, *args, students, questions, attempts, cohorts, password, seed, force, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_load_data needs PostgreSQL (it uses COPY).")
        real = User.objects.filter(is_staff=False).exclude(username__startswith=STUDENT_PREFIX)
        if real.exists() and not force:
            raise CommandError(
                f"this database holds {real.count()} real student(s); refusing to add generated ones "
                "to it. Use a separate database, or --force if you are sure."
            )
        if attempts > students * questions:
            raise CommandError("more attempts than students × questions: nobody answers a question twice")
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by seed; no secret
        self.started = time.monotonic()
        with transaction.atomic():
            question_ids = self._questions(questions)
            cohort_ids = self._cohorts(cohorts)
            new_students = self._students(students, cohort_ids, password)
            self._rehash_if_outdated(password)
            self._attempts(new_students, question_ids, attempts * len(new_students) // max(students, 1))
        if not new_students:
            self.stdout.write("nothing new to generate; the aggregates are left as they are")
            return
        self._step("ANALYZE", _analyze)
        self._step("aggregates rebuilt", aggregates_rebuild)
        self._step("Redis sorted sets rebuilt", sorted_sets_rebuild)
        self.stdout.write(self.style.SUCCESS(f"done in {time.monotonic() - self.started:.0f} s"))

    def _step(self, label: str, action):
        began = time.monotonic()
        result = action()
        detail = f": {result}" if isinstance(result, int | dict) else ""
        self.stdout.write(f"{label} in {time.monotonic() - began:.1f} s{detail}")
        return result

    # --- questions ----------------------------------------------------------

    def _questions(self, wanted: int) -> list[int]:
        existing = Question.objects.filter(external_id__startswith=QUESTION_PREFIX).count()
        if existing < wanted:
            subjects = [
                Subject.objects.get_or_create(name=n, defaults={"slug": _slug(n)})[0].pk for n in SUBJECTS
            ]
            systems = [
                System.objects.get_or_create(name=n, defaults={"slug": _slug(n)})[0].pk for n in SYSTEMS
            ]
            now = timezone.now()

            def rows():
                for n in range(existing, wanted):
                    stem = f"Generated vignette {n}: a patient presents with finding {n}."
                    yield (
                        f"{QUESTION_PREFIX}{n:07d}", stem, "Which of the following is most likely?",
                        f"Generated explanation {n}.", f"Generated objective {n}.",
                        subjects[n % len(subjects)], systems[n % len(systems)], 1 + n % 5, "published",
                        f"<p>{stem}</p>", f"<p>Generated explanation {n}.</p>", now, now,
                    )  # fmt: skip

            self._copy(
                "quizzes_question",
                ["external_id", "stem", "lead_in", "explanation", "educational_objective", "subject_id",
                 "system_id", "difficulty", "status", "stem_html", "explanation_html", "created_at",
                 "updated_at"],
                rows(),
            )  # fmt: skip
            new = Question.objects.filter(external_id__startswith=QUESTION_PREFIX).order_by("external_id")
            new_ids = list(new.values_list("pk", flat=True)[existing:])
            self._copy(
                "quizzes_choice",
                ["question_id", "letter", "text", "is_correct"],
                (
                    (question_id, letter, f"Option {letter}", letter == "ABCDE"[(existing + i) % 5])
                    for i, question_id in enumerate(new_ids)
                    for letter in "ABCDE"
                ),
            )
            self.stdout.write(f"{wanted - existing} questions copied at {self._elapsed()}")
        ids = Question.objects.filter(external_id__startswith=QUESTION_PREFIX).order_by("external_id")
        return list(ids.values_list("pk", flat=True)[:wanted])

    def _cohorts(self, count: int) -> list[int]:
        return [
            Cohort.objects.get_or_create(slug=f"load-cohort-{n}", defaults={"name": f"Load cohort {n}"})[0].pk
            for n in range(1, count + 1)
        ]

    # --- students -----------------------------------------------------------

    def _rehash_if_outdated(self, password: str) -> None:
        """One fresh hash for every generated student whose hash has other parameters.

        Otherwise the next load run's logins would each verify the old hash and then
        store an upgraded one: two hashes and a write per login, not what a login costs.
        A bulk update sends no signals, so a cached copy of a student (accounts.backends)
        keeps the old hash until that student's next login saves last_login and drops it.
        """
        hashed = make_password(password)
        parameters = hashed.rsplit("$", 2)[0] + "$"  # algorithm and cost, without salt and digest
        updated = (
            User.objects.filter(username__startswith=STUDENT_PREFIX)
            .exclude(password__startswith=parameters)
            .update(password=hashed)
        )
        if updated:
            self.stdout.write(f"{updated} generated students given a hash with the current parameters")

    def _students(self, wanted: int, cohort_ids: list[int], password: str) -> list[int]:
        existing = User.objects.filter(username__startswith=STUDENT_PREFIX).count()
        if existing >= wanted:
            return []
        hashed = make_password(password)  # one hash for all: hashing a million times would take hours
        now = timezone.now()
        rng = self.rng

        def rows():
            for n in range(existing + 1, wanted + 1):
                yield (
                    hashed, False, f"{STUDENT_PREFIX}{n:07d}", "", "", f"{STUDENT_PREFIX}{n:07d}@example.org",
                    False, True, now, f"Student {n}", rng.choice(cohort_ids) if rng.random() < 0.9 else None,
                    rng.randint(2026, 2030), rng.random() > 0.03,
                )  # fmt: skip

        self._copy(
            "accounts_user",
            ["password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
             "is_active", "date_joined", "display_name", "cohort_id", "graduation_year",
             "show_on_leaderboard"],
            rows(),
        )  # fmt: skip
        self.stdout.write(f"{wanted - existing} students copied at {self._elapsed()}")
        generated = User.objects.filter(username__startswith=STUDENT_PREFIX).order_by("username")
        return list(generated.values_list("pk", flat=True)[existing:])

    # --- first attempts ----------------------------------------------------

    def _attempts(self, student_ids: list[int], question_ids: list[int], total: int) -> None:
        if not student_ids or total <= 0:
            return
        bank = len(question_ids)
        rng = self.rng
        # Heavy-tailed activity: a Pareto draw per student, scaled to the total,
        # capped at the bank size (nobody answers a question twice).
        weights = [rng.paretovariate(1.16) for _ in student_ids]
        scale = total / sum(weights)
        counts = [min(bank, int(w * scale)) for w in weights]
        shortfall = total - sum(counts)
        for index in rng.sample(range(len(counts)), len(counts)):
            if shortfall <= 0:
                break
            extra = min(bank - counts[index], shortfall)
            counts[index] += extra
            shortfall -= extra
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE load_activity"
                " (user_id bigint, n int, offs int, stride int, accuracy float) ON COMMIT DROP"
            )
            cursor.execute(
                "CREATE TEMP TABLE load_bank (idx int PRIMARY KEY, question_id bigint) ON COMMIT DROP"
            )
        self._copy("load_bank", ["idx", "question_id"], enumerate(question_ids))
        self._copy(
            "load_activity",
            ["user_id", "n", "offs", "stride", "accuracy"],
            (
                (user_id, count, rng.randrange(bank), rng.choice(STRIDES), rng.uniform(0.4, 0.9))
                for user_id, count in zip(student_ids, counts, strict=True)
                if count
            ),
        )
        with connection.cursor() as cursor:
            # Letters: the generated question at bank index i has its correct answer at "ABCDE"[i % 5];
            # a wrong first attempt picks one of the other four at random.
            cursor.execute(
                """
                INSERT INTO quizzes_userquestion (user_id, question_id, first_letter, first_correct,
                    first_answered_at, seen, last_correct, last_answered_at, times_answered, flagged)
                SELECT user_id, question_id,
                       CASE WHEN correct THEN chr(65 + idx %% 5)
                            ELSE chr(65 + (idx %% 5 + 1 + floor(pick * 4)::int) %% 5) END,
                       correct, at, true, correct, at, 1, false
                  FROM (
                    -- random() in this select list runs once per row (a volatile subquery is not flattened)
                    SELECT a.user_id, b.question_id, b.idx,
                           random() < a.accuracy AS correct,
                           now() - random() * interval '84 days' AS at,
                           random() AS pick
                      FROM load_activity a
                      CROSS JOIN LATERAL generate_series(0, a.n - 1) AS k
                      JOIN load_bank b ON b.idx = ((a.offs::bigint + k::bigint * a.stride) %% %s)
                  ) AS attempts
                """,
                [bank],
            )
            inserted = cursor.rowcount
        self.stdout.write(f"{inserted} first attempts inserted at {self._elapsed()}")

    # --- helpers ------------------------------------------------------------

    def _copy(self, table: str, columns: list[str], rows) -> None:
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def _elapsed(self) -> str:
        return f"{time.monotonic() - self.started:.0f} s"


def _analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name.replace("/", " "))

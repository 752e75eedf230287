"""Time the item analysis refresh on a generated bank (20,000 questions, 10,000,000 first attempts).

    DATABASE_URL=postgres://.../usmle_quiz_ia_bench manage.py bench_item_analysis \\
        --students 1000000 --questions 20000 --attempts 10000000

Builds the data set with generate_load_data's own steps (students, questions, first attempts by COPY
and INSERT ... SELECT), or reuses what an earlier run left in the same database, then times
statistics_refresh and the reads the faculty pages make. Use a database of its own: the leaderboard
aggregates and Redis boards are not rebuilt here (the item analysis does not read them), so a database
shared with `make bench-leaderboard` would be left with stale boards.
"""

from __future__ import annotations

import json
import random
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import Cohort, User
from faculty.item_analysis import statistics_refresh
from faculty.selectors import ItemAnalysisFilters, cohort_figures, question_statistics
from leaderboard.management.commands.generate_load_data import STUDENT_PREFIX
from leaderboard.management.commands.generate_load_data import Command as LoadData
from quizzes.models import UserQuestion


class Command(BaseCommand):
    help = "Generate (or reuse) a large bank of first attempts and time the item analysis refresh."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=1_000_000)
        parser.add_argument("--questions", type=int, default=20_000)
        parser.add_argument("--attempts", type=int, default=10_000_000)
        parser.add_argument("--cohorts", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--runs", type=int, default=2, help="refreshes to time")

    def handle(self, *args, students, questions, attempts, cohorts, seed, runs, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_item_analysis needs PostgreSQL.")
        real = User.objects.filter(is_staff=False).exclude(username__startswith=STUDENT_PREFIX)
        if real.exists():
            raise CommandError("this database holds real students: point DATABASE_URL at a bench database")
        began = time.monotonic()
        self._generate(students=students, questions=questions, attempts=attempts, cohorts=cohorts, seed=seed)
        generated = time.monotonic() - began

        refreshes = []
        for _ in range(runs):
            result = statistics_refresh()
            refreshes.append(result.seconds)
            self.stdout.write(
                f"refresh: {result.questions} questions, {result.cohorts} cohorts in {result.seconds:.1f} s"
            )
        report = {
            "first_attempts": UserQuestion.objects.filter(first_answered_at__isnull=False).count(),
            "students": User.objects.filter(username__startswith=STUDENT_PREFIX).count(),
            "questions": questions,
            "generate_seconds": round(generated, 1),
            "refresh_seconds": [round(seconds, 1) for seconds in refreshes],
            "page_reads_ms": self._time_reads(),
        }
        self.stdout.write(json.dumps(report, indent=2))

    def _generate(self, *, students: int, questions: int, attempts: int, cohorts: int, seed: int) -> None:
        """generate_load_data's steps without its leaderboard rebuilds, in one transaction without the
        page statement timeout (one INSERT writes every first attempt)."""
        loader = LoadData(stdout=self.stdout, stderr=self.stderr)
        loader.rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by seed
        loader.started = time.monotonic()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = 0")
            question_ids = loader._questions(questions)
            cohort_ids = loader._cohorts(cohorts)
            new_students = loader._students(students, cohort_ids, "bench-only-password")
            loader._attempts(new_students, question_ids, attempts * len(new_students) // max(students, 1))
        if new_students:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            self.stdout.write("reusing the generated students and first attempts already here")

    def _time_reads(self, repeats: int = 20) -> dict[str, dict[str, float]]:
        """The item analysis page's two queries (count, one sorted page) and a cohort dashboard's figures."""
        cohort = Cohort.objects.filter(slug__startswith="load-cohort-").order_by("pk").first()

        def page(sort: str) -> None:
            rows = question_statistics(ItemAnalysisFilters(sort=sort))
            rows.count()
            list(rows[:100])

        cases = {
            "item analysis page, by id": lambda: page("id"),
            "item analysis page, by discrimination": lambda: page("-discrimination"),
            "item analysis page, flagged too-hard": lambda: list(
                question_statistics(ItemAnalysisFilters(flag="too-hard", sort="facility"))[:100]
            ),
        }
        if cohort is not None:
            cases[f"cohort dashboard figures ({cohort.students.count()} students)"] = lambda: cohort_figures(
                cohort=cohort
            )
        results = {}
        for label, read in cases.items():
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL statement_timeout = 0")
                timings = []
                for _ in range(repeats if "cohort" not in label else 3):
                    start = time.perf_counter()
                    read()
                    timings.append((time.perf_counter() - start) * 1000)
            results[label] = {"median": round(statistics.median(timings), 1), "max": round(max(timings), 1)}
        return results

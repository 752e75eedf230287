"""Benchmark: building a block from a large bank for a student with a long history.

    make bench-draw   (runs this against a throwaway database, usmle_quiz_bench)

Fills the database with QUESTIONS published questions and a student who has
answered HISTORY of them and has three open blocks, then times block creation (draw + insert) per pool
and the Create Test counts, and writes a JSON summary.
"""

import json
import random
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from quizzes.models import Block, Choice, Question, Subject, System, UserQuestion
from quizzes.selectors import pool_counts
from quizzes.services import block_create


class Command(BaseCommand):
    help = "Time block creation with a large bank (needs a database whose name ends in _bench)."

    def add_arguments(self, parser):
        parser.add_argument("--questions", type=int, default=20_000)
        parser.add_argument("--history", type=int, default=5_000)
        parser.add_argument("--runs", type=int, default=50)
        parser.add_argument("--output", type=Path, default=Path("loadtests/reports/bench_block_draw.json"))

    def handle(self, *args, questions: int, history: int, runs: int, output: Path, **options):
        name = settings.DATABASES["default"]["NAME"]
        if not str(name).endswith("_bench"):
            raise CommandError(f"refusing to fill {name!r}: point DATABASE_URL at a database named *_bench")
        student = self._fill(questions, history)
        # A student with three open blocks: their 120 questions are held and must be left out of every draw.
        for _ in range(OPEN_BLOCKS):
            block_create(owner=student, mode="tutor", pool="all", size=40)
        results = {}
        for pool in ["all", "unused", "incorrect"]:
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                with transaction.atomic():
                    block_create(owner=student, mode="tutor", pool=pool, size=40)
                    transaction.set_rollback(True)  # keep the history as it is
                timings.append((time.perf_counter() - started) * 1000)
            results[f"block_create_{pool}_ms"] = _summary(timings)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            pool_counts(user=student, pool="unused", subject_ids=[], system_ids=[])
            timings.append((time.perf_counter() - started) * 1000)
        results["create_test_counts_unused_ms"] = _summary(timings)
        report = {
            "questions": questions,
            "history": history,
            "runs": runs,
            "open_blocks": OPEN_BLOCKS,
            "database": connection.vendor,
            "measured_at": timezone.now().isoformat(timespec="seconds"),
            **results,
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2) + "\n")
        self.stdout.write(json.dumps(report, indent=2))

    @transaction.atomic
    def _fill(self, questions: int, history: int) -> User:
        student, _ = User.objects.get_or_create(
            username="bench-student", defaults={"email": "bench@example.org"}
        )
        existing = Question.objects.published().count()
        if existing < questions:
            subjects = [
                Subject.objects.get_or_create(slug=f"s{n}", defaults={"name": f"Subject {n}"})[0]
                for n in range(9)
            ]
            systems = [
                System.objects.get_or_create(slug=f"y{n}", defaults={"name": f"System {n}"})[0]
                for n in range(11)
            ]
            self.stdout.write(f"creating {questions - existing} questions...")
            for start in range(existing, questions, 2_000):
                batch = Question.objects.bulk_create(
                    Question(
                        external_id=f"bench-{n}",
                        stem=f"Bench stem {n}",
                        stem_html=f"<p>Bench stem {n}</p>",
                        lead_in="Which of the following?",
                        explanation="Because.",
                        explanation_html="<p>Because.</p>",
                        educational_objective="Objective.",
                        subject=subjects[n % 9],
                        system=systems[n % 11],
                        status=Question.Status.PUBLISHED,
                    )
                    for n in range(start, min(start + 2_000, questions))
                )
                Choice.objects.bulk_create(
                    Choice(question=question, letter=letter, text=letter, is_correct=letter == "A")
                    for question in batch
                    for letter in "ABCDE"
                )
        if UserQuestion.objects.filter(user=student).count() < history:
            ids = random.sample(list(Question.objects.published().values_list("id", flat=True)), history)
            now = timezone.now()
            UserQuestion.objects.filter(user=student).delete()
            UserQuestion.objects.bulk_create(
                UserQuestion(
                    user=student,
                    question_id=question_id,
                    seen=True,
                    first_letter="A",
                    first_correct=index % 3 != 0,
                    first_answered_at=now,
                    last_correct=index % 3 != 0,
                    last_answered_at=now,
                    times_answered=1,
                )
                for index, question_id in enumerate(ids)
            )
        Block.objects.filter(owner=student).delete()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return student


OPEN_BLOCKS = 3


def _summary(timings: list[float]) -> dict:
    timings = sorted(timings)
    return {
        "median": round(statistics.median(timings), 2),
        "p95": round(timings[int(len(timings) * 0.95) - 1], 2),
        "max": round(timings[-1], 2),
    }

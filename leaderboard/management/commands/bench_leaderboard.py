"""Benchmark the boards on generated data (`make bench-leaderboard`).

Server-side time of each board request through Django's test client, with
the shared-rows cache off, p50/p95 over --requests runs; a median student's
exact rank through the selector; then EXPLAIN (ANALYZE, BUFFERS) of every
leaderboard query a request runs. Writes a JSON report and the section of
docs/PERFORMANCE.md between the bench-leaderboard markers.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Cohort, User
from leaderboard import sorted_sets
from leaderboard.models import AllTimeScore, SubjectScore
from leaderboard.selectors import Board, rank_of
from quizzes.models import Subject, UserQuestion

START, END = "<!-- bench-leaderboard:start -->", "<!-- bench-leaderboard:end -->"


class Command(BaseCommand):
    help = "Time board pages and own ranks on generated data; write docs/PERFORMANCE.md's section."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--output", type=Path, default=Path("loadtests/reports/bench_leaderboard.json"))
        parser.add_argument("--doc", type=Path, default=Path("docs/PERFORMANCE.md"))
        parser.add_argument("--command-line", default="make bench-leaderboard")

    def handle(self, *args, requests: int, output: Path, doc: Path, command_line: str, **options):
        settings.LEADERBOARD_CACHE_SECONDS = 0  # uncached: every request reads the boards
        students = AllTimeScore.objects.filter(visible=True).count()
        if students == 0:
            raise CommandError("no scores: run generate_load_data first")
        redis = sorted_sets.ready_client()
        if redis is None:
            raise CommandError("the Redis sorted sets are not ready: run rebuild_leaderboards --redis-only")
        median_member = redis.zrevrange(sorted_sets.board_key("all"), students // 2, students // 2)[0]
        student = User.objects.get(pk=sorted_sets.user_of(median_member))
        client = Client()
        client.force_login(student)
        subject = Subject.objects.get(pk=SubjectScore.objects.values_list("subject_id", flat=True).first())
        cohort = student.cohort or Cohort.objects.first()
        deep_page = 10_000 // 50 + 1
        cases = {
            "board page 1": "/leaderboard/",
            f"board page {deep_page} (10,000 rows deep)": f"/leaderboard/?page={deep_page}",
            "weekly board": "/leaderboard/?period=week",
            f"subject board ({subject.name})": f"/leaderboard/?subject={subject.slug}",
            f"cohort board ({cohort.name})": f"/leaderboard/?cohort={cohort.slug}",
        }
        results, explains = {}, {}
        for label, url in cases.items():
            if client.get(url).status_code != 200:
                raise CommandError(f"{url} did not answer 200")
            timings = []
            for _ in range(requests):
                began = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} did not answer 200")
            results[label] = _summary(timings)
            explains[label] = self._explain(client, url)

        board = Board.of(period="all")
        position = rank_of(board=board, user=student)
        timings = []
        for _ in range(requests):
            began = time.perf_counter()
            rank_of(board=board, user=student)
            timings.append((time.perf_counter() - began) * 1000)
        # The same rank counted the slow way in PostgreSQL: Redis must agree exactly.
        row = AllTimeScore.objects.get(user=student)
        ahead = Q(rank_key__gt=row.rank_key) | Q(rank_key=row.rank_key, user_id__lt=student.pk)
        exact = board.rows().filter(ahead).count() + 1
        if exact != position.rank:
            raise CommandError(f"Redis says rank {position.rank}, PostgreSQL {exact}")
        results[f"median student's own rank (#{exact}, exact)"] = _summary(timings)

        report = {
            "students_ranked": students,
            "first_attempts": UserQuestion.objects.filter(first_answered_at__isnull=False).count(),
            "requests_each": requests,
            "measured_at": timezone.now().isoformat(timespec="seconds"),
            "results": results,
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2) + "\n")
        self.stdout.write(json.dumps(report, indent=2))
        self._write_doc(doc, report, explains, command_line)

    def _explain(self, client: Client, url: str) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        plans = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if "leaderboard_" not in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            plans.append(f"{_shorten(sql)}\n{plan}")
        return plans

    def _write_doc(self, doc: Path, report: dict, explains: dict, command_line: str) -> None:
        lines = [
            START,
            f"Measured {report['measured_at']} with `{command_line}`: {report['students_ranked']:,} ranked "
            f"students, {report['requests_each']} requests each, shared-rows cache off, server-side time "
            "(Django test client: middleware, views, templates, PostgreSQL and Redis).",
            "",
            "| request | p50 | p95 | max |",
            "| --- | --- | --- | --- |",
        ]
        for label, figures in report["results"].items():
            lines.append(f"| {label} | {figures['p50']} ms | {figures['p95']} ms | {figures['max']} ms |")
        lines += [
            "",
            "<details><summary>EXPLAIN (ANALYZE, BUFFERS) of every leaderboard query per request</summary>",
            "",
        ]
        for label, plans in explains.items():
            lines += [f"**{label}**", "", "```"]
            lines += plans or ["(no PostgreSQL query on the leaderboard tables)"]
            lines += ["```", ""]
        lines += ["</details>", END]
        text = doc.read_text() if doc.exists() else ""
        section = "\n".join(lines)
        if START in text and END in text:
            text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: section, text, flags=re.S)
        else:
            text += "\n" + section + "\n"
        doc.write_text(text)


def _summary(timings: list[float]) -> dict:
    timings = sorted(timings)
    return {
        "p50": round(statistics.median(timings), 2),
        "p95": round(timings[max(0, int(len(timings) * 0.95) - 1)], 2),
        "max": round(timings[-1], 2),
    }


def _shorten(sql: str) -> str:
    return sql if len(sql) < 400 else sql[:400] + " ..."

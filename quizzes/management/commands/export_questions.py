import json
from pathlib import Path

from django.core.management.base import BaseCommand

from quizzes.models import Question
from quizzes.question_format import dump_bank


class Command(BaseCommand):
    help = "Export questions in the import format (docs/QUESTION_FORMAT.md) to a file or stdout."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
        parser.add_argument(
            "--status", choices=Question.Status.values, help="only questions with this status"
        )

    def handle(self, *args, output: Path | None, status: str | None, **options):
        questions = Question.objects.select_related("subject", "system").prefetch_related("choices")
        if status:
            questions = questions.filter(status=status)
        text = json.dumps(dump_bank(questions.order_by("external_id")), indent=2, ensure_ascii=False)
        if output:
            output.write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"{questions.count()} question(s) written to {output}")
        else:
            self.stdout.write(text)

from pathlib import Path

from django.core.management.base import BaseCommand

from quizzes.models import Question
from quizzes.services.exports import questions_export


class Command(BaseCommand):
    help = (
        "Export questions to a file or stdout: this project's JSON (docs/QUESTION_FORMAT.md, the default) "
        "or Moodle XML; the images they use go with them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
        parser.add_argument(
            "--format", choices=["json", "moodle"], default="json", help="json (default) or moodle"
        )
        parser.add_argument(
            "--status", choices=Question.Status.values, help="only questions with this status"
        )

    def handle(self, *args, output: Path | None, format: str, status: str | None, **options):
        body, _content_type, _extension = questions_export(kind=format, status=status or "")
        if output:
            output.write_bytes(body)
            count = Question.objects.filter(status=status).count() if status else Question.objects.count()
            self.stderr.write(f"{count} question(s) written to {output}")
        else:
            self.stdout.write(body.decode("utf-8"), ending="")

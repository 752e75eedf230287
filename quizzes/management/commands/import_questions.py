from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.question_format import BankFormatError, parse_bank
from quizzes.services import questions_import


class Command(BaseCommand):
    help = (
        "Import questions from a JSON file (docs/QUESTION_FORMAT.md). Idempotent by external_id; "
        "a file with any invalid question is rejected whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            raw = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        try:
            questions = parse_bank(raw)
        except BankFormatError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(f"{file}: {len(error.problems)} problem(s); nothing was imported.") from None
        result = questions_import(questions=questions)
        self.stdout.write(
            self.style.SUCCESS(
                f"{file}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
            )
        )

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.formats import FORMATS, BankFormatError, detect_format, parse_questions
from quizzes.images import ImageRejected
from quizzes.models import Question
from quizzes.services.imports import import_options, import_plan, questions_import_file


class Command(BaseCommand):
    help = (
        "Import questions from a file: this project's JSON, Moodle XML, GIFT, Aiken or CSV "
        "(docs/QUESTION_FORMAT.md). Idempotent by external_id; a file with any invalid question is rejected "
        "whole. --dry-run shows what would happen without writing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=sorted(FORMATS), help="default: told from the file")
        parser.add_argument("--default-subject", default="", help="for questions whose file names no subject")
        parser.add_argument("--default-system", default="", help="for questions whose file names no system")
        parser.add_argument(
            "--status",
            choices=Question.Status.values,
            help="for formats that cannot say (default draft; our JSON says it per question)",
        )
        parser.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")

    def handle(self, *args, file: Path, format: str | None, dry_run: bool, **options):
        try:
            raw = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        chosen = format or detect_format(file.name, raw)
        if chosen is None:
            raise CommandError(
                f"{file}: cannot tell the format; pass --format ({', '.join(sorted(FORMATS))})."
            )
        settings = import_options(
            default_subject=options["default_subject"],
            default_system=options["default_system"],
            status=options["status"] or Question.Status.DRAFT,
        )
        try:
            parsed = parse_questions(raw, format=chosen, options=settings)
        except BankFormatError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(f"{file}: {len(error.problems)} problem(s); nothing was imported.") from None
        for line in parsed.skipped:
            self.stderr.write(f"skipped: {line}")
        plan, problems = import_plan(parsed)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{file}: {len(problems)} problem(s); nothing was imported.")
        for row in plan.rows:
            for note in row.notes:
                self.stderr.write(f"{row.external_id}: {note}")
        if dry_run:
            self.stdout.write(
                f"{file}: would create {plan.count('create')}, update {plan.count('update')}, "
                f"leave {plan.count('unchanged')} unchanged; {len(parsed.skipped)} skipped. Nothing written."
            )
            return
        try:
            result = questions_import_file(
                parsed=parsed, progress=self._progress if len(plan.rows) > 500 else None
            )
        except ImageRejected as error:
            raise CommandError(f"{file}: {error}; nothing was imported.") from None
        skipped = f", {result.skipped} skipped" if result.skipped else ""
        images = f", {result.images} image(s) stored" if result.images else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{file}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
                f"{skipped}{images}."
            )
        )

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"{done} of {total} written")

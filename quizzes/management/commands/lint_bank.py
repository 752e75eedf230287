import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch

from quizzes.lint import ERROR, BankReport, LintItem, lint_bank, lint_item_from_data, lint_item_from_question
from quizzes.models import Choice, Question
from quizzes.question_format import BankFormatError, parse_bank

# 1 is "the bank has errors"; a file that cannot be linted at all is told apart for CI.
UNREADABLE = 2


class Command(BaseCommand):
    help = (
        "Check questions against the item-writing rules (quizzes/lint). Lints the bank in the database "
        "(published and draft), or with --file a question file without touching the database. "
        "Exit status 1 when any error-level finding exists, 2 when the file cannot be read or parsed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, help="a question file to lint, no database")
        parser.add_argument("--status", choices=Question.Status.values, help="only questions in this status")
        parser.add_argument("--format", choices=["text", "json"], default="text", dest="output_format")

    def handle(self, *args, file: Path | None, status: str | None, output_format: str, **options):
        items = _items_from_file(file, status) if file else _items_from_database(status)
        report = lint_bank(items)
        if output_format == "json":
            self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        else:
            self._write_text(report)
        if report.errors:
            raise CommandError(f"{report.errors} error(s) in {report.item_count} item(s).", returncode=1)

    def _write_text(self, report: BankReport) -> None:
        """One line per finding, an item's lines together, the bank's after them, then the summary."""
        for finding in report.findings:
            style = self.style.ERROR if finding.severity == ERROR else self.style.WARNING
            where = finding.external_id or "bank"
            self.stdout.write(f"{where}: {style(finding.severity)}: {finding.code}: {finding.message}")
        self.stdout.write(f"summary: {report.summary_line()}")


def _items_from_file(file: Path, status: str | None) -> list[LintItem]:
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {file}: {error.strerror}", returncode=UNREADABLE) from None
    try:
        questions = parse_bank(raw)
    except BankFormatError as error:
        problems = "\n".join(error.problems)
        message = f"{file} is not a valid question file:\n{problems}"
        raise CommandError(message, returncode=UNREADABLE) from None
    return [lint_item_from_data(each) for each in questions if not status or each.status == status]


def _items_from_database(status: str | None) -> list[LintItem]:
    choices = Choice.objects.only("question_id", "letter", "text", "is_correct")
    questions = Question.objects.only(
        "external_id", "stem", "lead_in", "explanation", "educational_objective"
    ).prefetch_related(Prefetch("choices", queryset=choices))
    if status:
        questions = questions.filter(status=status)
    # Two queries per 2,000 questions, and never the whole bank's rows in memory at once.
    questions = questions.order_by("external_id").iterator(chunk_size=2000)
    return [lint_item_from_question(question) for question in questions]

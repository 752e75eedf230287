from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Cohort, User
from quizzes.question_format import parse_bank
from quizzes.services import questions_import

DEMO_BANK = Path(settings.BASE_DIR) / "quizzes" / "fixtures" / "demo_bank.json"
DEMO_COHORTS = [("Class of 2028", "class-of-2028"), ("Class of 2029", "class-of-2029")]
DEMO_STUDENT = ("demo", "demo-student-pass", "Demo Student")
DEMO_ADMIN = ("admin", "demo-admin-pass", "Demo Admin")


class Command(BaseCommand):
    help = "Load the demo question bank, demo cohorts, a demo student and a demo admin (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        result = questions_import(questions=parse_bank(DEMO_BANK.read_bytes()))
        self.stdout.write(
            f"Demo bank: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
        )
        cohorts = [
            Cohort.objects.get_or_create(slug=slug, defaults={"name": name})[0] for name, slug in DEMO_COHORTS
        ]
        student = self._account(*DEMO_STUDENT, staff=False)
        if student.cohort_id is None:
            student.cohort = cohorts[0]
            student.save(update_fields=["cohort"])
        self._account(*DEMO_ADMIN, staff=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo student: username {DEMO_STUDENT[0]!r}, password {DEMO_STUDENT[1]!r}\n"
                f"Demo admin:   username {DEMO_ADMIN[0]!r}, password {DEMO_ADMIN[1]!r} (at /admin/)"
            )
        )

    def _account(self, username: str, password: str, display_name: str, *, staff: bool) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.org", "display_name": display_name},
        )
        # The printed credentials must work even if someone changed them since.
        if created or not user.check_password(password):
            user.set_password(password)
        user.is_staff = user.is_superuser = staff
        user.is_active = True
        user.save()
        return user

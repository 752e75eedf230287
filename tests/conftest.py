"""Shared fixtures: students, staff, and a small published question bank.

Tests run against the real PostgreSQL and Redis that `make test` points at.
"""

from __future__ import annotations

import itertools

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from accounts.models import Cohort, User
from quizzes.models import Block, Choice, Question, Subject, System
from quizzes.services import block_create_from_questions, question_render

PASSWORD = "correct-horse-battery-9"
# The admin's path: ADMIN_URL, which must not be the guessable "admin/" outside DEBUG (make test sets one).
ADMIN = "/" + settings.ADMIN_URL
_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def _fast_hasher_and_clean_cache(settings):
    from leaderboard import sorted_sets
    from usmle_quiz import redis_breaker

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Boards rebuild their Redis mirror inside the request in tests, not in a thread.
    settings.LEADERBOARD_REBUILD_INLINE = True
    sorted_sets.reset_circuit()
    redis_breaker.reset()  # a fault test may have left this process's circuit open
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _mirror_writes_at_once_without_commit(request, monkeypatch):
    """The Redis mirror is written after commit; a test inside one rolled-back transaction never
    commits, so there the write runs at once instead. Tests with real commits
    (django_db(transaction=True), the browser and race tests) keep on_commit."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        from leaderboard import sorted_sets

        monkeypatch.setattr(sorted_sets, "after_commit", lambda write: write())


def make_user(username: str | None = None, **fields) -> User:
    username = username or f"student{next(_sequence)}"
    user = User(username=username, email=fields.pop("email", f"{username}@example.org"), **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_taxonomy(model: type[Subject] | type[System], name: str) -> Subject | System:
    from django.utils.text import slugify

    return model.objects.get_or_create(slug=slugify(name.replace("/", " ")), defaults={"name": name})[0]


@transaction.atomic  # the choice rules are checked at commit: question and choices go together
def make_question(
    *,
    subject: str = "Pathology",
    system: str = "Cardiovascular",
    status: str = Question.Status.PUBLISHED,
    stem: str | None = None,
    explanation: str | None = None,
    correct: str = "B",
    letters: str = "ABCDE",
    **fields,
) -> Question:
    number = next(_sequence)
    question = Question(
        external_id=fields.pop("external_id", f"test-{number}"),
        stem=stem or f"A {20 + number % 50}-year-old presents with finding number {number}.",
        lead_in=fields.pop("lead_in", "Which of the following is the most likely diagnosis?"),
        explanation=explanation or f"Explanation text {number}: the answer is {correct}.",
        educational_objective=fields.pop("educational_objective", f"Objective {number}."),
        subject=make_taxonomy(Subject, subject),
        system=make_taxonomy(System, system),
        status=status,
        **fields,
    )
    question_render(question=question)
    question.save()
    Choice.objects.bulk_create(
        Choice(
            question=question,
            letter=letter,
            text=f"Choice {letter} of {number}",
            is_correct=letter == correct,
        )
        for letter in letters
    )
    return question


@pytest.fixture
def student(db) -> User:
    return make_user("alice", display_name="Alice A.")


@pytest.fixture
def other_student(db) -> User:
    return make_user("bob", display_name="Bob B.")


@pytest.fixture
def staff_user(db) -> User:
    return make_user("faculty", is_staff=True, is_superuser=True)


@pytest.fixture
def cohort(db) -> Cohort:
    return Cohort.objects.create(name="Class of 2028", slug="class-of-2028")


@pytest.fixture
def bank(db) -> list[Question]:
    """Six published questions over three systems and two subjects, plus one draft."""
    questions = [
        make_question(subject=subject, system=system)
        for subject in ("Pathology", "Pharmacology")
        for system in ("Cardiovascular", "Renal", "Nervous")
    ]
    make_question(subject="Physiology", system="Endocrine", status=Question.Status.DRAFT)
    return questions


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


def make_block(owner: User, questions: list[Question], mode: str = Block.Mode.TUTOR) -> Block:
    """A block of exactly these questions, in this order."""
    return block_create_from_questions(
        owner=owner,
        mode=mode,
        pool=Block.Pool.ALL,
        size_requested=len(questions),
        question_ids=[question.pk for question in questions],
    )


def correct_letter(question: Question) -> str:
    return question.choices.get(is_correct=True).letter


def wrong_letter(question: Question) -> str:
    return question.choices.filter(is_correct=False).order_by("letter").first().letter


def run_tasks() -> None:
    """What the task worker does (`manage.py db_worker`): run every queued task once, in this process.

    The worker recycles database connections between tasks, which would close the
    test's own transaction; here it keeps the one connection.
    """
    from unittest import mock

    from django.core.management import call_command

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def verify_second_factor(client, user) -> None:
    """Mark this client's session as verified by a second factor, as the two-factor page does
    (the admin opens only then: ADMIN_REQUIRE_2FA)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

"""docs/api_example_client.py, run as a reader would, against a live server: it must keep working."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.models import ApiToken
from quizzes.models import Block
from tests.conftest import PASSWORD, make_question, make_user

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "api_example_client.py"


def test_the_example_client_takes_and_reviews_a_block_end_to_end(live_server, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "2/s"}  # the script waits out a 429
    student = make_user("reader", display_name="Reader")
    questions = [make_question() for _ in range(4)]
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--base-url", live_server.url, "--username", "reader", "--size", "4"],
        env={**os.environ, "API_PASSWORD": PASSWORD},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    block = Block.objects.get(owner=student)
    assert block.is_finished and block.answered_count == 4
    assert f"Score: {block.correct_count} of 4" in run.stdout
    for question in questions:
        assert question.educational_objective in run.stdout  # the review's objectives
    assert run.stdout.rstrip().endswith("Signed out.")
    assert ApiToken.objects.get(user=student).revoked_at is not None


def test_the_example_client_says_why_when_the_api_refuses(live_server):
    make_user("reader")
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--base-url", live_server.url, "--username", "reader"],
        env={**os.environ, "API_PASSWORD": "not-the-password"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert "The API refused: 400: Please enter a correct username and password." in run.stderr

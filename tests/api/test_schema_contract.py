"""Schemathesis against the live schema: every operation, generated input, valid and not.

The schema is loaded from the WSGI application itself (/api/v1/schema/), so what is tested is what a
client reads. Each generated request is signed with a fresh token of a student who has an open tutor
block, an open timed block and a finished one; most generated block ids are mapped onto those, so
answers, flags, notes, reviews and reports reach real objects instead of only 404s. Checks: no 5xx,
every status code documented, every body and Content-Type as the schema says. Bounded so the whole
file runs in well under two minutes.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.api_tokens import api_token_issue
from quizzes.models import Block
from quizzes.services import block_finish, item_answer
from tests.conftest import make_block, make_question, make_user
from usmle_quiz.wsgi import application

pytestmark = pytest.mark.django_db
MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def contract_student(db, settings):
    settings.RATELIMIT_ENABLE = False  # generated traffic is far faster than a student: explore, not 429
    student = make_user("contract", display_name="Contract Student")
    questions = [make_question(subject=("Pathology", "Pharmacology")[n % 2]) for n in range(9)]
    tutor = make_block(student, questions[:3], mode=Block.Mode.TUTOR)
    item_answer(block=tutor, position=1, letter="B")
    timed = make_block(student, questions[3:6], mode=Block.Mode.TIMED)
    item_answer(block=timed, position=1, letter="A")
    finished = block_finish(block=make_block(student, questions[6:9], mode=Block.Mode.TIMED))
    return student, [tutor.pk, timed.pk, finished.pk]


@pytest.fixture
def wsgi_in_the_test_transaction(db):
    """Calls into the WSGI application run inside this test's transaction, as Django's test client's do: its
    end-of-request handler would otherwise close the connection that holds it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Loaded once, at collection, through the application itself: describing the API reads no database.
# (schemathesis.pytest.from_fixture would load it per test, but its 4.32 needs a pytest before 9.)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES, deterministic=True
)


@schema.parametrize()
# One student and their blocks for every generated request of an operation, on purpose: the requests
# build on what the earlier ones did (answers, flags, a finished block), as a client's would.
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_keeps_its_contract(case, contract_student, wsgi_in_the_test_transaction):
    student, block_ids = contract_student
    if isinstance(case.path_parameters, dict):
        # A small generated id becomes one of the student's blocks (and a small position one of its three
        # items); a large, negative or malformed one stays as drawn, for the 404s.
        block_id = _small(case.path_parameters.get("block_id"))
        if block_id is not None:
            case.path_parameters["block_id"] = block_ids[block_id % 3]
        position = _small(case.path_parameters.get("position"))
        if position is not None:
            case.path_parameters["position"] = 1 + position % 3
    _, raw = api_token_issue(user=student, device_name="schemathesis")
    case.call_and_validate(headers={"Authorization": f"Bearer {raw}"}, checks=CHECKS)


def _small(value) -> int | None:
    """A generated path parameter (schemathesis gives them as text) that is 0 to 999, else None."""
    text = str(value)
    return int(text) if re.fullmatch(r"[0-9]{1,3}", text) else None

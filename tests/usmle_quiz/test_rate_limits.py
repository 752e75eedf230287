import pytest
from django.test import Client

from quizzes.models import Block, Item
from tests.conftest import make_block, make_user
from usmle_quiz.ratelimits import client_ip

pytestmark = pytest.mark.django_db


def answer(client, block, position, **extra):
    return client.post(f"/quizzes/{block.pk}/q/{position}/", {"choice": "A"}, **extra)


def test_the_sixth_answer_in_a_second_gets_429_and_is_not_recorded(student_client, student, bank, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "answer": "5/m",
    }  # a minute window: no flaky second boundary
    block = make_block(student, bank[:6], mode=Block.Mode.TIMED)
    for position in range(1, 6):
        assert answer(student_client, block, position).status_code == 303
    refused = answer(student_client, block, 6)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Slow down a little" in refused.text
    assert Item.objects.get(block=block, position=6).chosen_letter == ""


def test_429_speaks_htmx_and_json(student_client, student, bank, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "1/m"}
    block = make_block(student, bank[:3], mode=Block.Mode.TIMED)
    answer(student_client, block, 1)
    fragment = answer(student_client, block, 2, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 429
    assert fragment.text.startswith('<div class="form-errors too-many"')
    as_json = answer(student_client, block, 3, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 429
    assert as_json.json()["retry_after"] >= 1
    assert "Retry-After" in as_json


def test_limits_are_per_student_so_a_lecture_hall_behind_one_address_is_fine(bank, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "2/m"}
    students = [make_user() for _ in range(30)]
    for student in students:
        client = Client(REMOTE_ADDR="203.0.113.7")  # everyone behind the same NAT
        client.force_login(student)
        block = make_block(student, bank[:2])
        assert answer(client, block, 1).status_code == 303
        assert answer(client, block, 2).status_code == 303
    assert Item.objects.exclude(chosen_letter="").count() == 60


def test_block_creation_is_limited_per_student(student_client, student, bank, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "block_create": "2/m"}
    data = {"size": "2", "mode": "tutor", "pool": "all"}
    assert student_client.post("/quizzes/new/", data).status_code == 302
    assert student_client.post("/quizzes/new/", data).status_code == 302
    refused = student_client.post("/quizzes/new/", data)
    assert refused.status_code == 429
    assert Block.objects.filter(owner=student).count() == 2
    assert student_client.get("/quizzes/new/").status_code == 200  # reading the form is never limited


def test_the_flood_guard_is_per_address_and_far_above_a_class(settings, student):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "ip_flood": "3/m"}
    flooder = Client(REMOTE_ADDR="198.51.100.1")
    replies = [flooder.get("/") for _ in range(4)]
    assert [reply.status_code for reply in replies] == [200, 200, 200, 429]
    assert 1 <= int(replies[-1]["Retry-After"]) <= 60  # until this minute's window ends
    assert Client(REMOTE_ADDR="198.51.100.2").get("/").status_code == 200
    assert flooder.get("/healthz").status_code == 200  # health checks are never limited


def test_x_forwarded_for_is_trusted_only_from_a_configured_proxy(settings, rf):
    forged = rf.get("/", REMOTE_ADDR="198.51.100.50", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert client_ip(forged) == "198.51.100.50"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxied = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5, 10.0.0.3")
    assert client_ip(proxied) == "203.0.113.5"  # the rightmost address that is not one of ours
    junk = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(junk) == "10.0.0.2"

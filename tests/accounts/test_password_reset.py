import re
import statistics
import time

import pytest
from django.core import mail

from tests.conftest import run_tasks

pytestmark = pytest.mark.django_db


def test_password_reset_sends_a_link_that_sets_a_new_password(client, student):
    response = client.post("/accounts/password_reset/", {"email": student.email})
    assert response.status_code == 302
    assert mail.outbox == []  # not in the request: the worker sends it
    run_tasks()
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "hepatic-encephalopathy-3", "new_password2": "hepatic-encephalopathy-3"},
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("hepatic-encephalopathy-3")


def test_password_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    run_tasks()
    assert mail.outbox == []


def test_password_reset_reaches_every_account_of_a_shared_email(client, student):
    from tests.conftest import make_user

    make_user("alice-second", email=student.email)
    client.post("/accounts/password_reset/", {"email": student.email})
    run_tasks()
    assert len(mail.outbox) == 2
    assert {message.to[0] for message in mail.outbox} == {student.email}


def test_a_reset_for_an_account_and_one_for_nobody_take_the_same_time(client, student):
    """The timing oracle: the request does the same work for every address (one queued task)."""

    def median_ms(email: str) -> float:
        timings = []
        for _ in range(21):
            started = time.perf_counter()
            client.post("/accounts/password_reset/", {"email": email})
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings)

    for email in (student.email, "nobody@example.org"):  # warm both paths
        client.post("/accounts/password_reset/", {"email": email})
    known, unknown = median_ms(student.email), median_ms("nobody@example.org")
    assert abs(known - unknown) < 1.0 + 0.25 * max(known, unknown), (known, unknown)
    assert mail.outbox == []  # nothing was sent inside any request


def test_a_failing_mail_server_is_retried_not_lost(client, student, settings):
    from django_tasks_db.models import DBTaskResult

    settings.MAILERS = {"default": {"BACKEND": "tests.accounts.test_password_reset.RefusingBackend"}}
    client.post("/accounts/password_reset/", {"email": student.email})
    run_tasks()
    queued = DBTaskResult.objects.filter(task_path__endswith="password_reset_mail").order_by("enqueued_at")
    assert queued.count() == 2  # the failed attempt, and its retry waiting for its time
    assert queued.first().status == "FAILED"
    retry = queued.last()
    assert retry.status == "READY" and retry.run_after is not None
    assert retry.args_kwargs["kwargs"]["attempt"] == 2


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the SMTP server is down")

"""A real gunicorn on the test database: a worker killed mid-request, and a database that cancels a query.

The test data is committed (transaction=True) so gunicorn's workers see it;
sessions are made in-process (same SECRET_KEY, database and Redis) and their
cookies handed to a plain HTTP client.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.db import connection, connections
from django.test import Client

from quizzes.models import Block, Item
from tests.conftest import make_block, make_question, make_user, wrong_letter
from tests.faults.conftest import free_port

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def gunicorn(request):
    """gunicorn with two sync workers; the test's `statement_timeout_ms` mark sets DB_STATEMENT_TIMEOUT_MS."""
    mark = request.node.get_closest_marker("statement_timeout_ms")
    timeout_ms = str(mark.args[0]) if mark else "5000"
    port = free_port()
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "1",
        "GUNICORN_ACCESS_LOG": "false",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "RATELIMIT_ENABLE": "false",
        # plain HTTP here, as in the load runs
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "DB_STATEMENT_TIMEOUT_MS": timeout_ms,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "usmle_quiz.wsgi", "--config", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                up = requests.get(f"{base}/healthz", timeout=5).status_code == 200
                if up and len(workers(server.pid)) == 2:
                    break
            except requests.RequestException:  # not listening yet, or a worker still booting
                pass
            time.sleep(0.1)
        yield base, server
    finally:  # also when start-up failed: never leave a gunicorn behind
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.fixture
def block_lock():
    """Hold a block's row lock from another connection (released at the latest when the test ends)."""
    holder = connections.create_connection("default")
    holder.set_autocommit(False)

    def hold(block_id: int) -> None:
        with holder.cursor() as cursor:
            cursor.execute("SELECT id FROM quizzes_block WHERE id = %s FOR UPDATE", [block_id])

    hold.release = holder.rollback
    yield hold
    holder.rollback()
    holder.close()


def workers(master_pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
    return sorted(int(pid) for pid in found)


def browser_for(student, base: str) -> tuple[requests.Session, str]:
    """An HTTP session logged in as the student, and a CSRF token for its forms."""
    django_client = Client()
    django_client.force_login(student)
    session = requests.Session()
    session.cookies.set("sessionid", django_client.cookies["sessionid"].value)
    page = session.get(f"{base}/quizzes/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session, token


def established_client_ports(server_port: int) -> list[int]:
    """Client ports of the established connections to the server's port."""
    with open("/proc/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return [
        int(fields[2].split(":")[1], 16)
        for fields in rows
        if int(fields[1].split(":")[1], 16) == server_port and fields[3] == "01"
    ]


def worker_serving(master_pid: int, client_port: int, server_port: int) -> int:
    """The worker whose socket is connected to this client port (from /proc/net/tcp and each worker's fds)."""
    wanted = None
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            local_port, remote_port = int(fields[1].split(":")[1], 16), int(fields[2].split(":")[1], 16)
            if local_port == server_port and remote_port == client_port:
                wanted = f"socket:[{fields[9]}]"
    for pid in workers(master_pid):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == wanted:
                    return pid
            except OSError:
                continue
    raise AssertionError("no worker holds the connection")


@pytest.mark.statement_timeout_ms(30_000)  # the held lock must outlast the hunt for the worker
def test_a_worker_killed_mid_answer_loses_nothing_and_nobody_else_notices(gunicorn, block_lock):
    base, server = gunicorn
    port = int(base.rsplit(":", 1)[1])
    alice, bob = make_user("alice"), make_user("bob")
    questions = [make_question() for _ in range(2)]
    alices = make_block(alice, questions, mode=Block.Mode.TIMED)
    bobs = make_block(bob, questions, mode=Block.Mode.TIMED)
    alice_http, alice_token = browser_for(alice, base)
    bob_http, bob_token = browser_for(bob, base)
    answer = {"choice": wrong_letter(questions[0]), "idempotency_key": str(uuid.uuid4())}
    before = workers(server.pid)

    block_lock(alices.pk)  # Alice's answer now waits inside a worker, mid-request
    outcome = {}

    def alice_answers():
        try:
            response = alice_http.post(
                f"{base}/quizzes/{alices.pk}/q/1/",
                data={**answer, "csrfmiddlewaretoken": alice_token},
                allow_redirects=False,
                timeout=20,
            )
            outcome["status"] = response.status_code
        except requests.RequestException as error:
            outcome["error"] = type(error).__name__

    thread = threading.Thread(target=alice_answers)
    thread.start()
    # Find Alice's connection on the server side and the worker that holds it.
    deadline = time.time() + 10
    victim = None
    while time.time() < deadline and victim is None:
        for client_port in established_client_ports(port):
            try:
                victim = worker_serving(server.pid, client_port, port)
            except AssertionError:
                continue
        time.sleep(0.05)
    assert victim is not None, (established_client_ports(port), outcome, workers(server.pid))
    os.kill(victim, signal.SIGKILL)
    thread.join(timeout=30)
    assert "error" in outcome  # the reply never came: the connection died with the worker

    # Bob, on the other worker, answers meanwhile as if nothing happened.
    bob_reply = bob_http.post(
        f"{base}/quizzes/{bobs.pk}/q/1/",
        data={"choice": "A", "csrfmiddlewaretoken": bob_token},
        allow_redirects=False,
        timeout=20,
    )
    assert bob_reply.status_code == 303
    block_lock.release()

    # The master has replaced the worker by itself.
    deadline = time.time() + 20
    while time.time() < deadline:
        now = workers(server.pid)
        if victim not in now and len(now) == len(before):
            break
        time.sleep(0.1)
    assert victim not in workers(server.pid) and len(workers(server.pid)) == len(before)
    # Alice's answer was never committed; her script retries it with the same key: recorded once.
    assert Item.objects.get(block=alices, position=1).chosen_letter == ""
    for _ in range(2):
        retry = alice_http.post(
            f"{base}/quizzes/{alices.pk}/q/1/",
            data={**answer, "csrfmiddlewaretoken": alice_token},
            allow_redirects=False,
            timeout=20,
        )
        assert retry.status_code == 303
    item = Item.objects.get(block=alices, position=1)
    assert item.chosen_letter == answer["choice"] and item.receipts.count() == 1


@pytest.mark.statement_timeout_ms(2000)
def test_a_query_over_the_statement_timeout_is_a_503_and_the_worker_is_free_again(gunicorn, block_lock):
    base, _ = gunicorn
    alice = make_user("alice")
    block = make_block(alice, [make_question()], mode=Block.Mode.TIMED)
    http, token = browser_for(alice, base)
    block_lock(block.pk)  # held past the 2 s statement timeout: the answer's lock wait is cancelled
    started = time.monotonic()
    response = http.post(
        f"{base}/quizzes/{block.pk}/q/1/",
        data={"choice": "A", "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=20,
    )
    waited = time.monotonic() - started
    block_lock.release()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "Traceback" not in response.text
    assert waited < 10  # cancelled by the database, not by gunicorn's 30 s timeout
    # Every worker answers again at once.
    assert all(http.get(f"{base}/quizzes/").status_code == 200 for _ in range(4))
    assert Item.objects.get(block=block, position=1).chosen_letter == ""

"""Slow clients against the real HAProxy in front of a real gunicorn (two sync workers).

Without the proxy, as many idle connections as there are workers, each having
sent one header line, stall every worker; through it, gunicorn never sees
them and /healthz answers at once.
"""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.faults.conftest import free_port
from tests.faults.test_gunicorn_and_database import gunicorn  # noqa: F401 - the fixture

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def proxy(gunicorn, tmp_path):  # noqa: F811 - the imported fixture
    base, _server = gunicorn
    port = free_port()
    pid_file = tmp_path / "haproxy.pid"
    env = {**os.environ, "PROXY_BIND": f"127.0.0.1:{port}", "APP_ADDR": base.removeprefix("http://"),
           "PROXY_PID_FILE": str(pid_file)}  # fmt: skip
    subprocess.run([str(ROOT / "bin" / "proxy-up")], env=env, check=True, capture_output=True)
    try:
        yield f"http://127.0.0.1:{port}", base
    finally:
        os.kill(int(pid_file.read_text()), signal.SIGTERM)


def slow_clients(address: str, count: int) -> list[socket.socket]:
    """Connections that send one header line and then nothing."""
    host, port = address.removeprefix("http://").split(":")
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((host, int(port)), timeout=5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sockets.append(sock)
    return sockets


def test_slow_clients_through_the_proxy_never_reach_the_workers(proxy):
    front, _direct = proxy
    hanging = slow_clients(front, 20)  # ten times the workers
    try:
        started = time.monotonic()
        response = requests.get(f"{front}/healthz", timeout=5)
        elapsed = time.monotonic() - started
        assert response.status_code == 200
        assert elapsed < 1.0, elapsed  # milliseconds in practice; the stall would be REQUEST_TIMEOUT (30 s)
        assert "Server" not in response.headers
    finally:
        for sock in hanging:
            sock.close()


def test_without_the_proxy_two_slow_clients_stall_both_workers(proxy):
    """Why the proxy is there: the same attack straight at gunicorn."""
    _front, direct = proxy
    hanging = slow_clients(direct, 2)
    try:
        with pytest.raises(requests.Timeout):
            requests.get(f"{direct}/healthz", timeout=2)
    finally:
        for sock in hanging:
            sock.close()


def test_the_proxy_drops_a_request_head_that_never_ends(proxy):
    front, _direct = proxy
    (sock,) = slow_clients(front, 1)
    sock.settimeout(10)
    started = time.monotonic()
    reply = sock.recv(200)
    assert reply.startswith(b"HTTP/1.1 408"), reply  # timeout http-request 5s
    assert 4 < time.monotonic() - started < 9
    sock.close()

"""Real service processes that a fault test may stop, freeze or kill."""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisProcess:
    """A redis-server of our own on a spare port: the shared one is never touched."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)

    def freeze(self) -> None:
        """SIGSTOP: the port still accepts connections but nothing answers (the worst case)."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


@pytest.fixture
def own_redis(settings):
    """Point every cache alias (and the leaderboard's sorted sets) at a Redis this test owns."""
    from usmle_quiz import redis_breaker

    server = RedisProcess()
    server.start()
    for alias in ("default", "ratelimit"):
        settings.CACHES = {
            **settings.CACHES,
            alias: {**settings.CACHES[alias], "LOCATION": server.url},
        }
    settings.REDIS_URL = server.url
    redis_breaker.reset()
    yield server
    server.stop()
    redis_breaker.reset()

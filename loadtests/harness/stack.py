"""The production-like stack a load run starts and stops: gunicorn, the task worker and HAProxy in front.

Its environment is production's (DEBUG off, gunicorn.conf.py, the worker as the Procfile runs it) on the load
run's own database and Redis db, with the few differences a load generator on this one machine needs.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from . import PY, REPORTS, ROOT

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WARM_UP_PAGES = [
    "/", "/leaderboard/", "/leaderboard/?period=week", "/leaderboard/rows/", "/stats/", "/quizzes/",
    "/quizzes/new/", "/accounts/signup/",
]  # fmt: skip


def app_env(args: argparse.Namespace) -> dict[str, str]:
    """What gunicorn and the task worker run with."""
    port = 6432 if args.pgbouncer else 5432
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "load-test-only-not-secret",
        "ADMIN_URL": "staff-load/",
        "TRUSTED_PROXIES": "127.0.0.1",  # HAProxy in front names the client in X-Forwarded-For
        # Every simulated student comes from this one machine: per-address limits sized for a lecture
        # hall would stop a 5,000-student run, so they are lifted (per-student limits stay).
        "RATE_LIMIT_LOGIN_IP": "1000000/h",
        "RATE_LIMIT_SIGNUP_IP": "1000000/h",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/{args.database}",
        "REDIS_URL": f"redis://127.0.0.1:{args.redis_port}/{args.redis_db}",
        "DB_PGBOUNCER": "true" if args.pgbouncer else "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
        "PORT": str(args.port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_THREADS": str(args.threads),
        "GUNICORN_ACCESS_LOG": "false",
        # The floor bench measures pages, not limits.
        "RATELIMIT_ENABLE": "false" if args.floor else os.environ.get("RATELIMIT_ENABLE", "true"),
    }


def direct_env(env: dict[str, str], *, database: str) -> dict[str, str]:
    """The same, straight to PostgreSQL (never PgBouncer): for seeding and the ledger's checks."""
    return {**env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}", "DB_PGBOUNCER": "false"}


class Stack:
    """gunicorn (gunicorn.conf.py) and the task worker: ready and warm inside the `with`, then stopped."""

    def __init__(self, env: dict[str, str], *, port: int, warm_up_concurrency: int) -> None:
        self.port, self.warm_up_concurrency = port, warm_up_concurrency
        # The metrics of every worker and of the task worker, summed at each scrape (usmle_quiz.metrics):
        # a directory of this run's own, which gunicorn empties when it starts.
        self.metrics_dir = tempfile.mkdtemp(prefix="usmle-load-metrics-")
        self.env = {**env, "PROMETHEUS_MULTIPROC_DIR": self.metrics_dir}
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> Stack:
        try:
            self.server = self._start(
                [PY, "-m", "gunicorn", "usmle_quiz.wsgi", "--config", str(ROOT / "gunicorn.conf.py")]
            )
            wait_ready(self.port)
            # The task worker, as the Procfile runs it (password-reset mail and other background work); after
            # gunicorn is up, since gunicorn empties the metrics directory as it starts.
            self._start([PY, str(ROOT / "manage.py"), "db_worker", "--no-reload"], stdout=subprocess.DEVNULL)
            warm_up(self.port, concurrency=self.warm_up_concurrency)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start(self, command: list[str], **options) -> subprocess.Popen:
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True, **options)
        self.processes.append(process)
        return process

    def __exit__(self, *_) -> None:
        for process in self.processes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        shutil.rmtree(self.metrics_dir, ignore_errors=True)

    @property
    def master_pid(self) -> int:
        return self.server.pid


class Proxy:
    """HAProxy (deploy/haproxy.cfg, through bin/proxy-up) on `bind`, in front of gunicorn on `app_port`."""

    def __init__(self, *, bind_port: int, app_port: int) -> None:
        self.bind_port, self.app_port = bind_port, app_port
        self.pid_file = REPORTS / "haproxy.pid"

    def __enter__(self) -> Proxy:
        subprocess.run(
            [str(ROOT / "bin" / "proxy-up")], check=True, capture_output=True,
            env={**os.environ, "PROXY_BIND": f"127.0.0.1:{self.bind_port}",
                 "APP_ADDR": f"127.0.0.1:{self.app_port}", "PROXY_PID_FILE": str(self.pid_file)},
        )  # fmt: skip
        return self

    def __exit__(self, *_) -> None:
        if self.pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(self.pid_file.read_text()), signal.SIGTERM)
            self.pid_file.unlink()


def wait_ready(port: int) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not become ready")


def warm_up(port: int, *, concurrency: int) -> None:
    """Every page once per worker before the clock starts, as the demo student (never a load student).

    A fresh worker's first request of each page compiles templates and fills
    per-process caches; without this, a 30-second run measures start-up.
    Nothing here answers a question, so the answer accounting is untouched.
    """
    base = f"http://127.0.0.1:{port}"

    def visit(_: int) -> None:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        try:
            token = CSRF.search(opener.open(f"{base}/accounts/login/", timeout=30).read().decode()).group(1)
            form = {"username": "demo", "password": "demo-student-pass", "csrfmiddlewaretoken": token}
            opener.open(f"{base}/accounts/login/", urllib.parse.urlencode(form).encode(), timeout=30).read()
            for page in WARM_UP_PAGES:
                opener.open(base + page, timeout=30).read()
        except (OSError, AttributeError) as error:
            print(f"warm-up: {error}", file=sys.stderr)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(visit, range(concurrency)))

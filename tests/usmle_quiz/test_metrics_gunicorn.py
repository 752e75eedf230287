"""A real gunicorn: /metrics sums its workers, keeps a recycled worker's counts, and the task worker's.

The figures live in PROMETHEUS_MULTIPROC_DIR, set up by gunicorn.conf.py; the test data is committed
(transaction=True) so gunicorn's workers and the task worker see it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.db import connection
from prometheus_client.multiprocess import MultiProcessCollector

from accounts.tasks import password_reset_mail
from tests.faults.conftest import free_port
from tests.faults.test_gunicorn_and_database import workers
from tests.usmle_quiz.scraping import samples, series, value

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
HEALTHZ = (
    "django_http_requests_total_by_view_transport_method_total",
    {"method": "GET", "transport": "http"},
)


def environment(**extra) -> dict[str, str]:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "1",
        "GUNICORN_ACCESS_LOG": "false",
        "GUNICORN_MAX_REQUESTS_JITTER": "0",
        "HOST": "127.0.0.1",
        "RATELIMIT_ENABLE": "false",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # only where a test sets it
    return {**env, **extra}


@pytest.fixture
def start_gunicorn():
    """start(**env) -> (base URL, master process); every gunicorn started is stopped at the end."""
    started = []

    def start(**extra):
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "usmle_quiz.wsgi", "--config", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=environment(PORT=str(port), **extra),
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(server)
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                if requests.get(f"{base}/readyz", timeout=5).ok and len(workers(server.pid)) == 2:
                    return base, server
            except requests.RequestException:  # not listening yet
                pass
            time.sleep(0.1)
        raise AssertionError("gunicorn did not start")

    yield start
    for server in started:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def scrape(base: str):
    response = requests.get(f"{base}/metrics", timeout=10)
    assert response.status_code == 200
    return samples(response.text)


def healthz_count(found) -> float:
    name, labels = HEALTHZ
    return value(found, name, view="healthz", **labels) or 0


def hit(base: str, times: int, *, parallel: int = 1) -> None:
    def one(_):
        assert requests.get(f"{base}/healthz", timeout=10).status_code == 200

    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, range(times)))


def per_process_healthz(directory: Path) -> dict[str, float]:
    """Each worker's own count, from its own file: what the scrape adds up."""
    counts = {}
    for file in directory.glob("counter_*.db"):
        merged = MultiProcessCollector.merge([str(file)])
        found = {(s.name, frozenset(s.labels.items())): s.value for metric in merged for s in metric.samples}
        counts[file.stem.split("_")[-1]] = healthz_count(found)
    return counts


def test_the_scrape_sums_what_every_worker_counted(start_gunicorn, tmp_path):
    directory = tmp_path / "metrics"
    base, server = start_gunicorn(PROMETHEUS_MULTIPROC_DIR=str(directory), GUNICORN_MAX_REQUESTS="0")
    sent = 0
    while sent < 400:  # in parallel, so both workers take some (the kernel picks who accepts)
        hit(base, 40, parallel=8)
        sent += 40
        if len([count for count in per_process_healthz(directory).values() if count]) == 2:
            break
    by_worker = per_process_healthz(directory)
    assert len([count for count in by_worker.values() if count]) == 2, by_worker
    assert sum(by_worker.values()) == sent
    found = scrape(base)
    assert healthz_count(found) == sent  # one figure for the site, not one per worker
    live = {dict(labels)["pid"] for labels in series(found, "usmle_process_resident_memory_bytes")}
    assert live <= {str(pid) for pid in workers(server.pid)}


def test_a_recycled_worker_keeps_its_counts_and_its_gauges_go(start_gunicorn, tmp_path):
    directory = tmp_path / "metrics"
    base, server = start_gunicorn(PROMETHEUS_MULTIPROC_DIR=str(directory), GUNICORN_MAX_REQUESTS="5")
    first = set(workers(server.pid))
    hit(base, 12)  # at least one worker reaches 5 and is replaced
    deadline = time.time() + 20
    while time.time() < deadline and (set(workers(server.pid)) >= first or len(workers(server.pid)) != 2):
        time.sleep(0.1)
    recycled = first - set(workers(server.pid))
    assert recycled
    found = scrape(base)
    assert healthz_count(found) == 12  # the recycled worker's requests are still in the sum
    live = {dict(labels)["pid"] for labels in series(found, "usmle_process_resident_memory_bytes")}
    assert live and not live & {str(pid) for pid in recycled}  # its per-process gauges went with it


def test_gunicorn_starts_from_an_empty_directory(start_gunicorn, tmp_path):
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_4242.db").write_bytes(b"left by an earlier run")
    (directory / "README").write_text("the operator's own file")
    base, _ = start_gunicorn(PROMETHEUS_MULTIPROC_DIR=str(directory))
    assert not (directory / "counter_4242.db").exists()
    assert (directory / "README").exists()  # only prometheus_client's files are removed
    assert scrape(base)


def test_without_the_variable_gunicorn_uses_a_directory_of_its_own_and_removes_it(start_gunicorn):
    import tempfile

    base, server = start_gunicorn()
    directory = Path(tempfile.gettempdir()) / f"usmle-quiz-metrics-{base.rsplit(':', 1)[1]}"
    hit(base, 5)
    assert healthz_count(scrape(base)) == 5
    assert list(directory.glob("*.db"))
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
    assert not directory.exists()


def test_the_task_worker_counts_into_the_same_figures(start_gunicorn, tmp_path):
    directory = tmp_path / "metrics"
    base, _ = start_gunicorn(PROMETHEUS_MULTIPROC_DIR=str(directory))
    password_reset_mail.enqueue(email="nobody@example.org", domain="testserver", use_https=False)
    subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=environment(PROMETHEUS_MULTIPROC_DIR=str(directory), EMAIL_URL="dummy://"),
        check=True,
        timeout=60,
        capture_output=True,
    )
    found = scrape(base)
    assert value(found, "usmle_tasks_total", task="password_reset_mail", result="success") == 1

"""Faults injected into a running load test (`make chaos`, `loadtests/run.py --chaos`).

While locust runs the `mixed` profile, this stops and restarts the real
services one after another: Redis, PgBouncer, a gunicorn worker (SIGKILL) and
PostgreSQL. For each fault it records when it began, when the service was
back, and when the site answered /readyz again. After the run, the harness
(loadtests/harness/load.py) turns locust's per-second history into "requests
failed during the fault" and checks the answers: every acknowledged answer
stored, none twice, and the leaderboard aggregates equal to a full rebuild.
`--redis-outage` (`make loadtest REDIS_OUTAGE=90s`) is one long Redis outage,
for watching its alert fire and clear in Prometheus.
"""

from __future__ import annotations

import csv
import glob
import os
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLUSTERS = "/etc/postgresql"
POSTGRES_VERSION = (sorted(os.listdir(CLUSTERS)) or ["15"])[-1] if os.path.isdir(CLUSTERS) else "15"
OUTAGE_SECONDS = 10  # how long a stopped service stays down
SETTLE_SECONDS = 30  # quiet time between faults, and before the first


@dataclass
class Fault:
    name: str
    started: float = 0.0
    restored: float = 0.0
    ready: float = 0.0
    failed_requests: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def seconds_to_recover(self) -> float:
        """From the service being back to the site answering /readyz (for a worker kill: from the kill)."""
        return round(self.ready - self.restored, 1) if self.ready else float("nan")


def _run(*command: str) -> None:
    subprocess.run(command, check=False, capture_output=True, timeout=120)


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait_ready(port: int, fault: Fault, limit: float = 90.0) -> None:
    deadline = time.time() + limit
    while time.time() < deadline:
        if _ready(port):
            fault.ready = time.time()
            return
        time.sleep(0.2)
    fault.notes.append(f"not ready after {limit:.0f} s")


def _workers(master_pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
    return [int(pid) for pid in found]


# --- The faults -------------------------------------------------------------------


def redis_restart(
    fault: Fault, port: int, redis_port: int = 6379, outage_seconds: float = OUTAGE_SECONDS, **_
) -> None:
    _run("redis-cli", "-h", "127.0.0.1", "-p", str(redis_port), "shutdown", "nosave")
    time.sleep(outage_seconds)
    _run("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(redis_port), "--save", "")
    fault.restored = time.time()


def pgbouncer_restart(fault: Fault, port: int, **_) -> None:
    _run("pkill", "-9", "-x", "pgbouncer")
    time.sleep(OUTAGE_SECONDS)
    _run(str(ROOT / "bin" / "pgbouncer-up"))
    fault.restored = time.time()


def worker_kill(fault: Fault, port: int, master_pid: int, **_) -> None:
    workers = _workers(master_pid)
    if not workers:
        fault.notes.append("no worker found")
        return
    os.kill(workers[0], signal.SIGKILL)
    fault.restored = time.time()  # nothing to restore by hand: the master replaces the worker
    deadline = time.time() + 30
    while time.time() < deadline:
        now = _workers(master_pid)
        if workers[0] not in now and len(now) >= len(workers):
            break
        time.sleep(0.1)
    fault.notes.append(f"worker {workers[0]} replaced in {time.time() - fault.restored:.1f} s")


def postgres_restart(fault: Fault, port: int, **_) -> None:
    cluster = ["pg_ctlcluster", "--skip-systemctl-redirect", POSTGRES_VERSION, "main"]
    _run(*cluster, "stop", "-m", "fast")
    time.sleep(OUTAGE_SECONDS)
    _run(*cluster, "start")
    fault.restored = time.time()


SCHEDULE = [
    ("Redis stopped and restarted (empty)", redis_restart, False),
    ("PgBouncer killed (SIGKILL) and restarted", pgbouncer_restart, True),
    ("a gunicorn worker killed (SIGKILL)", worker_kill, False),
    ("PostgreSQL stopped and restarted", postgres_restart, False),
]


def inject(*, port: int, master_pid: int, pgbouncer: bool, stop_event, redis_port: int = 6379) -> list[Fault]:
    """Run the schedule (skipping PgBouncer without --pgbouncer); returns what happened, with times."""
    faults = []
    if stop_event.wait(SETTLE_SECONDS):
        return faults
    for name, action, needs_pgbouncer in SCHEDULE:
        if needs_pgbouncer and not pgbouncer:
            continue
        fault = Fault(name=name, started=time.time())
        action(fault, port, master_pid=master_pid, redis_port=redis_port)
        _wait_ready(port, fault)
        faults.append(fault)
        if stop_event.wait(SETTLE_SECONDS):
            break
    return faults


def redis_outage(*, port: int, redis_port: int, seconds: float, stop_event) -> list[Fault]:
    """`--redis-outage`: after SETTLE_SECONDS of load, Redis stopped for `seconds` and restarted (empty).

    Long enough (more than a minute) for the "Redis lost" alert to fire, and the restart always happens,
    even when the load ends first, so the alert is seen to clear.
    """
    if stop_event.wait(SETTLE_SECONDS):
        return []
    fault = Fault(name=f"Redis stopped for {seconds:.0f} s and restarted (empty)", started=time.time())
    redis_restart(fault, port, redis_port=redis_port, outage_seconds=seconds)
    _wait_ready(port, fault)
    return [fault]


def failed_during(history_csv: Path, faults: list[Fault], margin: float = 2.0) -> None:
    """Locust's per-second history: failures between a fault's start and the site being ready again."""
    rows = []
    for path in glob.glob(str(history_csv)):
        with open(path) as handle:
            rows += [row for row in csv.DictReader(handle) if row["Name"] == "Aggregated"]
    points = sorted((int(row["Timestamp"]), int(float(row["Total Failure Count"]))) for row in rows)

    def failures_at(moment: float) -> int:
        seen = [count for stamp, count in points if stamp <= moment]
        return seen[-1] if seen else 0

    for fault in faults:
        end = (fault.ready or fault.restored) + margin
        fault.failed_requests = failures_at(end) - failures_at(fault.started - 1)


def table(faults: list[Fault], answers: dict) -> str:
    lines = [
        "| fault | requests failed during it | seconds to recover | answers lost | answers duplicated |",
        "| --- | --- | --- | --- | --- |",
    ]
    for fault in faults:
        recover = "not recovered" if not fault.ready else f"{fault.seconds_to_recover:.1f}"
        note = f" ({'; '.join(fault.notes)})" if fault.notes else ""
        lines.append(f"| {fault.name}{note} | {fault.failed_requests} | {recover} | - | - |")
    failed, lost, duplicated = answers.get("failed_requests", "?"), answers["lost"], answers["duplicated"]
    lines.append(f"| **whole run** | {failed} | | {lost} | {duplicated} |")
    return "\n".join(lines)

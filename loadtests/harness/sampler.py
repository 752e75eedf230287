"""Peak PostgreSQL connections and gunicorn memory, and gunicorn's CPU, sampled once a second during a run."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path


def children(pid: int) -> list[int]:
    """A gunicorn master and its workers."""
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid, *map(int, found)]


def cpu_by_process(pid: int) -> dict[int, float]:
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for process in children(pid):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            seconds[process] = (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError):
            pass
    return seconds


def rss_mb(pid: int) -> float:
    total = 0
    for process in children(pid):
        try:
            for line in Path(f"/proc/{process}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


class Sampler:
    """Samples in a thread from `start()` to `stop()`; `elapsed` is the seconds between them."""

    def __init__(self, *, master_pid: int, database: str) -> None:
        self.master_pid, self.database = master_pid, database
        self.db_connections, self.rss_mb, self.cpu_seconds = 0, 0.0, 0.0
        self.started_at = self.elapsed = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def start(self) -> None:
        self.started_at = time.time()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.elapsed = time.time() - self.started_at

    def _sample(self) -> None:
        # CPU is summed per process ever seen, since workers are recycled during a run.
        query = f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{self.database}'"
        cpu_seen: dict[int, float] = {}
        while not self._stop.is_set():
            cpu_seen.update(cpu_by_process(self.master_pid))
            self.cpu_seconds = sum(cpu_seen.values())
            result = subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc", query],
                capture_output=True, text=True,
            )  # fmt: skip
            if result.returncode == 0 and result.stdout.strip().isdigit():
                self.db_connections = max(self.db_connections, int(result.stdout.strip()))
            self.rss_mb = max(self.rss_mb, rss_mb(self.master_pid))
            self._stop.wait(1.0)

"""`make bench-floor`: each key page's requests a second as a share of a trivial view's, same gunicorn.

The floor is /healthz (every middleware, no query, no template), so a share says what a page costs on
top of the framework. Then the login capacity: N sign-ins fired at the same instant.
"""

from __future__ import annotations

import argparse
import csv
import http.cookiejar
import json
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from . import PY, REPORTS, ROOT
from .report import number
from .scenarios import LOCUSTFILE
from .stack import CSRF

FLOOR_ENDPOINTS = ["floor", "landing", "dashboard", "item", "answer", "board", "stats"]


def floor_bench(args: argparse.Namespace, env: dict, students: int) -> int:
    """Requests/s of a trivial view (/healthz, through every middleware) and of each key page, same server."""
    results = {}
    for endpoint in FLOOR_ENDPOINTS:
        prefix = REPORTS / f"floor-{endpoint}"
        subprocess.run(
            [PY, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
             "--host", f"http://127.0.0.1:{args.port}", "-u", str(args.users), "-r", str(args.users),
             "-t", args.duration, "--csv", str(prefix), "--only-summary", "--exit-code-on-error", "0",
             "FloorStudent"],
            env={**env, "LOAD_ENDPOINT": endpoint, "LOAD_STUDENTS": str(students)}, cwd=ROOT, check=False,
        )  # fmt: skip
        with open(f"{prefix}_stats.csv") as handle:
            row = next(r for r in csv.DictReader(handle) if r["Name"] == endpoint)
        results[endpoint] = {
            "requests_per_second": round(float(row["Requests/s"]), 1),
            "p50_ms": number(row["50%"]),
            "p95_ms": number(row["95%"]),
            "failures": int(row["Failure Count"]),
        }
    floor = results["floor"]["requests_per_second"] or 1
    for figures in results.values():
        figures["share_of_floor"] = round(figures["requests_per_second"] / floor, 2)
    report = {
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "proxy": None,  # straight at gunicorn: a proxy would be one more process on the two cores
        "clients": args.users,
        "seconds_each": args.duration,
        "results": results,
        "login_capacity": login_capacity(args.port, students),
    }
    (REPORTS / "floor.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


def login_capacity(port: int, students: int, bursts=(5, 10, 20)) -> list[dict]:
    """N login POSTs fired at the same instant (N different students): how long until all are done.

    N / the slowest is the login throughput this server reaches; each login is one Argon2id
    verification plus the session rotation. The login pages are fetched first, outside the clock.
    """
    base = f"http://127.0.0.1:{port}"
    results, next_student = [], students  # from the last generated student down: none logged in yet

    for burst in bursts:
        prepared, barrier = [], threading.Barrier(burst)
        for _ in range(burst):
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
            )
            token = CSRF.search(opener.open(f"{base}/accounts/login/", timeout=30).read().decode()).group(1)
            form = {
                "username": f"load-{next_student:07d}",
                "password": "load-test-password",
                "csrfmiddlewaretoken": token,
            }
            prepared.append((opener, urllib.parse.urlencode(form).encode(), barrier))
            next_student -= 1

        def log_in(job):
            opener, body, start_together = job
            start_together.wait()
            began = time.perf_counter()
            opener.open(f"{base}/accounts/login/", body, timeout=60).read()
            return time.perf_counter() - began

        with ThreadPoolExecutor(max_workers=burst) as pool:
            durations = sorted(pool.map(log_in, prepared))
        results.append(
            {
                "logins_at_once": burst,
                "all_done_ms": round(durations[-1] * 1000),
                "median_ms": round(durations[len(durations) // 2] * 1000),
                "logins_per_second": round(burst / durations[-1], 1),
            }
        )
    return results

"""Where a key page's CPU goes: cProfile over N requests, in process, production settings.

Run after a load run or `make bench-floor` has seeded the load database:

    python loadtests/profile_pages.py [--pages dashboard,item,answer,board,stats] [-n 200] [--top 25]

Each page is requested N times through the whole middleware stack (Django's test
client with DEBUG off, PostgreSQL and Redis as in the load runs), after a warm-up.
It prints, per page: CPU ms and wall ms per request, queries per request, and the
functions that took most CPU (own time), which is where a cut pays.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    {
        "DEBUG": "false",
        "SECRET_KEY": "load-test-only-not-secret",
        "ADMIN_URL": "staff-load/",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/usmle_quiz_load"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13"),
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "RATELIMIT_ENABLE": "false",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "usmle_quiz.settings",
    }
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", default="floor,dashboard,item,answer,board,rows,stats,login")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", help="tottime (own CPU) or cumulative")
    parser.add_argument("--student", default="load-0000003")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    password = os.environ.get("LOAD_PASSWORD", "load-test-password")
    if not client.login(username=args.student, password=password):
        raise SystemExit("log-in failed: seed the load database first (make bench-floor or make loadtest)")
    reply = client.post("/quizzes/new/", {"mode": "timed", "size": 40, "pool": "all"})
    if reply.status_code not in (302, 303):
        raise SystemExit(f"building a block answered {reply.status_code}")
    block_url = reply["Location"].rstrip("/")
    block_base = block_url.rsplit("/q/", 1)[0] if "/q/" in block_url else block_url
    answered = iter(range(1, 41))

    def answer():
        position = next(answered, None)
        if position is None:
            return
        page = client.get(f"{block_base}/q/{position}/")
        key = page.content.decode().split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]
        client.post(
            f"{block_base}/q/{position}/", {"choice": "A", "idempotency_key": key, "elapsed_ms": 9000}
        )

    login_client = Client()

    def login():
        login_client.post("/accounts/login/", {"username": args.student, "password": password})

    pages = {
        "floor": lambda: client.get("/healthz"),
        "dashboard": lambda: client.get("/"),
        "item": lambda: client.get(f"{block_base}/q/7/"),
        "answer": answer,
        "board": lambda: client.get("/leaderboard/"),
        "rows": lambda: client.get("/leaderboard/rows/"),
        "stats": lambda: client.get("/stats/"),
        "login": login,
        "build": lambda: client.post("/quizzes/new/", {"mode": "timed", "size": 40, "pool": "all"}),
    }
    for name in args.pages.split(","):
        call = pages[name]
        n = min(args.n, 39) if name == "answer" else args.n
        if name != "answer":
            for _ in range(5):
                call()
        if name in ("login", "build"):
            n = min(n, 30)
        profile = cProfile.Profile()
        cpu, wall = time.process_time(), time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            profile.enable()
            for _ in range(n):
                call()
            profile.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        queries = len(queries) / n
        print(
            f"\n=== {name}: {1000 * cpu / n:.2f} ms CPU, {1000 * wall / n:.2f} ms wall, {queries:.1f} queries"
        )
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
        print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Run one load scenario against a production-like stack this script starts and stops.

    python loadtests/run.py --scenario mixed --users 500 --duration 5m [--pgbouncer] [--redis-outage 90s]

Starts gunicorn (gunicorn.conf.py, DEBUG off), the task worker and HAProxy on its own database, seeds it
(generate_load_data, seed_demo), starts Prometheus scraping the stack (http://127.0.0.1:9091 while it runs),
runs locust headless, samples PostgreSQL server connections and gunicorn CPU and memory, stops what it
started, checks that every acknowledged answer is in the database, sets what Prometheus saw beside locust's
figures, and writes loadtests/reports/<scenario>-<users>.{csv,html,json}. Exits 1 when a threshold fails
(loadtests/harness/thresholds.py). The steps live in loadtests/harness/, one module each.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The repository root goes on the path first, so the harness is found from wherever this is started.
from loadtests.harness import REPORTS, floor, load, scenarios, seed, stack


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenario", choices=sorted(scenarios.CLASSES), default="mixed")
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--duration", default="5m")
    parser.add_argument("--pgbouncer", action="store_true")
    parser.add_argument("--chaos", action="store_true", help="stop and restart the services mid-run")
    parser.add_argument(
        "--redis-outage",
        type=scenarios.duration_seconds,
        metavar="DURATION",
        help="stop Redis this long (e.g. 90s) 30 s into the run, then restart it: its alert fires and clears",
    )
    parser.add_argument("--spawn-rate", type=float, help="arrivals per second")
    parser.add_argument("--spammer", action="store_true", default=True)
    parser.add_argument("--no-spammer", dest="spammer", action="store_false")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--no-proxy", dest="proxy", action="store_false", help="straight at gunicorn, not through HAProxy"
    )
    parser.add_argument(
        "--no-prometheus",
        dest="prometheus",
        action="store_false",
        help="without Prometheus and its exporters",
    )
    # The defaults of gunicorn.conf.py on this 2-core machine: sync workers (docs/PERFORMANCE.md).
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "5")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("GUNICORN_THREADS", "1")))
    parser.add_argument("--database", default="usmle_quiz_load")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="instead of a scenario: each key page's throughput vs a trivial view",
    )
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument(
        "--redis-port", type=int, default=6379, help="the Redis the stack uses (and --redis-outage stops)"
    )
    args = parser.parse_args()
    if args.chaos and args.redis_outage:
        parser.error("--chaos stops Redis already; use one or the other")
    return args


def main() -> int:
    args = parse_args()
    REPORTS.mkdir(parents=True, exist_ok=True)
    env = stack.app_env(args)
    direct = stack.direct_env(env, database=args.database)
    students = seed.students_for(args.users)
    seed.load_database_seed(direct, database=args.database, students=students)
    with stack.Stack(env, port=args.port, warm_up_concurrency=args.workers * args.threads * 2) as server:
        if args.floor:
            return floor.floor_bench(args, env, students)
        run = load.load_run(args, env, direct, students, master_pid=server.master_pid)
    return load.report_finish(args, direct, run)


if __name__ == "__main__":
    sys.exit(main())

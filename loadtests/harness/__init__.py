"""The load harness behind `loadtests/run.py`, one module per step of a run:

    scenarios.py    which locust classes a scenario runs, how fast students arrive, the locust command
    stack.py        the production-like stack: its environment, gunicorn, the task worker, HAProxy, warm-up
    seed.py         the load database: created, migrated, filled with generated students and the demo bank
    sampler.py      peak PostgreSQL connections, gunicorn memory and CPU, sampled every second
    ledger.py       the answer ledger: acknowledged answers against what the database holds
    floor.py        `make bench-floor`: each key page's throughput against a trivial view's
    prometheus.py   a real Prometheus (and the Redis and PgBouncer exporters) scraping the stack
    agreement.py    what Prometheus saw against locust and the ledger, with the tolerances
    thresholds.py   THRESHOLDS, the one table a run must pass
    report.py       locust's CSV and the figures above turned into the run's JSON report
    load.py         one load run from start to report, using the modules above (loadtests/run.py calls it)

Every path here is relative to the repository, so the harness runs from any directory.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "loadtests" / "reports"
PY = sys.executable

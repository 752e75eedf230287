"""A real Prometheus in the load runs: what the app counted, set beside what locust and the ledger saw.

Debian's `prometheus` runs from a generated configuration in a temporary directory (its storage there too,
removed at the end), scraping every SCRAPE_SECONDS the app's /metrics (gunicorn directly: /metrics sums the
workers), the Redis exporter and, with --pgbouncer, the PgBouncer exporter, with deploy/prometheus/alerts.yml
loaded. While a run lasts it answers on http://127.0.0.1:9091 (docs/PERFORMANCE.md says what to look at).
Without the binaries the run goes on and its report says Prometheus was not installed.

The figures are read over the load window: counters as the difference of their values at its start and its
end (taken after a scrape that follows the last request, so nothing is cut off and nothing is extrapolated).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from . import ROOT

PROMETHEUS_PORT = 9091  # not 9090, where Debian's packaged service may already listen
REDIS_EXPORTER_PORT = 9121
PGBOUNCER_EXPORTER_PORT = 9127
# Every 2 s: a 30-second smoke run gets fifteen scrapes, and the 1-minute rates of the rules a good thirty.
SCRAPE_SECONDS = 2
ALERT_RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
APP_JOB = "usmle-quiz"  # the job name alerts.yml reads `up` of
REDIS_ALERT, REDIS_ALERT_FOR_SECONDS = "UsmleRedisDown", 60  # alerts.yml: usmle_redis_up == 0 for 1m
# Views that are not the load: health probes (usmle_quiz.metrics leaves Prometheus's own scrapes out already).
NOT_LOAD_VIEWS = "healthz|readyz|metrics"
LATENCY = "django_http_requests_latency_seconds_by_view_method_bucket"  # the view alone
WHOLE_STACK = "django_http_requests_latency_including_middlewares_seconds_bucket"  # every middleware too
RESPONSES = "usmle_http_responses_total"  # every reply by status, counted outermost
REQUESTS = "django_http_requests_before_middlewares_total"


def config_build(
    *,
    app_port: int,
    redis_port: int | None = None,
    pgbouncer: bool = False,
    rule_files: Sequence[Path] = (),
    scrape_seconds: int = SCRAPE_SECONDS,
) -> dict:
    """The prometheus.yml of a load run, as a dict (written as JSON, which YAML reads)."""
    interval = f"{scrape_seconds}s"
    scrape_configs = [
        {
            "job_name": APP_JOB,
            "metrics_path": "/metrics",
            "scrape_timeout": interval,
            "static_configs": [{"targets": [f"127.0.0.1:{app_port}"]}],
        }
    ]
    if redis_port is not None:
        scrape_configs.append(
            {"job_name": "redis", "static_configs": [{"targets": [f"127.0.0.1:{REDIS_EXPORTER_PORT}"]}]}
        )
    if pgbouncer:
        scrape_configs.append(
            {
                "job_name": "pgbouncer",
                "static_configs": [{"targets": [f"127.0.0.1:{PGBOUNCER_EXPORTER_PORT}"]}],
            }
        )
    return {
        "global": {"scrape_interval": interval, "evaluation_interval": interval},
        "rule_files": [str(path) for path in rule_files],
        "scrape_configs": scrape_configs,
    }


def installed() -> bool:
    return shutil.which("prometheus") is not None


class PrometheusError(RuntimeError):
    pass


class Prometheus:
    """Prometheus and the exporters: `start()`, then `stop()`, which also removes their directory."""

    def __init__(self, *, app_port: int, redis_port: int, pgbouncer: bool) -> None:
        self.app_port, self.redis_port, self.pgbouncer = app_port, redis_port, pgbouncer
        self.rule_files = [ALERT_RULES] if ALERT_RULES.exists() else []
        self.directory = Path(tempfile.mkdtemp(prefix="usmle-load-prometheus-"))
        self.processes: list[subprocess.Popen] = []
        self.url = f"http://127.0.0.1:{PROMETHEUS_PORT}"
        self.exporters: list[str] = []
        self.exporters_failed: dict[str, str] = {}  # name -> the last line it logged

    def start(self) -> None:
        # The exporters read PORT and HOST from the environment, as the app does: they get a clean one.
        clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        exporters = {}
        if shutil.which("prometheus-redis-exporter"):
            exporters["redis"] = self._spawn(
                ["prometheus-redis-exporter", "-redis.addr", f"redis://127.0.0.1:{self.redis_port}",
                 "-web.listen-address", f"127.0.0.1:{REDIS_EXPORTER_PORT}"], clean, "redis-exporter.log",
            )  # fmt: skip
        if self.pgbouncer and shutil.which("prometheus-pgbouncer-exporter"):
            exporters["pgbouncer"] = self._spawn(
                ["prometheus-pgbouncer-exporter", "--host", "127.0.0.1",
                 "--port", str(PGBOUNCER_EXPORTER_PORT), "--pgbouncer-host", "127.0.0.1",
                 "--pgbouncer-port", "6432", "--pgbouncer-user", "postgres"],
                clean, "pgbouncer-exporter.log",
            )  # fmt: skip
        # An exporter that dies at once is left out of the scrape (and said so in the report) rather than
        # scraped as down: Debian bookworm's PgBouncer exporter, for one, fails on PgBouncer 1.18's stats.
        time.sleep(2 if exporters else 0)
        for name, process in exporters.items():
            if process.poll() is None:
                self.exporters.append(name)
            else:
                lines = (self.directory / f"{name}-exporter.log").read_text().strip().splitlines()
                self.exporters_failed[name] = lines[-1] if lines else f"exited with {process.returncode}"
        config = config_build(
            app_port=self.app_port,
            redis_port=self.redis_port if "redis" in self.exporters else None,
            pgbouncer="pgbouncer" in self.exporters,
            rule_files=self.rule_files,
        )
        (self.directory / "prometheus.yml").write_text(json.dumps(config, indent=2) + "\n")
        self._spawn(
            ["prometheus", f"--config.file={self.directory / 'prometheus.yml'}",
             f"--storage.tsdb.path={self.directory / 'data'}",
             f"--web.listen-address=127.0.0.1:{PROMETHEUS_PORT}",
             "--storage.tsdb.retention.time=1d", "--log.level=warn"], clean, "prometheus.log",
        )  # fmt: skip
        self._wait(lambda: self._get("/-/ready", raw=True), "Prometheus did not become ready")
        self._wait(lambda: self.value(f'up{{job="{APP_JOB}"}}') == 1, "Prometheus could not scrape /metrics")

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(self.directory, ignore_errors=True)

    def _spawn(self, command: list[str], env: dict, log: str) -> subprocess.Popen:
        with open(self.directory / log, "w") as handle:
            process = subprocess.Popen(
                command, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append(process)
        return process

    def _wait(self, ready, message: str, limit: float = 30.0) -> None:
        deadline = time.time() + limit
        while time.time() < deadline:
            # Ours exited (the port taken, a bad flag): another Prometheus on the port must not answer for it.
            if self.processes and self.processes[-1].poll() is not None:
                message += ": prometheus exited"
                break
            try:
                if ready():
                    return
            except (OSError, PrometheusError):
                pass
            time.sleep(0.5)
        log = (self.directory / "prometheus.log").read_text()[-2000:]
        raise PrometheusError(f"{message}\n{log}")

    def _get(self, path: str, params: dict | None = None, raw: bool = False):
        url = self.url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own http:// URL)
            body = response.read()
        if raw:
            return body
        answer = json.loads(body)
        if answer.get("status") != "success":
            raise PrometheusError(f"{params}: {answer.get('error')}")
        return answer["data"]

    def query(self, expr: str, at: float | None = None) -> list[dict]:
        return self._get("/api/v1/query", {"query": expr, **({"time": at} if at else {})})["result"]

    def value(self, expr: str, at: float | None = None) -> float | None:
        """A query that gives one number (or nothing: None)."""
        result = self.query(expr, at)
        if not result:
            return None
        number = float(result[0]["value"][1])
        return None if math.isnan(number) else number

    def query_range(self, expr: str, *, start: float, end: float) -> list[dict]:
        params = {"query": expr, "start": start, "end": end, "step": SCRAPE_SECONDS}
        return self._get("/api/v1/query_range", params)["result"]

    def scrape_wait(self) -> float:
        """Wait until the app has been scraped after this moment; return the moment."""
        moment = time.time()
        self._wait(
            lambda: (self.value(f'timestamp(up{{job="{APP_JOB}"}})') or 0) > moment,
            "no scrape of /metrics",
            limit=SCRAPE_SECONDS * 5,
        )
        return time.time()


def _delta(aggregation: str, selector: str, *, start: float, end: float) -> str:
    """The increase of `aggregation(selector)` from `start` to `end` (`@` pins each side to its moment);
    series that appear only after `start` count from 0."""

    def at(moment: float) -> str:
        return f"{aggregation} ({selector} @ {moment:.3f})"

    return f"{at(end)} - ({at(start)} or {at(end)} * 0)"


def observe(prometheus: Prometheus, *, start: float, end: float) -> dict:
    """What Prometheus saw over the load window [start, end] (both moments just after a scrape)."""
    load = f'view!~"{NOT_LOAD_VIEWS}"'
    value = prometheus.value
    # django-prometheus's outermost count: every request Django answered, the flood guard's refusals included
    # (as locust sees them), Prometheus's own scrapes left out (usmle_quiz.metrics), health probes in.
    counted = value(_delta("sum", REQUESTS, start=start, end=end), end) or 0.0
    responses = value(_delta("sum", f"{RESPONSES}{{{load}}}", start=start, end=end), end) or 0.0
    errors = value(_delta("sum", f'{RESPONSES}{{{load},status=~"5.."}}', start=start, end=end), end) or 0.0
    latency = f"{LATENCY}{{{load}}}"
    p95 = value(f"histogram_quantile(0.95, {_delta('sum by (le)', latency, start=start, end=end)})", end)
    # The whole stack's p95 beside the view's and locust's says where slow requests spent their time: in the
    # view, in the middleware (session, authentication, the flood guard), or before Django (proxy, queue).
    whole = value(
        f"histogram_quantile(0.95, {_delta('sum by (le)', WHOLE_STACK, start=start, end=end)})", end
    )
    by_view = prometheus.query(
        f"histogram_quantile(0.95, {_delta('sum by (view, le)', latency, start=start, end=end)})", end
    )
    replies = prometheus.query(_delta("sum by (view, method, status)", RESPONSES, start=start, end=end), end)
    bounds = sorted(
        float(series["metric"]["le"]) for series in prometheus.query(f"sum by (le) ({latency})", end)
    )
    answers = value(_delta("sum", "usmle_answers_total", start=start, end=end), end)
    # Gauges: their highest value at any scrape in the window (a subquery at the scrape interval).
    window = f"[{max(SCRAPE_SECONDS, round(end - start))}s:{SCRAPE_SECONDS}s]"
    return {
        "window_seconds": round(end - start, 1),
        "scrape_seconds": SCRAPE_SECONDS,
        "rule_files": [str(path.relative_to(ROOT)) for path in prometheus.rule_files],
        "exporters": prometheus.exporters,
        "exporters_failed": prometheus.exporters_failed,
        "requests": round(counted),
        "responses_5xx": round(errors),
        "error_ratio": round(errors / responses, 5) if responses else 0.0,
        "p95_ms": _milliseconds(p95),
        "p95_ms_whole_stack": _milliseconds(whole),
        "latency_bucket_bounds_ms": [round(bound * 1000, 3) for bound in bounds if math.isfinite(bound)],
        "p95_ms_by_view": {
            series["metric"].get("view", "?"): _milliseconds(float(series["value"][1])) for series in by_view
        },
        # Replies by view, method and status: locust's pages side by side with what the app answered.
        "replies_by_view": {
            f"{series['metric'].get('method', '?')} {series['metric'].get('view', '?')} "
            f"{series['metric'].get('status', '?')}": round(float(series["value"][1]))
            for series in sorted(replies, key=lambda series: sorted(series["metric"].items()))
            if float(series["value"][1]) >= 0.5
        },
        "peak_db_connections": _maybe_int(value(f"max_over_time(max(usmle_db_connections){window})", end)),
        "peak_active_students": _maybe_int(value(f"max_over_time(max(usmle_active_students){window})", end)),
        "answers_recorded": _maybe_int(answers),
        "alerts": alerts_fired(prometheus, start=start, end=end),
    }


def _milliseconds(seconds: float | None) -> float | None:
    return round(seconds * 1000, 1) if seconds is not None and math.isfinite(seconds) else None


def _maybe_int(number: float | None) -> int | None:
    return None if number is None else round(number)


def _alert_labels(series: dict) -> dict:
    return {key: value for key, value in series["metric"].items() if key not in ("__name__", "alertstate")}


def alerts_fired(prometheus: Prometheus, *, start: float, end: float) -> list[dict]:
    """Every alert that fired in the window: seconds into it it first and last fired, and if it cleared."""
    firing = 'ALERTS{alertstate="firing"}'
    still = [_alert_labels(series) for series in prometheus.query(firing, end)]
    fired = []
    for series in prometheus.query_range(firing, start=start, end=end):
        moments = [float(at) for at, _ in series["values"]]
        labels = _alert_labels(series)
        fired.append(
            {
                "alert": labels["alertname"],
                "labels": {key: value for key, value in labels.items() if key != "alertname"},
                "first_firing": round(moments[0] - start, 1),
                "last_firing": round(moments[-1] - start, 1),
                "resolved": labels not in still,
            }
        )
    return fired


def alert_clear_wait(prometheus: Prometheus, alert: str, *, limit: float = 60.0) -> None:
    """Wait (up to `limit` s) until `alert` no longer fires, so a fault run's window holds its clearing."""
    deadline = time.time() + limit
    while time.time() < deadline and prometheus.query(f'ALERTS{{alertname="{alert}",alertstate="firing"}}'):
        time.sleep(SCRAPE_SECONDS)

"""One load run: locust against the running stack, with the sampler, HAProxy, Prometheus and any faults
around it; then the ledger read again and the report assembled, checked and written."""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import threading

from loadtests import chaos

from . import REPORTS, ROOT, agreement, ledger, prometheus, report, scenarios, stack
from .sampler import Sampler


def load_run(args: argparse.Namespace, env: dict, direct: dict, students: int, *, master_pid: int) -> dict:
    """Locust against the running stack, with the sampler, the proxy, Prometheus and any faults around it."""
    name = scenarios.run_name(args)
    run = {"name": name, "faults": [], "prometheus": {"status": "off (--no-prometheus)"}}
    with contextlib.ExitStack() as around:
        watcher = None
        if args.prometheus and not prometheus.installed():
            run["prometheus"] = {"status": "not installed (make prometheus-deps installs Debian's)"}
        elif args.prometheus:
            watcher = prometheus.Prometheus(
                app_port=args.port, redis_port=args.redis_port, pgbouncer=args.pgbouncer
            )
            around.callback(watcher.stop)
            try:
                watcher.start()
                window_start = watcher.scrape_wait()
            except prometheus.PrometheusError as error:
                print(f"Prometheus: {error}", file=sys.stderr)
                run["prometheus"], watcher = {"status": f"did not start: {str(error).splitlines()[0]}"}, None
        sampler = Sampler(master_pid=master_pid, database=args.database)
        sampler.start()
        host = f"http://127.0.0.1:{args.port}"
        if args.proxy:  # the front door, as in production: HAProxy (deploy/haproxy.cfg) on the next port
            around.enter_context(stack.Proxy(bind_port=args.port + 1, app_port=args.port))
            host = f"http://127.0.0.1:{args.port + 1}"
        run["ledger_before"] = ledger.answer_ledger(direct)
        injector, injected = _faults_start(args, master_pid=master_pid, faults=run["faults"])
        load_env = {
            **env,
            "LOAD_STUDENTS": str(students),
            "LOAD_ACKS_FILE": str(REPORTS / f"{name}-acks.json"),
            "LOAD_SCENARIO": args.scenario,
        }
        subprocess.run(
            scenarios.locust_command(args, name=name, host=host), env=load_env, cwd=ROOT, check=False
        )
        if injector:
            injected.set()
            injector.join(timeout=args.redis_outage + 120 if args.redis_outage else 180)
        sampler.stop()
        run["sampler"] = sampler
        if watcher:
            # After a scrape that follows the last request (and Redis back in an outage run): nothing cut off.
            try:
                if args.redis_outage:
                    prometheus.alert_clear_wait(watcher, prometheus.REDIS_ALERT)
                window_end = watcher.scrape_wait()
                run["prometheus"] = prometheus.observe(watcher, start=window_start, end=window_end)
            except (prometheus.PrometheusError, OSError) as error:  # the load's own figures still count
                run["prometheus"] = {"status": f"failed during the run: {str(error).splitlines()[0]}"}
    return run


def _faults_start(args: argparse.Namespace, *, master_pid: int, faults: list):
    """The fault injector's thread (`--chaos`, `--redis-outage`), started; (None, None) without faults."""
    if not (args.chaos or args.redis_outage):
        return None, None
    done = threading.Event()
    if args.chaos:
        plan = {
            "port": args.port,
            "master_pid": master_pid,
            "pgbouncer": args.pgbouncer,
            "redis_port": args.redis_port,
        }
        target = lambda: faults.extend(chaos.inject(**plan, stop_event=done))  # noqa: E731
    else:
        seconds = args.redis_outage
        target = lambda: faults.extend(  # noqa: E731
            chaos.redis_outage(port=args.port, redis_port=args.redis_port, seconds=seconds, stop_event=done)
        )
    injector = threading.Thread(target=target, daemon=True)
    injector.start()
    return injector, done


def report_finish(args: argparse.Namespace, direct: dict, run: dict) -> int:
    """The ledger read after the run, the report assembled, checked, written and printed."""
    name, sampler = run["name"], run["sampler"]
    acks_file = REPORTS / f"{name}-acks.json"
    acks = json.loads(acks_file.read_text()) if acks_file.exists() else {}
    stored = ledger.stored_answers(
        direct, since=sampler.started_at, acknowledged=acks.get("answered_items", [])
    )
    ledger_after = ledger.answer_ledger(direct)
    summary = report.report_build(
        args=args,
        arrivals_per_second=scenarios.spawn_rate(args),
        locust=report.locust_figures(scenarios.stats_csv(name)),
        acks=acks,
        stored=stored,
        duplicated=ledger.counted_twice(run["ledger_before"], ledger_after),
        aggregates_differ=ledger_after["aggregates_differ"],
        sampler=sampler,
    )
    faults_injected = bool(args.chaos or args.redis_outage)
    if faults_injected:
        _faults_report(summary, args, run["faults"])
    extra = {}
    if "window_seconds" in run["prometheus"]:
        summary["prometheus"] = agreement.section_build(
            run["prometheus"], summary, faults_injected=faults_injected
        )
        extra = agreement.agreement_checks(summary["prometheus"])
        if args.redis_outage:
            extra |= agreement.outage_checks(summary["prometheus"], outage_seconds=args.redis_outage)
    else:
        summary["prometheus"] = run["prometheus"]
    report.checks_add(summary, faults_injected=faults_injected, extra=extra)
    report.report_write(summary, name=name)
    agreement.agreement_print(summary["prometheus"])
    if faults_injected:
        print("\n" + summary["fault_table"])
    return 0 if summary["passed"] else 1


def _faults_report(summary: dict, args: argparse.Namespace, faults: list) -> None:
    chaos.failed_during(REPORTS / f"{scenarios.run_name(args)}_stats_history.csv", faults)
    summary["faults_expected"] = 3 if args.chaos else 1
    summary["faults"] = [
        {
            "fault": fault.name,
            "failed_requests": fault.failed_requests,
            "seconds_to_recover": fault.seconds_to_recover,
            "recovered": bool(fault.ready),
            "notes": fault.notes,
        }
        for fault in faults
    ]
    answers = summary["answers"]
    summary["fault_table"] = chaos.table(
        faults,
        {
            "lost": answers["acknowledged_but_missing"],
            "duplicated": answers["duplicated"],
            "failed_requests": round(summary["error_rate"] * summary["requests"]),
        },
    )

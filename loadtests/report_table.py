"""Markdown tables from load-run reports, for docs/PERFORMANCE.md.

    python loadtests/report_table.py loadtests/reports/mixed-500.json [more.json ...]

Prints one summary table (a row per report) and, per report, the per-page
table with p50/p95/p99 and the checks that failed.
"""

import json
import sys
from pathlib import Path


def summary_rows(reports: list[dict]) -> list[str]:
    rows = [
        "| run | students (arrivals/s) | req/s | errors | spammer 429s | peak DB conns | peak RSS "
        "| gunicorn CPU (1 core = 100 %) "
        "| answers acked / stored / missing | passed |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for report in reports:
        answers = report["answers"]
        name = report["scenario"] + (" + PgBouncer" if report["pgbouncer"] else "")
        failed = [check for check, ok in report["checks"].items() if not ok]
        rows.append(
            f"| {name}, {report['duration']} | {report['users']} ({report.get('arrivals_per_second', '?')}) "
            f"| {report['requests_per_second']} | {100 * report['error_rate']:.2f} % "
            f"| {report['spammer_429s']} "
            f"| {report['peak_db_connections']} | {report['peak_gunicorn_rss_mb']:.0f} MB "
            f"| {report['gunicorn_cpu_percent_of_one_core']} % "
            f"| {answers['acknowledged']} / {answers['stored']} / {answers['acknowledged_but_missing']} "
            f"| {'yes' if report['passed'] else 'no: ' + ', '.join(failed)} |"
        )
    return rows


def page_rows(report: dict) -> list[str]:
    rows = ["| page | requests | failures | p50 ms | p95 ms | p99 ms |", "| --- " * 6 + "|"]
    for page, figures in report["pages"].items():
        rows.append(
            f"| {page} | {figures['requests']} | {figures['failures']} | {figures['p50_ms']:.0f} "
            f"| {figures['p95_ms']:.0f} | {figures['p99_ms']:.0f} |"
        )
    return rows


def main(paths: list[str]) -> None:
    reports = [json.loads(Path(path).read_text()) for path in paths]
    print("\n".join(summary_rows(reports)))
    for path, report in zip(paths, reports, strict=True):
        print(f"\n`{Path(path).name}`\n")
        print("\n".join(page_rows(report)))


if __name__ == "__main__":
    main(sys.argv[1:])

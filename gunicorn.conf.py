"""Gunicorn settings, all from the environment (see the README's table).

Started by the Procfile: `gunicorn usmle_quiz.wsgi --config gunicorn.conf.py`.
"""

import multiprocessing
import os
import shutil
import tempfile


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None


# Loopback unless told otherwise: the buffering proxy in front is what faces clients.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("REQUEST_TIMEOUT", 30)
graceful_timeout = timeout
keepalive = 5
# Recycle workers now and then so a slow leak never grows; the jitter keeps
# them from all restarting at the same moment.
# (Rarely: each recycle closes kept-alive connections, which a client can meet mid-request.)
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1000)
# One line per request with its duration; GUNICORN_ACCESS_LOG=false for load runs.
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "true").lower() != "false" else None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Each request with its status, size and duration in milliseconds.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# Password-reset tokens in URLs never reach the log.
logger_class = "usmle_quiz.access_log.RedactingLogger"
# Forwarded headers (X-Forwarded-Proto...) are trusted only behind a TLS proxy that sets them
# (SECURE_PROXY_SSL_HEADER=true); otherwise from nobody, so a plain-HTTP request is never taken for HTTPS.
_behind_tls_proxy = os.environ.get("SECURE_PROXY_SSL_HEADER", "false").strip().lower() == "true"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1") if _behind_tls_proxy else ""

# Metrics summed across workers (prometheus_client's multiprocess mode, usmle_quiz.metrics): every worker
# writes its figures into PROMETHEUS_MULTIPROC_DIR and a scrape adds them up, so a recycled worker's counts
# stay. Set here, in the master, before any worker imports the app; without it, one directory per port
# under the temp dir (removed again at exit). A task worker that should count into the same figures needs
# the same PROMETHEUS_MULTIPROC_DIR (see the Procfile), and is best started after gunicorn, which empties
# the directory when it starts.
_metrics_on = os.environ.get("METRICS_ENABLED", "true").strip().lower() not in {"false", "0", "no", "off"}
_metrics_dir_ours = os.path.join(tempfile.gettempdir(), f"usmle-quiz-metrics-{bind.rsplit(':', 1)[-1]}")
# (Compared, not just "unset": a reload (HUP) reads this file again with the variable set here before.)
_metrics_dir_default = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip() in ("", _metrics_dir_ours)
if _metrics_on and _metrics_dir_default:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir_ours
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip() if _metrics_on else ""


def on_starting(server):
    """Start from zero: the files of a previous run would be summed in, and its dead workers shown live."""
    if not _metrics_dir:
        return
    os.makedirs(_metrics_dir, exist_ok=True)
    for name in os.listdir(_metrics_dir):
        if name.endswith(".db"):  # only prometheus_client's files: the directory may be the operator's
            os.remove(os.path.join(_metrics_dir, name))


def child_exit(server, worker):
    """A worker ended (recycled, killed or timed out): its counts stay, its per-process gauges go."""
    if _metrics_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, _metrics_dir)


def on_exit(server):
    if _metrics_dir and _metrics_dir_default:
        shutil.rmtree(_metrics_dir, ignore_errors=True)

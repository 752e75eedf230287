"""Gunicorn settings, all from the environment (see the README's table).

Started by the Procfile: `gunicorn usmle_quiz.wsgi --config gunicorn.conf.py`.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None


bind = f"{os.environ.get('HOST', '0.0.0.0')}:{_int('PORT', 8000)}"  # noqa: S104 - HOST sets it; in a container the proxy is outside
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
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

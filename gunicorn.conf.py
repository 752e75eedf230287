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

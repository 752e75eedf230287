"""Error reports (SENTRY_DSN): a 500 reaches a real HTTP endpoint with its request id, and nothing secret.

The endpoint is a tiny threaded HTTP server in the test standing in for Sentry; the site runs in a fresh
interpreter started with SENTRY_DSN pointing at it, so the SDK starts the way it does in production
(usmle_quiz.apps) and never stays switched on in this test process.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import make_user
from usmle_quiz import error_reports

ROOT = Path(__file__).resolve().parents[2]
SECRET_PASSWORD = "typed-in-the-form-7f3a9c"

# Run in the child: a login POST whose lockout check explodes (a 500 with a password in the body and a
# session cookie on the request); prints what the test needs to look for in the report.
SITE = """
import django
django.setup()
from django.test import Client
from accounts import lockout
from accounts.models import User

def explode(*args, **kwargs):
    raise RuntimeError("the lockout store exploded")

lockout.guesser = explode
client = Client(raise_request_exception=False)
client.force_login(User.objects.get(username="reported"))
response = client.post("/accounts/login/", {"username": "reported", "password": %(password)r})
print(response.status_code, response["X-Request-ID"], client.cookies["sessionid"].value)
import sentry_sdk
sentry_sdk.flush(timeout=10)
"""


class _Sentry(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":  # the SDK's choice when brotli is installed
            import brotli

            body = brotli.decompress(body)
        self.server.received.append(body.decode("utf-8", "replace"))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def sentry_endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sentry)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def events(envelopes: list[str]) -> list[dict]:
    """The error events in Sentry envelopes (a header line, then item header and payload line pairs)."""
    found = []
    for envelope in envelopes:
        lines = envelope.split("\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if header and json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


@pytest.mark.django_db(transaction=True)
def test_a_500_is_reported_with_its_request_id_and_without_cookie_or_password(sentry_endpoint):
    make_user("reported")
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "usmle_quiz.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{sentry_endpoint.server_port}/1",
        "SENTRY_ENVIRONMENT": "test",
    }
    child = subprocess.run(
        [sys.executable, "-c", SITE % {"password": SECRET_PASSWORD}],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 0, child.stderr
    status, request_id, session_key = child.stdout.split()[-3:]
    assert status == "500"
    deadline = time.time() + 10
    while time.time() < deadline and not events(sentry_endpoint.received):
        time.sleep(0.1)
    [event] = events(sentry_endpoint.received)
    assert event["tags"]["request_id"] == request_id
    assert event["environment"] == "test"
    assert event["exception"]["values"][-1]["value"] == "the lockout store exploded"
    everything = "\n".join(sentry_endpoint.received)
    assert SECRET_PASSWORD not in everything
    assert session_key not in everything
    assert "cookie" not in {name.lower() for name in event["request"].get("headers", {})}
    assert "data" not in event["request"]
    assert "vars" not in json.dumps(event["exception"])  # no local variables: they hold passwords


def test_without_a_dsn_nothing_is_started(settings):
    settings.SENTRY_DSN = ""
    assert error_reports.error_reports_init() is False


def test_the_scrub_drops_secrets_and_cuts_reset_tokens_from_urls():
    event = {
        "request": {
            "url": "https://quiz.example.org/accounts/reset/MTI/c4b1-0123456789abcdef/",
            "headers": {"Cookie": "sessionid=abc", "Authorization": "Bearer uq_x", "User-Agent": "phone"},
            "cookies": {"sessionid": "abc"},
            "data": {"password": "x"},
        },
        "breadcrumbs": {"values": [{"message": "GET /accounts/reset/MTI/c4b1-0123456789abcdef/ 200"}]},
    }
    scrubbed = error_reports.report_scrub(event)
    assert scrubbed["request"]["headers"] == {"User-Agent": "phone"}
    assert "cookies" not in scrubbed["request"] and "data" not in scrubbed["request"]
    assert "c4b1-0123456789abcdef" not in json.dumps(scrubbed)
    assert scrubbed["request"]["url"].endswith("/accounts/reset/<uid>/<token>/")

"""Settings read the environment strictly: a bad value stops start-up with its name."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from usmle_quiz.env import env_bool, env_int, parse_database_url, parse_email_url

ROOT = Path(__file__).resolve().parents[2]


def start_settings(**env) -> subprocess.CompletedProcess:
    """Import the settings module in a fresh interpreter with exactly this environment."""
    clean = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [sys.executable, "-c", "import usmle_quiz.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_bad_boolean_stops_start_up_naming_the_variable():
    result = start_settings(DEBUG="ture")
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'ture'" in result.stderr


def test_malformed_database_url_stops_start_up_naming_the_variable():
    result = start_settings(DEBUG="true", DATABASE_URL="mysql//oops")
    assert result.returncode != 0
    assert "DATABASE_URL must start with postgres:// or sqlite:///" in result.stderr


def test_missing_secret_key_stops_start_up_when_debug_is_off():
    result = start_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_defaults_start_with_sqlite_and_local_memory_cache():
    script = (
        "from django.conf import settings as s; import django; django.setup();"
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], s.SESSION_ENGINE)"
    )
    clean = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "usmle_quiz.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        # django-prometheus's subclass of Django's SQLite backend (it counts queries for /metrics).
        "django_prometheus.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ]


def test_redis_url_switches_to_redis_cache_and_cached_db_sessions(settings):
    # make test runs with REDIS_URL set, so the live settings are the Redis ones.
    assert settings.CACHES["default"]["BACKEND"] == "django_prometheus.cache.backends.redis.RedisCache"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    assert settings.CACHES["default"]["OPTIONS"]["SOCKET_TIMEOUT"] <= 0.25


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("FALSE", False), ("1", True), ("off", False)])
def test_env_bool_accepts_plain_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", not expected) is expected


def test_env_int_refuses_words_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be a whole number"):
        env_int("SOME_NUMBER", 1)
    monkeypatch.setenv("SOME_NUMBER", "-1")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be at least 0"):
        env_int("SOME_NUMBER", 1, minimum=0)


def test_database_url_parsing():
    config = parse_database_url(
        "DATABASE_URL", "postgres://quiz:p%40ss@db.internal:6432/usmle", base_dir=ROOT
    )
    assert (config["NAME"], config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "usmle",
        "quiz",
        "p@ss",
        "db.internal",
        "6432",
    )
    assert parse_database_url("X", "sqlite:///db.sqlite3", base_dir=ROOT)["NAME"] == str(ROOT / "db.sqlite3")
    assert parse_database_url("X", "sqlite:////tmp/x.sqlite3", base_dir=ROOT)["NAME"] == "/tmp/x.sqlite3"
    for bad in ("postgres://host-only", "postgres://:5432/db", "postgres://h:notaport/db", "sqlite://"):
        with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
            parse_database_url("DATABASE_URL", bad, base_dir=ROOT)


def test_email_url_parsing():
    assert parse_email_url("EMAIL_URL", "console://")["BACKEND"].endswith("console.EmailBackend")
    smtp = parse_email_url("EMAIL_URL", "smtp://me:secret@mail.example.org:2525")["OPTIONS"]
    assert (smtp["host"], smtp["port"], smtp["use_tls"], smtp["password"]) == (
        "mail.example.org",
        2525,
        True,
        "secret",
    )
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        parse_email_url("EMAIL_URL", "carrier-pigeon://coop")

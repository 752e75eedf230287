"""Reading /metrics back in tests: the samples of a scrape, and a Redis nobody answers on."""

from __future__ import annotations

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from tests.faults.conftest import free_port
from usmle_quiz import redis_breaker

Samples = dict[tuple[str, frozenset], float]


def samples(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(**headers) -> Samples:
    """What Prometheus on this machine (127.0.0.1, allowed by default) reads."""
    response = Client().get("/metrics", **headers)
    assert response.status_code == 200, response.status_code
    return samples(response.text)


def value(found: Samples, name: str, **labels) -> float | None:
    return found.get((name, frozenset(labels.items())))


def series(found: Samples, name: str) -> dict[frozenset, float]:
    return {labels: number for (sample, labels), number in found.items() if sample == name}


def point_at_dead_redis(settings) -> None:
    """Every cache alias at a port nobody listens on (as tests/faults/test_redis_down.py does)."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    for alias in ("default", "ratelimit"):
        settings.CACHES = {**settings.CACHES, alias: {**settings.CACHES[alias], "LOCATION": url}}
    settings.REDIS_URL = url
    redis_breaker.reset()


@pytest.fixture
def dead_redis(settings):
    point_at_dead_redis(settings)
    yield
    redis_breaker.reset()

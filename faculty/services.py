"""Writes of the faculty app: queueing the item analysis refresh."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from faculty.tasks import QUEUED_KEY, QUEUED_SECONDS, item_analysis_refresh

# How old the stored figures may be before opening the page queues a refresh (the lead moves it to settings).
ITEM_ANALYSIS_MAX_AGE = timedelta(minutes=30)


def item_analysis_queue() -> bool:
    """Queue one refresh unless one is queued or running already; True if this call queued it."""
    if connection.vendor != "postgresql":
        return False  # statistics_refresh needs PostgreSQL: the development SQLite shows no figures
    if not cache.add(QUEUED_KEY, 1, QUEUED_SECONDS):
        return False
    item_analysis_refresh.enqueue()
    return True


def item_analysis_queue_if_stale(*, computed_at: datetime | None) -> bool:
    """The page's automatic refresh: figures missing or older than ITEM_ANALYSIS_MAX_AGE."""
    if computed_at is not None and timezone.now() - computed_at < ITEM_ANALYSIS_MAX_AGE:
        return False
    return item_analysis_queue()

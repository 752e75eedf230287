"""Background work for the faculty pages: the item analysis refresh (`manage.py db_worker` runs it)."""

from __future__ import annotations

from django.core.cache import cache
from django.tasks import task

from faculty.item_analysis import statistics_refresh

# Set while a refresh is queued or running, so page views and clicks queue one, not one each; it expires
# on its own if a worker dies mid-refresh (a refresh takes minutes at 10 million first attempts).
QUEUED_KEY = "faculty:item-analysis:queued"
QUEUED_SECONDS = 15 * 60


@task()
def item_analysis_refresh() -> None:
    try:
        statistics_refresh()
    finally:
        cache.delete(QUEUED_KEY)
